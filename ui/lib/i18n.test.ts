/** Every French text the UI passes to t() has an English entry with the same {placeholders}. */
import { expect, test } from "bun:test";
import { Glob } from "bun";
import { join, resolve } from "node:path";
import { EN } from "./i18n-en";
import { EN_ADMIN } from "./i18n-en-admin";
import { EN_SYSTEM } from "./i18n-en-system";

const UI = resolve(import.meta.dir, "..");
const ALL: Record<string, string> = { ...EN, ...EN_ADMIN, ...EN_SYSTEM };
const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(",");

/** French texts given literally to t(…) in the staff shell's sources (comments skipped; module folders keep their own texts). */
async function usedTexts() {
  const found = new Map<string, string>();
  for await (const rel of new Glob("{staff,lib,components}/**/*.ts").scan(UI)) {
    if (rel.includes(".test.") || rel.startsWith("lib/i18n-en")) continue;
    const lines = (await Bun.file(join(UI, rel)).text()).split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*\*)/.test(l));
    for (const m of lines.join("\n").matchAll(/\bt\(\s*"((?:[^"\\]|\\.)*)"/g)) found.set(m[1]!, rel);
  }
  return found;
}

test("chaque texte de l'interface a sa traduction anglaise", async () => {
  const used = await usedTexts();
  expect(used.size).toBeGreaterThan(200);
  const missing = [...used].filter(([fr]) => !(fr in ALL)).map(([fr, file]) => `${file}: ${fr}`);
  expect(missing).toEqual([]);
});

test("les traductions gardent les mêmes paramètres {…}", () => {
  const bad = Object.entries(ALL).filter(([fr, en]) => placeholders(fr) !== placeholders(en)).map(([fr]) => fr);
  expect(bad).toEqual([]);
});

test("les rôles et états affichés indirectement sont traduits", () => {
  // Labels looked up from tables (roles, service states, units) never appear literally in a t("…") call.
  for (const fr of ["Propriétaire", "Administrateur", "Responsable", "Membre", "en marche", "désactivé", "en échec", "Kio", "Mio", "Gio"]) expect(ALL[fr]).toBeTruthy();
});
