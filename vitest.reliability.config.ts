import { defineConfig } from "vitest/config";

/** The slow crash and fault suites (`npm run test:reliability`, run by `.ci/run`): real CLI processes. */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
