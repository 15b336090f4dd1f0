import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../core/log";
import { TftpService } from "./tftp-server";
import { TransferPool } from "./transfer-pool";
import { loadLibc } from "./libc-udp";
import { ERR, OP, opcode, parseError, requestPacket } from "./tftp-packet";

// The fast path: transfers in worker threads, blocking send/recv through bun:ffi. Real clients (atftp, curl).
const dir = mkdtempSync("/tmp/guichet-tftp-worker-");
const root = join(dir, "netboot");
const out = join(dir, "out");
const SIZE = 20_000_000;
const BIG = 200_000_000;

beforeAll(() => {
  mkdirSync(root);
  mkdirSync(out);
  writeFileSync(join(root, "image.bin"), crypto.getRandomValues(new Uint8Array(SIZE)));
  // 200 MB of holes: long enough (over a second even at full speed) to be stopped mid-way, free on disk.
  writeFileSync(join(root, "grand.bin"), "");
  truncateSync(join(root, "grand.bin"), BIG);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const server = () => new TftpService({ root, port: 0, host: "127.0.0.1", log: silentLogger, workers: 2 });

/** atftp fetching a file (image.bin by default) with the given options, as a child process we can pause. */
function atftp(port: number, local: string, options: string[] = [], remote = "image.bin") {
  const opts = ["blksize 1468", ...options].flatMap((o) => ["--option", o]).concat(process.env.TRACE ? ["--trace"] : []);
  const p = Bun.spawn(["atftp", ...opts, "-g", "-r", remote, "-l", join(out, local), "127.0.0.1", String(port)], { stdout: "pipe", stderr: "pipe" });
  const result = Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]).then(([o, e, code]) => ({ code, text: o + e }));
  return { proc: p, result };
}
/** `cmp` exits 0 only when the download is byte for byte the served file. */
const cmp = async (local: string) => (await Bun.spawn(["cmp", join(root, "image.bin"), join(out, local)]).exited) === 0;
async function until(cond: () => boolean, ms: number) {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await Bun.sleep(5);
  return cond();
}
const bytesIn = (local: string) => (existsSync(join(out, local)) ? statSync(join(out, local)).size : 0);

describe("transferts dans des workers (bun:ffi)", () => {
  const svc = server();
  let port = 0;
  beforeAll(async () => {
    await svc.start();
    port = svc.port!;
  });
  afterAll(() => svc.stop());

  test("libc est chargée : le chemin rapide est disponible sur cette machine", () => {
    expect(loadLibc()).not.toBeNull();
  });

  test("fichier entier identique (cmp), en lockstep puis avec windowsize", async () => {
    const before = svc.workerTransfers.served;
    const lock = await atftp(port, "lock.bin").result;
    expect(lock.code).toBe(0);
    expect(await cmp("lock.bin")).toBe(true);
    const win = await atftp(port, "win.bin", ["windowsize 16", "tsize 0"]).result;
    expect(win.code).toBe(0);
    expect(await cmp("win.bin")).toBe(true);
    expect(svc.workerTransfers.served - before).toBe(2);
    expect(svc.stats.active).toBe(0);
  });

  test("deux transferts à la fois, chacun dans son worker", async () => {
    const before = svc.workerTransfers.served;
    const a = atftp(port, "a.bin");
    const b = atftp(port, "b.bin");
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, svc.workerTransfers.active)), 1);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    clearInterval(watch);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(await cmp("a.bin")).toBe(true);
    expect(await cmp("b.bin")).toBe(true);
    expect(svc.workerTransfers.served - before).toBe(2);
    expect(most).toBe(2);
  });

  test("un client qui n'acquitte plus : le serveur réessaie puis abandonne, le worker est libéré", async () => {
    const failed = svc.stats.failed;
    const c = atftp(port, "muet.bin", ["timeout 1"]);
    expect(await until(() => bytesIn("muet.bin") > 0, 5000)).toBe(true);
    c.proc.kill("SIGSTOP");
    const t0 = Date.now();
    // 5 retransmissions one second apart, then the error: about 6 s, never at once.
    expect(await until(() => svc.stats.failed > failed, 12_000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThan(4500);
    expect(svc.workerTransfers.active).toBe(0);
    c.proc.kill("SIGCONT");
    expect((await c.result).code).not.toBe(0);
    // The freed worker serves the next client.
    const next = await atftp(port, "apres.bin").result;
    expect(next.code).toBe(0);
    expect(await cmp("apres.bin")).toBe(true);
  });


  test("sans ACK : le même bloc renvoyé 5 fois à une seconde d'intervalle, puis l'erreur au client", async () => {
    const got: { at: number; data: Uint8Array }[] = [];
    const s = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data: (_s, d) => void got.push({ at: Date.now(), data: new Uint8Array(d) }) } });
    s.send(requestPacket(OP.RRQ, "image.bin", "octet", { timeout: "1" }), port, "127.0.0.1");
    expect(await until(() => got.length > 0, 2000)).toBe(true);
    expect(svc.workerTransfers.active).toBe(1);
    // Never acknowledge the OACK.
    expect(await until(() => got.some((g) => opcode(g.data) === OP.ERROR), 10_000)).toBe(true);
    s.close();
    const oacks = got.filter((g) => opcode(g.data) === OP.OACK);
    expect(oacks).toHaveLength(6);
    for (let i = 1; i < 6; i++) expect(oacks[i]!.at - oacks[i - 1]!.at).toBeGreaterThan(900);
    const err = got.at(-1)!.data;
    expect(parseError(err)).toEqual({ code: ERR.UNDEFINED, message: "delai depasse : le client ne repond plus" });
    expect(await until(() => svc.workerTransfers.active === 0, 1000)).toBe(true);
  });
});

describe("arrêt du serveur", () => {
  test("en plein transfert : le client reçoit l'erreur, les workers s'arrêtent, le port se ferme", async () => {
    const svc = server();
    await svc.start();
    const port = svc.port!;
    const c = atftp(port, "coupe.bin", [], "grand.bin");
    expect(await until(() => bytesIn("coupe.bin") > 1_000_000, 5000)).toBe(true);
    expect(svc.workerTransfers.active).toBe(1);
    const t0 = Date.now();
    await svc.stop();
    // Seen within one receive slice (100 ms), not after the retransmission timeout.
    expect(Date.now() - t0).toBeLessThan(1000);
    const r = await c.result;
    expect(r.code).not.toBe(0);
    expect(r.text).toContain("arret du serveur");
    expect(bytesIn("coupe.bin")).toBeLessThan(BIG);
    expect(svc.workerTransfers.active).toBe(0);
    // Nothing answers a new request any more.
    const again = await Bun.spawn(["curl", "-sS", "--max-time", "1", "-o", join(out, "rien.bin"), `tftp://127.0.0.1:${port}/image.bin`], { stderr: "pipe" }).exited;
    expect(again).not.toBe(0);
  });

  test("client arrêté (SIGSTOP) pendant l'arrêt : le serveur ne l'attend pas", async () => {
    const svc = server();
    await svc.start();
    const c = atftp(svc.port!, "gele.bin");
    expect(await until(() => bytesIn("gele.bin") > 0, 5000)).toBe(true);
    c.proc.kill("SIGSTOP");
    const t0 = Date.now();
    await svc.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    c.proc.kill("SIGCONT");
    const r = await c.result;
    expect(r.code).not.toBe(0);
    expect(svc.stats.active).toBe(0);
  });
});

describe("repli sur la boucle d'événements", () => {
  test("un worker introuvable (binaire construit sans lui) : le pool se désactive, le serveur garde l'autre chemin", async () => {
    const pool = new TransferPool(2, new URL("./absent-worker.ts", import.meta.url).href);
    const started = await pool.start();
    expect(started.ok).toBe(false);
    expect(pool.run({ fd: -1, size: 0, host: "127.0.0.1", address: "127.0.0.1", port: 9, params: { blksize: 512, windowsize: 1, timeoutMs: 1000, retries: 5, rolloverTo: 0, oack: null }, spinMicros: 0 })).toBeNull();
    await pool.stop();
  });

  test("au-delà du nombre de workers, les transferts passent par la boucle d'événements", async () => {
    const svc = server();
    await svc.start();
    const before = { ...svc.stats, served: svc.workerTransfers.served };
    const jobs = Array.from({ length: 5 }, (_, i) => atftp(svc.port!, `n${i}.bin`).result);
    const codes = (await Promise.all(jobs)).map((r) => r.code);
    expect(codes).toEqual([0, 0, 0, 0, 0]);
    for (let i = 0; i < 5; i++) expect(await cmp(`n${i}.bin`)).toBe(true);
    expect(svc.stats.completed - before.completed).toBe(5);
    // Two workers: at least one transfer took each path.
    const inWorkers = svc.workerTransfers.served - before.served;
    expect(inWorkers).toBeGreaterThan(0);
    expect(inWorkers).toBeLessThan(5);
    await svc.stop();
  });

  test("une requête en netascii reste sur la boucle d'événements (conversion en mémoire)", async () => {
    const svc = server();
    await svc.start();
    writeFileSync(join(root, "note.txt"), "a\nb\n");
    const s = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 });
    s.send(requestPacket(OP.RRQ, "note.txt", "netascii"), svc.port!, "127.0.0.1");
    expect(await until(() => svc.stats.active === 1, 2000)).toBe(true);
    expect(svc.workerTransfers.active).toBe(0);
    s.close();
    await svc.stop();
  });
});
