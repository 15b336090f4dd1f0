/** The resolver seen from real clients: dig over UDP and TCP, EDNS, truncation, cache, coalescing, local names. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as dnsPacket from "dns-packet";
import { startDnsEnv, type DnsTestEnv } from "./harness";
import { dig, startDnsmasq } from "./tools";

let env: DnsTestEnv;
beforeAll(async () => {
  env = await startDnsEnv({ upstream: false });
});
afterAll(() => env.stop());

describe("dès le premier démarrage", () => {
  test("guichet.lan répond (adresse de l'appliance vue du client), sans aucun serveur amont", async () => {
    const r = await env.q("guichet.lan");
    expect(r.status).toBe("NOERROR");
    expect(r.flags).toContain("aa");
    expect(r.answers).toEqual([{ name: "guichet.lan.", ttl: 60, type: "A", data: "127.0.0.1" }]);
    const tcp = await env.q("guichet.lan", "+tcp");
    expect(tcp.answers[0]?.data).toBe("127.0.0.1");
  });

  test("sans serveur amont configuré, un nom extérieur échoue (SERVFAIL) au lieu de partir ailleurs", async () => {
    const r = await env.q("www.zone.test");
    expect(r.status).toBe("SERVFAIL");
    expect(env.upstream.seen("www.zone.test")).toBe(0);
  });
});

describe("résolution par le serveur amont", () => {
  beforeAll(() => env.useDnsmasq());

  test("une réponse transmise puis servie depuis le cache (un seul appel amont, TTL décompté)", async () => {
    const a = await env.q("www.zone.test");
    expect(a.status).toBe("NOERROR");
    expect(a.answers.map((x) => x.data)).toEqual(["192.0.2.10"]);
    env.deps.clock.advance(5_000);
    const b = await env.q("www.zone.test");
    expect(b.answers.map((x) => x.data)).toEqual(["192.0.2.10"]);
    expect(b.answers[0]!.ttl).toBe(a.answers[0]!.ttl - 5);
    expect(env.upstream.seen("www.zone.test", "A")).toBe(1);
    const log = await env.ok<any>(env.owner.get("/api/dns/log?domain=www.zone.test"));
    expect(log.items.map((i: any) => i.status)).toEqual(["cached", "forwarded", "failed"]);
  });

  test("réponse servie du cache telle quelle : identifiant et casse du client, TTL décompté, OPT selon le client, TC en UDP 512", async () => {
    // Cached by a plain lower-case query, then served to differently-shaped clients: dig drops any reply
    // whose id does not match its own, so an answer at all proves the id was rewritten.
    const first = await env.q("fast.cache.zone.test");
    expect(first.answers).toEqual([{ name: "fast.cache.zone.test.", ttl: 300, type: "A", data: "192.0.2.99" }]);
    env.deps.clock.advance(7_000);
    const mixed = await env.q("FaSt.CaChE.zOnE.TeSt", "+noedns");
    expect(mixed.status).toBe("NOERROR");
    expect(mixed.answers).toEqual([{ name: "FaSt.CaChE.zOnE.TeSt.", ttl: 293, type: "A", data: "192.0.2.99" }]);
    expect(mixed.edns).toBeNull();
    env.deps.clock.advance(3_000);
    const edns = await env.q("fast.cache.zone.test", "+bufsize=4096");
    expect(edns.answers[0]!.ttl).toBe(290);
    expect(edns.edns).toEqual({ version: 0, flags: [], udp: 1232 });
    expect(env.upstream.seen("fast.cache.zone.test", "A")).toBe(1);
    // DNSSEC-aware clients get their own entry (DO is part of the key) and their DO bit back.
    const dnssec = await env.q("fast.cache.zone.test", "+dnssec");
    expect(dnssec.edns).toEqual({ version: 0, flags: ["do"], udp: 1232 });
    // A cached answer over a plain client's 512 bytes: TC over UDP, whole over TCP.
    await env.q("big.zone.test", "TXT", "+tcp");
    const tc = await env.q("big.zone.test", "TXT", "+noedns", "+ignore");
    expect(tc.flags).toContain("tc");
    expect(tc.answers).toEqual([]);
    const log = await env.ok<any>(env.owner.get("/api/dns/log?domain=fast.cache.zone.test"));
    expect(log.items.map((i: any) => i.status)).toEqual(["forwarded", "cached", "cached", "forwarded"]);
  });

  test("plancher et plafond de durée de vie réglables (réponse amont à 300 s)", async () => {
    await env.ok(env.owner.patch("/api/dns/settings", { cacheMinTtl: 600 }));
    expect((await env.q("floor.zone.test")).answers[0]!.ttl).toBe(600);
    await env.ok(env.owner.patch("/api/dns/settings", { cacheMinTtl: 0, cacheMaxTtl: 120 }));
    expect((await env.q("ceiling.zone.test")).answers[0]!.ttl).toBe(120);
    await env.ok(env.owner.patch("/api/dns/settings", { cacheMaxTtl: 86400 }));
    expect((await env.q("normal.zone.test")).answers[0]!.ttl).toBe(300);
  });

  test("TCP : même réponse que UDP", async () => {
    const r = await env.q("www.zone.test", "AAAA", "+tcp");
    expect(r.answers.map((x) => x.data)).toEqual(["2001:db8::10"]);
  });

  test("réponse trop grosse pour le tampon UDP annoncé : TC, puis dig la redemande en TCP et l'obtient entière", async () => {
    const udpOnly = await env.q("big.zone.test", "TXT", "+bufsize=512", "+ignore");
    expect(udpOnly.flags).toContain("tc");
    expect(udpOnly.answers).toEqual([]);
    const r = await env.q("big.zone.test", "TXT", "+bufsize=512");
    expect(r.retriedTcp).toBe(true);
    expect(r.answers).toHaveLength(1);
    expect(r.answers[0]!.data).toContain("h".repeat(120));
  });

  test.each([
    ["+dnssec : le bit DO est renvoyé", ["+dnssec"], (r: any) => expect(r.edns).toEqual({ version: 0, flags: ["do"], udp: 1232 })],
    ["+bufsize=65535 : taille ramenée à 1232", ["+bufsize=65535"], (r: any) => expect(r.edns.udp).toBe(1232)],
    ["+bufsize=0 (absurde) : réponse normale", ["+bufsize=0"], (r: any) => expect(r.answers).toHaveLength(1)],
    ["+noedns : pas d'OPT dans la réponse", ["+noedns"], (r: any) => expect(r.edns).toBeNull()],
    ["+edns=1 : BADVERS (RFC 6891)", ["+edns=1", "+noednsnegotiation"], (r: any) => expect(r.status).toBe("BADVERS")],
  ])("EDNS %s", async (_label, args, check) => {
    const r = await env.q("www.zone.test", ...(args as string[]));
    check(r);
  });

  test("réponse négative avec SOA mise en cache (RFC 2308) ; sans SOA, non mise en cache", async () => {
    const auth = await startDnsmasq(["auth-server=ns.neg.test,lo", "auth-zone=neg.test", "auth-ttl=600", "auth-soa=1,hostmaster.neg.test,1200,120,1209600"]);
    const up = await env.ok<any>(env.owner.post("/api/dns/upstreams", { name: "autorité neg.test", kind: "dns", address: `127.0.0.1:${auth.port}`, position: 0 }));
    try {
      const a = await env.q("absent.neg.test");
      expect(a.status).toBe("NXDOMAIN");
      expect(a.authority[0]?.type).toBe("SOA");
      const b = await env.q("absent.neg.test");
      expect(b.status).toBe("NXDOMAIN");
      expect(auth.seen("absent.neg.test")).toBe(1);
    } finally {
      await env.ok(env.owner.del(`/api/dns/upstreams/${up.id}`));
      auth.stop();
    }
    await env.q("absent.nx.test");
    await env.q("absent.nx.test");
    expect(env.upstream.seen("absent.nx.test")).toBe(2);
  });

  test("requêtes identiques simultanées : une seule question au serveur amont", async () => {
    const packets = Array.from({ length: 30 }, (_, i) => dnsPacket.encode({ type: "query", id: i + 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: "coalesce.zone.test", class: "IN" }] }));
    const answers = new Set<number>();
    const s = await Bun.udpSocket({
      port: 0,
      socket: {
        data(_s, buf) {
          answers.add(dnsPacket.decode(Buffer.from(buf)).id!);
        },
      },
    });
    s.sendMany(packets.flatMap((p) => [p, env.svc.port, "127.0.0.1"]));
    for (let i = 0; i < 50 && answers.size < 30; i++) await Bun.sleep(20);
    s.close();
    expect(answers.size).toBe(30);
    expect(env.upstream.seen("coalesce.zone.test")).toBe(1);
  });

  test("TCP en pipeline : 20 requêtes dans une seule écriture, 20 réponses sur la même connexion", async () => {
    const msgs = Array.from({ length: 20 }, (_, i) => dnsPacket.encode({ type: "query", id: 100 + i, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name: i % 2 ? "guichet.lan" : `p${i}.zone.test`, class: "IN" }] }));
    const framed = Buffer.concat(msgs.map((m) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m])));
    const ids = await new Promise<number[]>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const got: number[] = [];
      Bun.connect({
        hostname: "127.0.0.1",
        port: env.svc.port,
        socket: {
          open: (sock) => void sock.write(framed),
          data(sock, chunk) {
            buf = Buffer.concat([buf, chunk]);
            while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
              got.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))).id!);
              buf = buf.subarray(2 + buf.readUInt16BE(0));
            }
            if (got.length === 20) {
              sock.end();
              resolve(got);
            }
          },
          error: (_s, e) => reject(e),
        },
      }).catch(reject);
      setTimeout(() => reject(new Error(`seulement ${got.length} réponses`)), 5000);
    });
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
  });
});

describe("noms locaux : jamais transmis en amont", () => {
  test.each([
    ["imprimante.lan", "NXDOMAIN"],
    ["nas", "NXDOMAIN"],
    ["10.1.168.192.in-addr.arpa", "NXDOMAIN"],
    ["5.0.0.10.in-addr.arpa", "NXDOMAIN"],
  ])("%s → %s", async (name, status) => {
    const r = await env.q(name, name.endsWith("arpa") ? "PTR" : "A");
    expect(r.status).toBe(status);
    expect(env.upstream.seen(name)).toBe(0);
  });

  test("enregistrements A, AAAA, CNAME et PTR définis par l'administrateur", async () => {
    await env.ok(env.owner.post("/api/dns/records", { name: "Imprimante.Mairie.lan.", type: "A", value: "192.168.1.20" }));
    await env.ok(env.owner.post("/api/dns/records", { name: "imprimante.mairie.lan", type: "AAAA", value: "fd00::20" }));
    await env.ok(env.owner.post("/api/dns/records", { name: "print.mairie.lan", type: "CNAME", value: "imprimante.mairie.lan" }));
    await env.ok(env.owner.post("/api/dns/records", { name: "portail.mairie.lan", type: "CNAME", value: "www.zone.test" }));
    expect((await env.q("imprimante.mairie.lan")).answers.map((a) => a.data)).toEqual(["192.168.1.20"]);
    expect((await env.q("imprimante.mairie.lan", "AAAA")).answers.map((a) => a.data)).toEqual(["fd00::20"]);
    expect((await env.q("print.mairie.lan")).answers.map((a) => [a.type, a.data])).toEqual([["CNAME", "imprimante.mairie.lan."], ["A", "192.168.1.20"]]);
    expect((await env.q("portail.mairie.lan")).answers.map((a) => [a.type, a.data])).toEqual([["CNAME", "www.zone.test."], ["A", "192.0.2.10"]]);
    expect((await env.q("20.1.168.192.in-addr.arpa", "PTR")).answers.map((a) => a.data)).toEqual(["imprimante.mairie.lan."]);
    expect(env.upstream.seen("imprimante.mairie.lan")).toBe(0);
  });

  test("ANY reçoit la réponse minimale de la RFC 8482", async () => {
    const r = await env.q("www.zone.test", "ANY");
    expect(r.answers.map((a) => a.type)).toEqual(["HINFO"]);
  });
});

test("dig sur une autre classe que IN : REFUSED", async () => {
  const r = await dig(["@127.0.0.1", "-p", String(env.svc.port), "version.bind", "TXT", "CH"]);
  expect(r.status).toBe("REFUSED");
});
