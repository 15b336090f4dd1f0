// /api/mqtt routes: enrolment tokens, enrolment, revocation, inventories; roles, bad input, organisation isolation.
import { describe, expect, test } from "bun:test";
import { addMember, Client, setupApp } from "../../test/harness";
import { enrolFailures } from "./enrolment";
import { storeInventory } from "./inventory";
import { systemCtx } from "../../core/context";
import type { Inventory } from "../../../agent/protocol";

async function withRoom() {
  const a = await setupApp();
  const room = await a.owner.post("/api/epn/rooms", { name: "Salle 1" });
  expect(room.status).toBe(200);
  return { ...a, roomId: room.body.id as string };
}

const kiosk = (a: { app: any }) => new Client(a.app);

async function token(owner: Client, roomId: string, extra: Record<string, unknown> = {}) {
  const r = await owner.post("/api/mqtt/enrolment-tokens", { label: "Salle 1", roomId, ...extra });
  expect(r.status).toBe(200);
  return r.body as { id: string; token: string };
}

function inventory(softwares: { name: string; version: string }[], memory = 8000): Inventory {
  return { v: 1, deviceid: "pc-guichet", itemtype: "Computer", action: "inventory", content: { versionclient: "Guichet-Agent_v0.1.0", hardware: { name: "pc", memory }, operatingsystem: { name: "Debian GNU/Linux", version: "12" }, softwares: softwares.map((s) => ({ ...s, from: "deb" })) } };
}

describe("jetons d'enrôlement", () => {
  test("un membre sans rôle EPN ne peut pas en créer ; un anonyme non plus", async () => {
    const a = await withRoom();
    const bob = await addMember(a, a.owner, "bob@mairie.test", "member", ["epn_animateur"]);
    expect((await bob.post("/api/mqtt/enrolment-tokens", { label: "x", roomId: a.roomId })).status).toBe(403);
    expect((await kiosk(a).post("/api/mqtt/enrolment-tokens", { label: "x", roomId: a.roomId })).status).toBe(401);
    expect((await kiosk(a).get("/api/mqtt/enrolment-tokens")).status).toBe(401);
  });

  test.each([
    [{ label: "", roomId: "R" }, "label"],
    [{ label: "ok", roomId: "R", maxUses: 0 }, "maxUses"],
    [{ label: "ok", roomId: "R", validHours: 10_000 }, "validHours"],
  ])("entrée invalide %o : 422 en français sur le champ %s, rien n'est créé", async (body, field) => {
    const a = await withRoom();
    const r = await a.owner.post("/api/mqtt/enrolment-tokens", { ...body, roomId: a.roomId });
    expect(r.status).toBe(422);
    expect(r.body.error.fields[field]).toBeTruthy();
    expect(r.body.error.message).toMatch(/invalide/);
    expect((await a.owner.get("/api/mqtt/enrolment-tokens")).body).toEqual([]);
  });

  test("une salle inconnue est refusée", async () => {
    const a = await withRoom();
    const r = await a.owner.post("/api/mqtt/enrolment-tokens", { label: "x", roomId: "inconnue" });
    expect(r.status).toBe(404);
  });

  test("le jeton n'est montré qu'une fois ; la liste donne l'état sans le secret", async () => {
    const a = await withRoom();
    const t = await token(a.owner, a.roomId, { maxUses: 2 });
    expect(t.token).toMatch(/^gen_/);
    const list = (await a.owner.get("/api/mqtt/enrolment-tokens")).body;
    expect(list).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(t.token);
    expect(list[0]).toMatchObject({ status: "active", maxUses: 2, uses: 0 });
  });
});

describe("enrôlement d'un poste", () => {
  test("un jeton valide crée le poste dans la salle, avec son secret ; le nom est dédoublonné", async () => {
    const a = await withRoom();
    const t = await token(a.owner, a.roomId, { maxUses: 2 });
    const r1 = await kiosk(a).post("/api/mqtt/enrol", { token: t.token, hostname: "salle1-pc3" });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ name: "salle1-pc3", username: r1.body.workstationId, orgId: a.orgId, mqtt: { wsPath: "/mqtt" } });
    expect(r1.body.password).toMatch(/^gws_/);
    const r2 = await kiosk(a).post("/api/mqtt/enrol", { token: t.token, hostname: "salle1-pc3" });
    expect(r2.body.name).toBe("salle1-pc3 (2)");
    const tiles = (await a.owner.get("/api/epn/workstations")).body as any[];
    expect(tiles.map((w) => [w.name, w.roomId, w.enrolled])).toEqual([
      ["salle1-pc3", a.roomId, true],
      ["salle1-pc3 (2)", a.roomId, true],
    ]);
    // The kiosk's secret works on EPN's kiosk routes too: one credential per workstation.
    const k = kiosk(a);
    k.bearer = r1.body.password;
    expect((await k.get("/api/epn/kiosk/state")).status).toBe(200);
  });

  test.each(["épuisé", "expiré", "révoqué", "inconnu"])("jeton %s : 401 en français, aucun poste créé", async (kind) => {
    const a = await withRoom();
    const t = await token(a.owner, a.roomId, { validHours: 1 });
    if (kind === "épuisé") expect((await kiosk(a).post("/api/mqtt/enrol", { token: t.token, hostname: "pc1" })).status).toBe(200);
    if (kind === "expiré") a.deps.clock.advance(3600_000 + 1);
    if (kind === "révoqué") expect((await a.owner.del(`/api/mqtt/enrolment-tokens/${t.id}`)).status).toBe(200);
    const before = ((await a.owner.get("/api/epn/workstations")).body as any[]).length;
    const r = await kiosk(a).post("/api/mqtt/enrol", { token: kind === "inconnu" ? "gen_faux" : t.token, hostname: "pc2" });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toContain("Jeton d'enrôlement inconnu, expiré, révoqué ou déjà utilisé");
    expect(((await a.owner.get("/api/epn/workstations")).body as any[]).length).toBe(before);
  });

  test("les essais de jetons faux sont limités par adresse", async () => {
    const a = await withRoom();
    enrolFailures.reset();
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await kiosk(a).post("/api/mqtt/enrol", { token: `gen_faux${i}`, hostname: "pc" })).status;
    expect(last).toBe(429);
    enrolFailures.reset();
  });

  test("corps invalide : 422", async () => {
    const a = await withRoom();
    expect((await kiosk(a).post("/api/mqtt/enrol", { hostname: "pc" })).status).toBe(422);
  });
});

describe("inventaire", () => {
  test("stocké par poste, historique des seuls changements", async () => {
    const a = await withRoom();
    const t = await token(a.owner, a.roomId);
    const ws = (await kiosk(a).post("/api/mqtt/enrol", { token: t.token, hostname: "pc1" })).body.workstationId as string;
    const ctx = systemCtx(a.deps, a.orgId);
    expect((await a.owner.get(`/api/mqtt/workstations/${ws}/inventory`)).body.content).toBeNull();
    storeInventory(ctx, ws, inventory([{ name: "firefox-esr", version: "115" }, { name: "libreoffice", version: "7.4" }]));
    a.deps.clock.advance(3600_000); // (a day would expire the staff session)
    storeInventory(ctx, ws, inventory([{ name: "libreoffice", version: "7.4" }, { name: "firefox-esr", version: "115" }])); // same, other order
    a.deps.clock.advance(3600_000); // (a day would expire the staff session)
    storeInventory(ctx, ws, inventory([{ name: "firefox-esr", version: "128" }, { name: "gimp", version: "2.10" }], 16000));
    const cur = (await a.owner.get(`/api/mqtt/workstations/${ws}/inventory`)).body;
    expect(cur.content.softwares.map((s: any) => s.name)).toEqual(["firefox-esr", "gimp"]);
    const hist = (await a.owner.get(`/api/mqtt/workstations/${ws}/inventory/history`)).body as any[];
    expect(hist).toHaveLength(2);
    const changes = hist[0].changes.map((c: any) => `${c.section}:${c.key}:${c.change}`).sort();
    expect(changes).toEqual(["hardware:memory:changed", "softwares:firefox-esr:changed", "softwares:gimp:added", "softwares:libreoffice:removed"]);
  });
});

describe("isolation entre organisations", () => {
  async function twoOrgs() {
    const a = await withRoom();
    const t = await token(a.owner, a.roomId);
    const ws = (await kiosk(a).post("/api/mqtt/enrol", { token: t.token, hostname: "pc1" })).body.workstationId as string;
    const b = await a.owner.post("/api/orgs", { name: "CCAS de Testville" });
    const ownerInB = new Client(a.app);
    Object.assign(ownerInB, { cookie: a.owner.cookie, csrf: a.owner.csrf, org: b.body.id });
    const carol = await addMember(a, ownerInB, "carol@ccas.test", "admin");
    return { ...a, tokenId: t.id, ws, carol };
  }

  test.each([
    ["révoquer un jeton d'enrôlement de A", "DELETE", (i: any) => `/api/mqtt/enrolment-tokens/${i.tokenId}`],
    ["révoquer un poste de A", "POST", (i: any) => `/api/mqtt/workstations/${i.ws}/revoke`],
    ["lire l'inventaire d'un poste de A", "GET", (i: any) => `/api/mqtt/workstations/${i.ws}/inventory`],
    ["lire l'historique d'inventaire de A", "GET", (i: any) => `/api/mqtt/workstations/${i.ws}/inventory/history`],
  ])("un administrateur de B ne peut pas %s (404, rien ne change)", async (_n, method, path) => {
    const t = await twoOrgs();
    const before = [(await t.owner.get("/api/mqtt/enrolment-tokens")).body, (await t.owner.get("/api/epn/workstations")).body];
    const r = await t.carol.req(method as string, (path as (i: any) => string)(t), method === "GET" ? undefined : {});
    expect(r.status).toBe(404);
    expect([(await t.owner.get("/api/mqtt/enrolment-tokens")).body, (await t.owner.get("/api/epn/workstations")).body]).toEqual(before);
    expect((await t.carol.get("/api/mqtt/enrolment-tokens")).body).toEqual([]);
  });
});
