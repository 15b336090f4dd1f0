import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../core/log";
import { TftpService } from "./tftp-server";
import { blockOf, ERR, OP, opcode, parseError, requestPacket } from "./tftp-packet";

const dir = mkdtempSync("/tmp/guichet-tftp-");
const root = join(dir, "netboot");
const out = join(dir, "out");
const big = new Uint8Array(3_000_001).map((_, i) => (i * 7919) % 251);

beforeAll(() => {
  mkdirSync(join(root, "images/abc"), { recursive: true });
  mkdirSync(out);
  writeFileSync(join(root, "big.bin"), big);
  writeFileSync(join(root, "exact.bin"), new Uint8Array(1468 * 3).fill(9));
  writeFileSync(join(root, "images/abc/kernel"), "noyau");
  writeFileSync(join(root, "images/abc/.kernel.upload"), "en cours");
  writeFileSync(join(root, "texte.txt"), "ligne 1\nligne 2\n");
  writeFileSync(join(dir, "secret.txt"), "hors du dossier");
  symlinkSync(join(dir, "secret.txt"), join(root, "fuite"));
  symlinkSync("/etc", join(root, "etc"));
  symlinkSync("big.bin", join(root, "alias.bin"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a client asynchronously: the server answers from this same process, so never spawnSync. */
async function run(cmd: string[]) {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [o, e, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, text: o + e };
}
const same = (file: string, expected: Uint8Array) => expect(new Uint8Array(readFileSync(file))).toEqual(new Uint8Array(expected));

// Every behaviour holds on both transfer paths: blocking workers (the fast path) and the event loop (the fallback).
for (const path of [
  { name: "workers (bun:ffi)", workers: 4 },
  { name: "boucle d'événements", workers: 0 },
]) {
  describe(`chemin ${path.name}`, () => {
    const svc = new TftpService({ root, port: 0, host: "127.0.0.1", log: silentLogger, workers: path.workers });
    let port = 0;
    beforeAll(async () => {
      await svc.start();
      port = svc.port!;
    });
    afterAll(() => svc.stop());

    test("le bon chemin sert les transferts", async () => {
      const before = svc.workerTransfers.served;
      expect((await run(["curl", "-sS", "-o", join(out, `chemin${path.workers}.bin`), `tftp://127.0.0.1:${port}/images/abc/kernel`])).text).toBe("");
      expect(svc.workerTransfers.served - before).toBe(path.workers ? 1 : 0);
    });

    /** A bare-bones client: sends a request and returns the first answer (and its source port). */
    async function ask(packet: Uint8Array): Promise<{ data: Uint8Array; port: number; reply: (p: Uint8Array) => void; close: () => void }> {
      let resolve!: (v: { data: Uint8Array; port: number }) => void;
      const first = new Promise<{ data: Uint8Array; port: number }>((r) => (resolve = r));
      const s = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data: (_s, data, p) => resolve({ data: new Uint8Array(data), port: p }) } });
      s.send(packet, port, "127.0.0.1");
      const got = await Promise.race([first, Bun.sleep(2000).then(() => null)]);
      if (!got) throw new Error("pas de réponse TFTP");
      return { ...got, reply: (p) => s.send(p, got.port, "127.0.0.1"), close: () => s.close() };
    }

    describe("de vrais clients TFTP téléchargent", () => {
      test("curl avec blksize 1468 et tsize", async () => {
        const r = await run(["curl", "-sS", "--tftp-blksize", "1468", "-o", join(out, `${path.workers}-curl.bin`), `tftp://127.0.0.1:${port}/big.bin`]);
        expect(r.text).toBe("");
        same(join(out, `${path.workers}-curl.bin`), big);
      });
      test("atftp avec blksize, tsize et windowsize (RFC 7440)", async () => {
        const r = await run(["atftp", "--option", "blksize 1468", "--option", "tsize 0", "--option", "windowsize 16", "--trace", "-g", "-r", "big.bin", "-l", join(out, `${path.workers}-atftp.bin`), "127.0.0.1", String(port)]);
        expect(r.code).toBe(0);
        // The trace shows the server's OACK accepting the window.
        expect(r.text).toMatch(/received OACK.*windowsize: 16/s);
        same(join(out, `${path.workers}-atftp.bin`), big);
      });
      test("tftp-hpa en mode octet simple (512 octets, pas d'option)", async () => {
        const r = await run(["tftp", "-m", "binary", "127.0.0.1", String(port), "-c", "get", "images/abc/kernel", join(out, `${path.workers}-hpa.bin`)]);
        expect(r.code).toBe(0);
        expect(readFileSync(join(out, `${path.workers}-hpa.bin`), "utf8")).toBe("noyau");
      });
      test("fichier multiple exact de blksize : dernier bloc vide", async () => {
        expect((await run(["curl", "-sS", "--tftp-blksize", "1468", "-o", join(out, `${path.workers}-exact.bin`), `tftp://127.0.0.1:${port}/exact.bin`])).text).toBe("");
        same(join(out, `${path.workers}-exact.bin`), new Uint8Array(1468 * 3).fill(9));
      });
      test("plus de 65 535 blocs : les numéros de bloc repartent à 0 (rollover)", async () => {
        const r = await run(["atftp", "--option", "blksize 32", "--option", "windowsize 32", "-g", "-r", "big.bin", "-l", join(out, `${path.workers}-roll.bin`), "127.0.0.1", String(port)]);
        expect(r.code).toBe(0);
        same(join(out, `${path.workers}-roll.bin`), big);
      });
      test("un lien symbolique qui reste dans le dossier est servi", async () => {
        expect((await run(["curl", "-sS", "-o", join(out, `${path.workers}-alias.bin`), `tftp://127.0.0.1:${port}/alias.bin`])).text).toBe("");
        same(join(out, `${path.workers}-alias.bin`), big);
      });
      test("mode netascii : fins de ligne CR LF", async () => {
        const c = await ask(requestPacket(OP.RRQ, "texte.txt", "netascii"));
        expect(opcode(c.data)).toBe(OP.DATA);
        expect(new TextDecoder().decode(c.data.subarray(4))).toBe("ligne 1\r\nligne 2\r\n");
        c.reply(Uint8Array.of(0, OP.ACK, 0, 1));
        c.close();
      });
      test("vingt clients à la fois", async () => {
        const jobs = Array.from({ length: 20 }, (_, i) => Bun.spawn(["curl", "-sS", "--tftp-blksize", "1428", "-o", join(out, `${path.workers}-p${i}.bin`), `tftp://127.0.0.1:${port}/big.bin`]).exited);
        expect(await Promise.all(jobs)).toEqual(Array(20).fill(0));
        for (let i = 0; i < 20; i++) same(join(out, `${path.workers}-p${i}.bin`), big);
      });
    });

    describe("lecture seule, aucune sortie du dossier : erreur 2", () => {
      const refused: [string, string][] = [
        ["../secret.txt", "remontée .."],
        ["images/../../secret.txt", "remontée au milieu"],
        ["..\\secret.txt", "remontée à la Windows"],
        ["/etc/passwd", "chemin absolu"],
        ["C:\\boot.ini", "lecteur Windows"],
        ["fuite", "lien symbolique vers l'extérieur"],
        ["etc/passwd", "dossier lié vers l'extérieur"],
        ["images/abc/.kernel.upload", "envoi en cours (fichier caché)"],
        ["images", "un dossier"],
      ];
      for (const [name, why] of refused) {
        test(`${why} : ${name}`, async () => {
          const c = await ask(requestPacket(OP.RRQ, name, "octet", { tsize: "0" }));
          c.close();
          expect(opcode(c.data)).toBe(OP.ERROR);
          expect(parseError(c.data).code).toBe(ERR.ACCESS);
        });
      }
      test("écriture (WRQ) refusée : erreur 2, rien n'est créé", async () => {
        const c = await ask(requestPacket(OP.WRQ, "nouveau.bin"));
        c.close();
        expect(parseError(c.data)).toMatchObject({ code: ERR.ACCESS });
        expect((await run(["ls", root])).text).not.toContain("nouveau");
      });
      test("de vrais clients reçoivent bien le refus", async () => {
        // curl's exit code 69 is CURLE_TFTP_PERM: the server said "access violation".
        expect((await run(["curl", "-sS", "-o", join(out, `${path.workers}-x`), `tftp://127.0.0.1:${port}/fuite`])).code).toBe(69);
        const a = await run(["atftp", "-g", "-r", "../secret.txt", "-l", join(out, `${path.workers}-y`), "127.0.0.1", String(port)]);
        expect(a.code).not.toBe(0);
        expect(a.text).toContain("chemin hors du dossier netboot refuse");
      });
      test("fichier absent : erreur 1", async () => {
        const c = await ask(requestPacket(OP.RRQ, "absent.bin"));
        c.close();
        expect(parseError(c.data).code).toBe(ERR.NOT_FOUND);
      });
    });

    describe("négociation et schéma PXE", () => {
      test("sonde tsize puis abandon : OACK avec la taille, puis le transfert s'arrête proprement", async () => {
        const before = { ...svc.stats };
        const c = await ask(requestPacket(OP.RRQ, "big.bin", "octet", { tsize: "0", blksize: "1468" }));
        expect(opcode(c.data)).toBe(OP.OACK);
        const parts = new TextDecoder().decode(c.data.subarray(2)).split("\0");
        const oack = Object.fromEntries(parts.slice(0, -1).flatMap((v, i, a) => (i % 2 ? [] : [[v, a[i + 1]]])));
        expect(oack).toEqual({ tsize: String(big.length), blksize: "1468" });
        c.reply(Uint8Array.of(0, OP.ERROR, 0, 8, 0));
        await Bun.sleep(50);
        c.close();
        expect(svc.stats.active).toBe(0);
        expect(svc.stats.failed).toBe(before.failed + 1);
      });
      test("fenêtre : un ACK au milieu de la fenêtre fait reprendre après ce bloc", async () => {
        const got: number[] = [];
        let serverPort = 0;
        const s = await Bun.udpSocket({
          hostname: "127.0.0.1",
          port: 0,
          socket: {
            data: (_s, d, p) => {
              serverPort = p;
              got.push(opcode(d) === OP.OACK ? 0 : blockOf(d));
            },
          },
        });
        s.send(requestPacket(OP.RRQ, "big.bin", "octet", { blksize: "1000", windowsize: "4" }), port, "127.0.0.1");
        await Bun.sleep(100);
        s.send(Uint8Array.of(0, OP.ACK, 0, 0), serverPort, "127.0.0.1");
        await Bun.sleep(100);
        expect(got).toEqual([0, 1, 2, 3, 4]);
        // Pretend block 3 was lost: acknowledge 2; the server must resend from 3.
        s.send(Uint8Array.of(0, OP.ACK, 0, 2), serverPort, "127.0.0.1");
        await Bun.sleep(100);
        expect(got.slice(5)).toEqual([3, 4, 5, 6]);
        s.send(Uint8Array.of(0, OP.ERROR, 0, 0, 0), serverPort, "127.0.0.1");
        s.close();
      });
      test("options hors limites ignorées (pas d'OACK) : transfert classique en blocs de 512", async () => {
        const c = await ask(requestPacket(OP.RRQ, "big.bin", "octet", { blksize: "4", windowsize: "0", inconnue: "1" }));
        expect(opcode(c.data)).toBe(OP.DATA);
        expect(c.data.length).toBe(4 + 512);
        c.reply(Uint8Array.of(0, OP.ERROR, 0, 0, 0));
        c.close();
      });
    });

    describe("client disparu", () => {
      test("un client qui ferme son port en plein transfert : transfert arrêté aussitôt, le serveur continue de servir", async () => {
        // Transfers of the previous tests may still be ending: in a worker, the end is reported a moment later.
        for (let i = 0; svc.stats.active && i < 100; i++) await Bun.sleep(10);
        const before = { ...svc.stats };
        // Acknowledge block 1 and close at once: block 2 goes to a closed port and comes back as ICMP "port unreachable".
        const c = await ask(requestPacket(OP.RRQ, "big.bin"));
        expect(blockOf(c.data)).toBe(1);
        c.reply(Uint8Array.of(0, OP.ACK, 0, 1));
        c.close();
        const t0 = Date.now();
        while (svc.stats.active > before.active && Date.now() - t0 < 3000) await Bun.sleep(20);
        // Ended by the refusal, not by the 5 × 1 s retransmission timeout.
        expect(svc.stats.active).toBe(before.active);
        expect(svc.stats.failed).toBe(before.failed + 1);
        const r = await run(["curl", "-sS", "-o", join(out, `${path.workers}-apres.bin`), `tftp://127.0.0.1:${port}/big.bin`]);
        expect(r.text).toBe("");
        same(join(out, `${path.workers}-apres.bin`), big);
      });
    });
  });
}
