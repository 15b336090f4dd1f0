// The README is the newcomer's entry point: its commands must exist, CI must run exactly its test command,
// and its configuration table must list every boot setting the appliance reads.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeConfig } from "../../appliance/core/config";

const ROOT = join(import.meta.dir, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");

describe("README", () => {
  test("s'ouvre sur les deux commandes : démarrer l'appliance et lancer tous les tests", () => {
    const first = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(readme.indexOf("```sh")).toBeLessThan(200);
    expect(first).toContain("npm install && npm start");
    expect(first).toContain("npm install && npm test");
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  test("la CI lance exactement la commande de test du README", () => {
    const commands = ci.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    expect(commands.some((l) => /^npm test(\s+<\/dev\/null)?$/.test(l))).toBe(true);
    expect(commands.some((l) => /^npm ci\b/.test(l))).toBe(true);
  });

  test("chaque « npm run X » cité existe dans package.json", () => {
    const cited = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((s) => !(s in pkg.scripts))).toEqual([]);
  });

  test("le tableau de configuration documente chaque variable GUICHET_*", () => {
    const rows = readme.split("\n").filter((l) => l.startsWith("| `GUICHET_"));
    // env name → the JSON file key written in the second column.
    const documented = new Map(rows.map((l) => [/`(GUICHET_\w+)`/.exec(l)![1]!, /^\|[^|]*\|\s*`?(\w+|—)`?\s*\|/.exec(l)?.[1]]));
    const wrong = describeConfig().filter((c) => documented.get(c.env) !== c.key).map((c) => `${c.env} (${c.key})`);
    expect(wrong).toEqual([]);
    expect(documented.has("GUICHET_CONFIG")).toBe(true);
  });
});
