// The fast TFTP path inside the compiled executable: its worker must be bundled (scripts/build-binary.ts lists it)
// and bun:ffi must load libc there, or the daemon silently falls back to the slower event-loop path.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBinary } from "../../../../scripts/build-binary";

let tmp = "";
let bin = "";
let app: ReturnType<typeof Bun.spawn> | null = null;

beforeAll(async () => {
  tmp = mkdtempSync("/tmp/guichet-tftp-bin-");
  bin = join(tmp, "guichet");
  await buildBinary({ outfile: bin, workDir: join(tmp, "build"), quiet: true });
}, 180_000);
afterAll(async () => {
  if (app) {
    app.kill("SIGKILL");
    await app.exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

test("binaire compilé : le TFTP sert par ses workers (bun:ffi), fichier identique", async () => {
  const data = join(tmp, "data");
  const http = 20000 + Math.floor(Math.random() * 30000);
  const tftp = http + 1;
  let log = "";
  app = Bun.spawn([bin], {
    cwd: tmp,
    env: { ...process.env, GUICHET_DATA_DIR: data, GUICHET_HTTP_PORT: String(http), GUICHET_TFTP_PORT: String(tftp), GUICHET_DNS_PORT: "0", GUICHET_MQTT_PORT: "0", GUICHET_LOG_LEVEL: "debug" },
    stdout: "pipe",
    stderr: "pipe",
  });
  // The logger writes to stdout or stderr depending on the level: read both.
  for (const stream of [app.stdout, app.stderr] as ReadableStream<Uint8Array>[]) {
    const decoder = new TextDecoder();
    void (async () => {
      for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
    })();
  }
  const t0 = Date.now();
  while (!/service tftp démarré/.test(log) && Date.now() - t0 < 30_000) await Bun.sleep(50);
  expect(log).toMatch(/TFTP actif .*"workers":4/);

  const file = crypto.getRandomValues(new Uint8Array(3_000_000));
  writeFileSync(join(data, "netboot", "essai.bin"), file);
  const local = join(tmp, "recu.bin");
  const client = Bun.spawn(["atftp", "--option", "blksize 1468", "-g", "-r", "essai.bin", "-l", local, "127.0.0.1", String(tftp)], { stdout: "pipe", stderr: "pipe" });
  expect(await client.exited).toBe(0);
  expect(new Uint8Array(readFileSync(local))).toEqual(file);
  while (!/TFTP terminé .*"fichier":"essai.bin"/.test(log) && Date.now() - t0 < 40_000) await Bun.sleep(20);
  expect(log).toMatch(/TFTP terminé .*"fichier":"essai.bin","ok":true.*"chemin":"worker"/);

  // SIGTERM stops it cleanly, workers included.
  app.kill("SIGTERM");
  expect(await app.exited).toBe(0);
  app = null;
}, 60_000);
