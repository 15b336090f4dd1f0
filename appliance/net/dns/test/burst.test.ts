/**
 * Bursts over UDP: the daemon sends its replies in batches (UdpOutbox); every query of a burst must still
 * get its own correct answer — blocked, cached, local and forwarded mixed, A and AAAA — and dnsperf, the
 * benchmark's client, must see no loss.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as dnsPacket from "dns-packet";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDnsEnv, type DnsTestEnv } from "./harness";
import { tempDir } from "./tools";

let env: DnsTestEnv;
beforeAll(async () => {
  env = await startDnsEnv();
  // One client sends everything: the per-client limit would drop most of the burst by design.
  await env.ok(env.owner.patch("/api/dns/settings", { rateLimit: 0 }));
  await env.ok(env.owner.post("/api/dns/lists", { name: "Rafale", kind: "local", content: "||bloque.test^\n" }));
  // Cache filled for the "cached" names (dnsmasq answers every name of the zone with 192.0.2.99).
  for (let i = 0; i < 10; i++) expect((await env.q(`c${i}.zone.test`)).answers[0]?.data).toBe("192.0.2.99");
});
afterAll(() => env.stop());

/** Query i of the burst: its name, type and the single answer the client must get. */
function item(i: number): { name: string; type: "A" | "AAAA"; expect: string } {
  const aaaa = i % 10 === 7;
  switch (i % 4) {
    case 0:
      return { name: `b${i}.bloque.test`, type: aaaa ? "AAAA" : "A", expect: aaaa ? "::" : "0.0.0.0" };
    case 1:
      return { name: `c${i % 10}.zone.test`, type: "A", expect: "192.0.2.99" };
    case 2:
      return { name: "guichet.lan", type: "A", expect: "127.0.0.1" };
    default:
      return { name: `n${i}.rafale.zone.test`, type: aaaa ? "AAAA" : "A", expect: aaaa ? "2001:db8::99" : "192.0.2.99" };
  }
}

test("2 × 250 requêtes d'un coup (un sendmmsg chacune) : 500 réponses, chacune à sa question, aucune perdue", async () => {
  // 250 per wave: the kernel's default receive buffer (212 992 bytes, ~830 bytes per queued datagram) holds
  // 256 small datagrams; a bigger single burst is dropped by the kernel before any server sees it.
  const N = 500;
  const WAVE = 250;
  const got = new Map<number, dnsPacket.Packet>();
  let dupes = 0;
  const client = await Bun.udpSocket({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(_s, buf) {
        const p = dnsPacket.decode(Buffer.from(buf));
        if (got.has(p.id!)) dupes++;
        got.set(p.id!, p);
      },
    },
  });
  const packets = Array.from({ length: N }, (_, i) => {
    const it = item(i);
    return dnsPacket.encode({ type: "query", id: i, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: it.name, type: it.type, class: "IN" }] });
  });
  for (let w = 0; w < N; w += WAVE) {
    expect(client.sendMany(packets.slice(w, w + WAVE).flatMap((p) => [p, env.svc.port, "127.0.0.1"]))).toBe(WAVE);
    for (let t = 0; t < 100 && got.size < w + WAVE; t++) await Bun.sleep(20);
  }
  client.close();
  expect(dupes).toBe(0);
  const wrong: string[] = [];
  for (let i = 0; i < N; i++) {
    const it = item(i);
    const p = got.get(i);
    const q = p?.questions?.[0];
    const a = p?.answers?.[0] as { data?: string } | undefined;
    if (!p || q?.name !== it.name || q?.type !== it.type || a?.data !== it.expect) wrong.push(`${i} ${it.name} ${it.type} → ${p ? `${q?.name} ${a?.data}` : "rien"}`);
  }
  expect(wrong).toEqual([]);
  expect(env.svc.engine.counters!.sendDropped).toBe(0);
  expect(env.svc.engine.counters!.internalErrors).toBe(0);
});

test("dnsperf, 100 requêtes en vol, 3 000 requêtes bloquées / en cache / locales : aucune perdue, aucune erreur", async () => {
  const dir = tempDir();
  const file = join(dir, "queries.txt");
  const lines = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `d${i}.bloque.test A` : i % 3 === 1 ? `c${i % 10}.zone.test A` : "guichet.lan A"));
  writeFileSync(file, lines.join("\n") + "\n");
  const p = Bun.spawn(["dnsperf", "-s", "127.0.0.1", "-p", String(env.svc.port), "-d", file, "-n", "1", "-q", "100", "-t", "2"], { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  expect(out).toMatch(/Queries completed:\s+3000 \(100\.00%\)/);
  expect(out).toMatch(/Queries lost:\s+0 /);
  expect(out).toMatch(/NOERROR 3000 \(100\.00%\)/);
});
