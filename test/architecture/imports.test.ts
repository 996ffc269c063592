import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");

/** Every .ts file under a folder. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

// `import … from "x"`, `import "x"`, `export … from "x"` and `import("x")`, type-only ones included.
const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The repository-relative files a file imports (relative specifiers only; packages are leaves). */
export function importsOf(file: string, text = readFileSync(file, "utf8")): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec?.startsWith(".")) continue;
    out.push(relative(ROOT, resolve(dirname(file), spec.replace(/\.js$/, ".ts"))));
  }
  return out;
}

/** The import graph of src, by repository-relative path. */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) edges.set(relative(ROOT, file), importsOf(file));
  return edges;
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
export function cycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports that break a layering rule, as "from → to". */
function violations(
  edges: Map<string, string[]>,
  from: string,
  forbidden: (to: string) => boolean,
): string[] {
  return [...edges]
    .filter(([file]) => file.startsWith(from))
    .flatMap(([file, targets]) => targets.filter(forbidden).map((to) => `${file} → ${to}`));
}

describe("architecture: the import graph of src", () => {
  const edges = graph();

  it("has no import cycles (type-only imports count too)", () => {
    expect(cycles(edges)).toEqual([]);
  });

  it("lets no adapter import the composition root (src/app) or the config loader", () => {
    expect(
      violations(edges, "src/adapters/", (to) => to.startsWith("src/app/") || to.startsWith("src/config/")),
    ).toEqual([]);
  });

  it("keeps src/core to itself: no imports from adapters, app, config or the CLI", () => {
    expect(violations(edges, "src/core/", (to) => !to.startsWith("src/core/"))).toEqual([]);
  });

  it("can fail: finds a planted cycle and a planted layering break", () => {
    const planted = new Map([
      ["src/core/a.ts", ["src/core/b.ts"]],
      ["src/core/b.ts", ["src/core/c.ts"]],
      ["src/core/c.ts", ["src/core/a.ts", "src/app/x.ts"]],
      ["src/app/x.ts", []],
    ]);
    expect(cycles(planted)).toEqual([["src/core/a.ts", "src/core/b.ts", "src/core/c.ts"]]);
    expect(violations(planted, "src/core/", (to) => !to.startsWith("src/core/"))).toEqual([
      "src/core/c.ts → src/app/x.ts",
    ]);
    expect(
      importsOf(join(SRC, "core/x.ts"), 'import type { A } from "../app/y.js";\nexport { b } from "./z.js";'),
    ).toEqual(["src/app/y.ts", "src/core/z.ts"]);
  });
});
