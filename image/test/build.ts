// Builds the images the boot tests run: a fresh Guichet binary in the test's own folder (parallel runs
// never share dist/guichet), then scripts/build-image / scripts/build-kiosk-image around it.
import { join } from "node:path";
import { buildBinary } from "../../scripts/build-binary";
import { buildAgent } from "../../scripts/build-agent";

export const ROOT = join(import.meta.dir, "..", "..");

/** Runs a build script, echoing its output (sizes are part of the test's report); throws on failure. */
export async function runScript(cmd: string[]): Promise<string> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  process.stdout.write(out);
  if (code !== 0) throw new Error(`${cmd.join(" ")} a échoué (code ${code}) :\n${err}`);
  return out;
}

/** The appliance test image (with the test hook): kernel, initramfs, and the build's printed sizes. */
export async function buildTestImage(dir: string) {
  const t0 = performance.now();
  const bin = await buildBinary({ outfile: join(dir, "guichet"), workDir: join(dir, "binary-build"), quiet: true });
  const out = join(dir, "image");
  const log = await runScript([join(ROOT, "scripts", "build-image"), "--out", out, "--binary", bin.outfile, "--formats", "initramfs", "--test-hooks"]);
  return { kernel: join(out, "vmlinuz"), initrd: join(out, "initramfs.img"), log, seconds: (performance.now() - t0) / 1000 };
}

/** The release formats (no test hook): the raw EFI disk image and the hybrid ISO, as shipped. */
export async function buildReleaseImage(dir: string, formats = "efi") {
  const t0 = performance.now();
  const bin = await buildBinary({ outfile: join(dir, "guichet"), workDir: join(dir, "binary-build"), quiet: true });
  const out = join(dir, "image");
  const log = await runScript([join(ROOT, "scripts", "build-image"), "--out", out, "--binary", bin.outfile, "--formats", formats]);
  return { efi: join(out, "guichet-efi.img"), iso: join(out, "guichet.iso"), log, seconds: (performance.now() - t0) / 1000 };
}

/** The PXE kiosk image (agent + lock screen; browser session when Debian's packages are there). */
export async function buildKioskImage(dir: string, session?: "browser" | "console") {
  const t0 = performance.now();
  const [agent] = await buildAgent({ targets: ["linux-x64"], outDir: join(dir, "agent"), workDir: join(dir, "agent-build"), quiet: true });
  const out = join(dir, "kiosk");
  const log = await runScript([join(ROOT, "scripts", "build-kiosk-image"), "--out", out, "--agent", agent!.file, ...(session ? ["--session", session] : [])]);
  const chosen = /session (browser|console)\)/.exec(log)?.[1] as "browser" | "console";
  return { kernel: join(out, "vmlinuz"), initrd: join(out, "initramfs.img"), session: chosen, log, seconds: (performance.now() - t0) / 1000 };
}
