// The whole test suite, as README and .ci/run call it (`npm test`): Debian packages, type check, then every
// *.test.ts with `bun test`. Extra arguments go to `bun test` (e.g. `npm test -- appliance/core`).
// Image boot tests (qemu, minutes each) live in *.boot.test.ts and run in their own CI stage: `npm run test:boot`.
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const boot = process.argv.includes("--boot");
const args = process.argv.slice(2).filter((a) => a !== "--boot");
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

/** Runs a step; stops the suite with a clear message and a non-zero code when it fails. */
async function step(title: string, cmd: string[], failure: string) {
  console.log(`== ${title}`);
  const code = await Bun.spawn(cmd, { cwd: ROOT, stdin: "ignore", stdout: "inherit", stderr: "inherit" }).exited;
  if (code !== 0) {
    console.error(`${failure} (code ${code}, après ${elapsed()})`);
    process.exit(code || 1);
  }
}

/** The last step: bun test's own "N pass / N fail" summary stays the last thing printed; its code is ours. */
async function finalStep(title: string, cmd: string[]): Promise<never> {
  console.log(`== ${title} (après ${elapsed()} de préparation)`);
  const code = await Bun.spawn(cmd, { cwd: ROOT, stdin: "ignore", stdout: "inherit", stderr: "inherit" }).exited;
  process.exit(code === 0 ? 0 : code || 1);
}

await step("paquets Debian (scripts/debian-packages.txt)", ["bash", "scripts/ensure-debian-packages.sh"], "Les paquets Debian nécessaires aux tests manquent.");
const bun = process.execPath;

if (boot) {
  // Boot tests are found by name so that a later issue only has to add files.
  const files = [...new Bun.Glob("**/*.boot.test.ts").scanSync({ cwd: ROOT })].filter((f) => !f.startsWith("node_modules/") && !f.includes("/node_modules/")).sort();
  if (!files.length) {
    console.log("== aucun test de démarrage d'image (*.boot.test.ts) pour l'instant");
    process.exit(0);
  }
  // bun test runs the files one after another; a qemu boot under TCG takes minutes, hence the per-test timeout.
  await finalStep(`tests de démarrage d'image (${files.length} fichier(s))`, [bun, "test", "--timeout=1200000", ...files.map((f) => "./" + f), ...args]);
} else {
  await step("vérification des types (tsc --noEmit)", ["node_modules/.bin/tsc", "--noEmit", "-p", "."], "La vérification des types a échoué.");
  // bunfig.toml's [test] timeout is not honoured by this bun: pass it here (end-to-end tests set longer ones).
  await finalStep("tests (bun test)", [bun, "test", "--timeout=20000", "--path-ignore-patterns", "**/*.boot.test.ts", ...args]);
}
