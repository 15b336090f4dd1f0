// Access codes through the API: creation rules, every refusal at the kiosk, rate limiting, printable tickets.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ALWAYS, epnWorld } from "./testing";
import { ADMIN, BASE } from "../../test/harness";

const MIN = 60_000;

describe("création de codes", () => {
  test("un lot de 25 codes invités : uniques, au format imprimé, usage unique et crédit par défaut", async () => {
    const w = await epnWorld();
    const r = w.must(await w.owner.post("/api/epn/codes", { count: 25, label: "Atelier CV" }), "batch");
    expect(r.codes).toHaveLength(25);
    expect(new Set(r.codes.map((c: any) => c.code)).size).toBe(25);
    expect(r.codes[0]).toMatchObject({ multiUse: false, allowanceMinutes: 60, status: "active", label: "Atelier CV", batchId: r.batchId });
    expect(r.codes[0].code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    // Valid until the end of today, Paris time (Monday 2 March 24:00 = 23:00 UTC).
    expect(r.codes[0].validUntil).toBe("2026-03-02T23:00:00.000Z");
    expect((await w.owner.get(`/api/epn/codes?batchId=${r.batchId}`)).body).toHaveLength(25);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["trop de codes", { count: 501 }, /entre 1 et 500/],
    ["plusieurs codes pour un usager", { count: 2, patronId: "x" }, /Un seul code/],
    ["fin avant début", { validFrom: "2026-03-05", validUntil: "2026-03-04T10:00" }, /doit suivre son début/],
    ["déjà expiré", { validFrom: "2026-02-01", validUntil: "2026-02-02" }, /déjà expiré/],
    ["crédit nul", { allowanceMinutes: 0 }, /Crédit de temps/],
    ["date illisible", { validUntil: "demain" }, /Date invalide/],
  ];
  for (const [name, body, msg] of bad)
    test(`refus : ${name} (422, rien de créé)`, async () => {
      const w = await epnWorld();
      const r = await w.owner.post("/api/epn/codes", body);
      expect(r.status).toBe(422);
      expect(r.body.error.message).toMatch(msg);
      expect((await w.owner.get("/api/epn/codes")).body).toHaveLength(0);
    });

  test("un code pour un usager effacé est refusé", async () => {
    const w = await epnWorld();
    const p = await w.patron();
    await w.owner.del(`/api/epn/patrons/${p.id}`);
    const r = await w.owner.post("/api/epn/codes", { patronId: p.id });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain("effacées");
  });
});

describe("refus à la borne", () => {
  test("code expiré, pas encore valable, déjà utilisé, annulé, règlement non accepté : chacun son message", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const k = w.kiosks[0]!;
    const single = await w.code({ multiUse: false });
    expect((await k.open(single.code)).status).toBe(200);
    await k.end();
    const used = await k.open(single.code);
    expect([used.status, used.body.error.code]).toEqual([422, "code_used"]);
    expect(used.body.error.message).toContain("usage unique");

    const later = await w.code({ validFrom: "2026-03-03T08:00:00Z", validUntil: "2026-03-04" });
    expect((await k.open(later.code)).body.error).toMatchObject({ code: "code_not_yet", message: "Ce code n'est pas encore valable." });

    const today = await w.code();
    w.deps.clock.set("2026-03-03T08:00:00Z");
    expect((await k.open(today.code)).body.error.code).toBe("code_expired");

    await w.owner.login(ADMIN.email, ADMIN.password); // a day later: the staff session has expired
    const revoked = await w.code();
    expect((await w.owner.post(`/api/epn/codes/${revoked.id}/revoke`)).body.status).toBe("revoked");
    expect((await k.open(revoked.code)).body.error.code).toBe("code_revoked");

    const noRules = await w.patron({ reglement: false });
    const c = await w.code({ patronId: noRules.id });
    const r = await k.open(c.code);
    expect([r.status, r.body.error.code]).toEqual([409, "reglement_missing"]);
    expect(r.body.error.message).toContain("règlement");
    w.must(await w.owner.post(`/api/epn/patrons/${noRules.id}/accept`, { kind: "reglement" }), "accept");
    expect((await k.open(c.code)).status).toBe(200);
  });

  test("un même code ne peut pas ouvrir deux sessions à la fois", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const c = await w.code({ multiUse: true });
    expect((await w.kiosks[0]!.open(c.code)).status).toBe(200);
    const r = await w.kiosks[1]!.open(c.code);
    expect(r.body.error).toMatchObject({ code: "code_in_use" });
    expect(r.body.error.message).toContain("P01");
  });

  test("poste verrouillé ou en maintenance : refus, puis accepté une fois rétabli", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const k = w.kiosks[0]!;
    const c = await w.code({ multiUse: true });
    await w.owner.post(`/api/epn/workstations/${k.id}/commands`, { type: "lock" });
    expect((await k.open(c.code)).body.error.code).toBe("locked");
    await w.owner.post(`/api/epn/workstations/${k.id}/commands`, { type: "unlock" });
    await w.owner.patch(`/api/epn/workstations/${k.id}`, { maintenance: true });
    expect((await k.open(c.code)).status).toBe(423);
    await w.owner.patch(`/api/epn/workstations/${k.id}`, { maintenance: false });
    expect((await k.open(c.code)).status).toBe(200);
  });

  test("trop de codes inconnus sur un poste : bloqué 10 minutes (même un bon code), l'autre poste reste libre", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const [k1, k2] = w.kiosks;
    const good = await w.code({ multiUse: true });
    for (let i = 0; i < 5; i++) {
      const r = await k1!.open(i % 2 ? "ZZZZ-ZZZZ" : "pas un code");
      expect([r.status, r.body.error.code]).toEqual([422, "code_unknown"]);
    }
    const blocked = await k1!.open(good.code);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toContain("Trop de codes erronés");
    expect((await k2!.open(good.code)).status).toBe(200);
    await k2!.end();
    w.deps.clock.advance(10 * MIN + 1000);
    expect((await k1!.open(good.code)).status).toBe(200);
  });

  test("trop de codes inconnus depuis une même adresse, sur plusieurs postes : l'adresse est bloquée", async () => {
    const w = await epnWorld({ hours: ALWAYS, workstations: 6 });
    const { authenticateWorkstation, openSession } = await import("./service");
    const good = await w.code({ multiUse: true });
    // Five workstations behind one address (a NAT, a scripted attack) try 4 wrong codes each: 20 in all.
    const at = (i: number, ip: string) => authenticateWorkstation(w.deps, `Bearer ${w.kiosks[i]!.token}`, ip);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 4; j++) expect(() => openSession(at(i, "198.51.100.7").ctx, w.kiosks[i]!.id, { code: "ZZZZ-ZZZZ" })).toThrow("Code inconnu");
    // The sixth workstation, same address, never failed: refused all the same; another address is fine.
    expect(() => openSession(at(5, "198.51.100.7").ctx, w.kiosks[5]!.id, { code: good.code })).toThrow("Trop de codes erronés");
    expect(openSession(at(5, "198.51.100.8").ctx, w.kiosks[5]!.id, { code: good.code }).guest).toBe(true);
  });

  test("sans identifiant de poste, ou avec un identifiant révoqué : 401 en français", async () => {
    const w = await epnWorld();
    const anon = await w.app.handle(new Request(BASE + "/api/epn/kiosk/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.message).toContain("Poste non reconnu");
    const k = w.kiosks[0]!;
    expect((await k.state()).status).toBe(200);
    await w.owner.del(`/api/epn/workstations/${k.id}/token`);
    expect((await k.state()).status).toBe(401);
    // A staff API token is not a workstation credential.
    const tok = await w.owner.post("/api/org/tokens", { name: "script", scope: "write", role: "admin" });
    const r = await w.app.handle(new Request(BASE + "/api/epn/kiosk/state", { headers: { authorization: `Bearer ${tok.body.token}` } }));
    expect(r.status).toBe(401);
  });
});

async function pdfText(bytes: ArrayBuffer) {
  const dir = mkdtempSync(join(tmpdir(), "epn-pdf-"));
  const file = join(dir, "t.pdf");
  writeFileSync(file, Buffer.from(bytes));
  const text = await Bun.$`pdftotext -layout ${file} -`.text();
  const info = await Bun.$`pdfinfo ${file}`.text();
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), file };
}

describe("tickets PDF", () => {
  test("un ticket par page : code, usager, validité, règles et règlement, lisibles par pdftotext", async () => {
    const w = await epnWorld();
    const p = await w.patron({ firstName: "Éloïse", lastName: "Lefèvre" });
    const c = await w.code({ patronId: p.id, validUntil: "2026-03-31" });
    const res = await w.app.handle(new Request(BASE + "/api/epn/codes/tickets", { method: "POST", headers: { "content-type": "application/json", cookie: w.owner.cookie!, "x-csrf-token": w.owner.csrf! }, body: JSON.stringify({ ids: [c.id] }) }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const { text, pages } = await pdfText(await res.arrayBuffer());
    expect(pages).toBe(1);
    for (const s of [c.code, "Éloïse Lefèvre", "Mairie de Testville", "au 31/03/2026 inclus", "2 h 00 par jour", "Règlement de l'espace (version 1)", "ni O ni I"]) expect(text).toContain(s);
  });

  test("une feuille de dix : 23 codes → 3 pages, chaque code présent une fois", async () => {
    const w = await epnWorld();
    const batch = w.must(await w.owner.post("/api/epn/codes", { count: 23 }), "batch");
    const res = await w.app.handle(new Request(BASE + "/api/epn/codes/tickets", { method: "POST", headers: { "content-type": "application/json", cookie: w.owner.cookie!, "x-csrf-token": w.owner.csrf! }, body: JSON.stringify({ batchId: batch.batchId, layout: "sheet" }) }));
    const { text, pages, file } = await pdfText(await res.arrayBuffer());
    expect(pages).toBe(3);
    for (const c of batch.codes) expect(text.split(c.code).length - 1).toBe(1);
    if (process.env.EPN_KEEP_PDF) console.log("PDF :", file);
  });

  test("un code d'une autre organisation ou inconnu : 404, pas de PDF", async () => {
    const w = await epnWorld();
    const r = await w.owner.post("/api/epn/codes/tickets", { ids: ["0190a0b0-0000-7000-8000-000000000000"] });
    expect(r.status).toBe(404);
    expect((await w.owner.post("/api/epn/codes/tickets", { ids: [], layout: "page" })).status).toBe(422);
    expect((await w.owner.post("/api/epn/codes/tickets", { batchId: "x", layout: "poster" })).status).toBe(422);
  });
});
