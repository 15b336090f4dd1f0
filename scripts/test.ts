// The whole test suite, as README and .ci/run call it: type check, then every *.test.ts with `bun test`.
// Image boot tests (qemu, minutes each) live in *.boot.test.ts and run in their own CI stage: `npm run test:boot`.
import { $ } from "bun";

const started = Date.now();
console.log("== vérification des types (tsc --noEmit)");
const tsc = await $`node_modules/.bin/tsc --noEmit -p .`.nothrow();
if (tsc.exitCode !== 0) {
  console.error("La vérification des types a échoué.");
  process.exit(1);
}
console.log("== tests (bun test)");
const args = process.argv.slice(2);
const run = Bun.spawn(["node_modules/.bin/bun", "test", "--path-ignore-patterns", "**/*.boot.test.ts", ...args], { stdout: "inherit", stderr: "inherit" });
const code = await run.exited;
console.log(`== durée totale : ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(code);
