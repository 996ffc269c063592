import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The slow crash and fault runs: `npm run test:reliability` (vitest.reliability.config.ts).
    exclude: ["test/reliability/**", "**/node_modules/**"],
    environment: "node",
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
