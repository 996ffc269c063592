import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { matrixSettings, startPlatforms } from "../../../src/app/platforms.js";
import { readEnvironment } from "../../../src/config/environment.js";
import { parseConfigText } from "../../../src/config/load.js";

const baseDir = resolve(import.meta.dirname, "../../..");
const config = (matrix: string) =>
  parseConfigText(
    `${matrix}
communities:
  - id: demo
    name: Demo
    review_chat: "matrix:!review:example.org"
    chats: [{ id: "matrix:!lobby:example.org" }]
`,
    { baseDir },
  );

describe("Matrix settings", () => {
  it("runs only when both MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN are set", () => {
    const matrix = startPlatforms.find((p) => p.name === "matrix");
    const loaded = config("");
    const env = readEnvironment({
      MATRIX_HOMESERVER_URL: "https://matrix.example.org/",
      MATRIX_ACCESS_TOKEN: "syt_x",
    });
    expect(
      matrix?.configured(loaded, readEnvironment({ MATRIX_HOMESERVER_URL: "https://m.example.org" })),
    ).toBe(false);
    expect(matrix?.configured(loaded, readEnvironment({ MATRIX_ACCESS_TOKEN: "syt_x" }))).toBe(false);
    expect(matrix?.configured(loaded, env)).toBe(true);
    expect(matrixSettings(loaded, env)).toEqual({
      homeserverUrl: "https://matrix.example.org",
      accessToken: "syt_x",
      inviters: [],
      adminPowerLevel: 50,
      defaultLanguage: "en",
    });
  });

  it("reads inviters and the admin power level from the matrix section, and refuses a malformed inviter", () => {
    const env = readEnvironment({ MATRIX_HOMESERVER_URL: "https://m.example.org", MATRIX_ACCESS_TOKEN: "t" });
    const loaded = config(`matrix:\n  inviters: ["@owner:example.org"]\n  admin_power_level: 75`);
    expect(matrixSettings(loaded, env)).toMatchObject({
      inviters: ["@owner:example.org"],
      adminPowerLevel: 75,
    });
    expect(() => config(`matrix:\n  inviters: ["owner"]`)).toThrow(/Matrix user id/);
    expect(() => config(`matrix:\n  invitors: []`)).toThrow();
  });
});
