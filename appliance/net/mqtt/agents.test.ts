// GET /api/mqtt/workstations: each kiosk's agent state and inventory summary; roles and organisation isolation.
import { describe, expect, test } from "bun:test";
import { addMember, Client, setupApp } from "../../test/harness";
import { systemCtx } from "../../core/context";
import { storeInventory } from "./inventory";
import type { Inventory } from "../../../agent/protocol";

async function enrolled() {
  const a = await setupApp();
  const room = await a.owner.post("/api/epn/rooms", { name: "Salle 1" });
  const other = await a.owner.post("/api/epn/rooms", { name: "Salle 2" });
  const t = await a.owner.post("/api/mqtt/enrolment-tokens", { label: "Salle 1", roomId: room.body.id, maxUses: 2 });
  const enrol = async (hostname: string) => (await new Client(a.app).post("/api/mqtt/enrol", { token: t.body.token, hostname })).body.workstationId as string;
  return { ...a, roomId: room.body.id as string, otherRoomId: other.body.id as string, pc1: await enrol("pc1"), pc2: await enrol("pc2") };
}

function inventory(memory: number, softwares: string[]): Inventory {
  return {
    v: 1, deviceid: "pc1", itemtype: "Computer", action: "inventory",
    content: {
      versionclient: "Guichet-Agent_v0.1.0",
      hardware: { name: "pc1", memory, vmsystem: "Physical" },
      bios: { smanufacturer: "Dell Inc.", smodel: "OptiPlex 3080" },
      operatingsystem: { name: "Debian GNU/Linux", version: "12 (bookworm)", full_name: "Debian GNU/Linux 12 (bookworm)", arch: "x86_64" },
      cpus: [{ name: "Intel(R) Core(TM) i5-10500T", core: 6, thread: 12 }],
      softwares: softwares.map((name) => ({ name, version: "1", from: "deb" })),
    },
  };
}

describe("liste des agents", () => {
  test("version, résumé lisible du dernier inventaire et date du dernier changement", async () => {
    const a = await enrolled();
    const ctx = systemCtx(a.deps, a.orgId);
    storeInventory(ctx, a.pc1, inventory(8000, ["firefox-esr", "libreoffice"]));
    a.deps.clock.advance(3600_000);
    storeInventory(ctx, a.pc1, inventory(16000, ["firefox-esr", "libreoffice", "gimp"]));
    const r = await a.owner.get("/api/mqtt/workstations");
    expect(r.status).toBe(200);
    expect(r.body.map((w: any) => w.name)).toEqual(["pc1", "pc2"]);
    const [pc1, pc2] = r.body;
    expect(pc1).toMatchObject({ id: a.pc1, roomId: a.roomId, roomName: "Salle 1", enrolled: true, connected: false });
    expect(pc1.inventory).toEqual({
      collectedAt: "2026-03-02T10:00:00.000Z", agent: "Guichet-Agent_v0.1.0", os: "Debian GNU/Linux 12 (bookworm)", arch: "x86_64",
      manufacturer: "Dell Inc.", model: "OptiPlex 3080", cpu: "Intel(R) Core(TM) i5-10500T", memoryMb: 16000, softwareCount: 3, vm: "Physical",
      lastChangeAt: "2026-03-02T10:00:00.000Z",
    });
    expect(pc2.inventory).toBeNull(); // no report yet
    // A new report replaces the summary (it is cached by content, not kept stale).
    a.deps.clock.advance(3600_000);
    storeInventory(ctx, a.pc1, inventory(32000, ["firefox-esr"]));
    const again = (await a.owner.get("/api/mqtt/workstations")).body[0].inventory;
    expect([again.memoryMb, again.softwareCount, again.lastChangeAt]).toEqual([32000, 1, "2026-03-02T11:00:00.000Z"]);
  });

  test("filtre par salle ; une salle inconnue est refusée", async () => {
    const a = await enrolled();
    expect((await a.owner.get(`/api/mqtt/workstations?roomId=${a.otherRoomId}`)).body).toEqual([]);
    expect((await a.owner.get(`/api/mqtt/workstations?roomId=${a.roomId}`)).body).toHaveLength(2);
    const r = await a.owner.get("/api/mqtt/workstations?roomId=inconnue");
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe("Salle introuvable.");
  });

  test("animateur EPN : autorisé ; membre sans rôle EPN : 403 ; anonyme : 401", async () => {
    const a = await enrolled();
    const anim = await addMember(a, a.owner, "anim@mairie.test", "member", ["epn_animateur"]);
    const bob = await addMember(a, a.owner, "bob@mairie.test", "member");
    expect((await anim.get("/api/mqtt/workstations")).status).toBe(200);
    expect((await bob.get("/api/mqtt/workstations")).status).toBe(403);
    expect((await new Client(a.app).get("/api/mqtt/workstations")).status).toBe(401);
  });

  test("un administrateur d'une autre organisation ne voit aucun poste de A, ni ses salles", async () => {
    const a = await enrolled();
    const b = await a.owner.post("/api/orgs", { name: "CCAS de Testville" });
    const ownerInB = new Client(a.app);
    Object.assign(ownerInB, { cookie: a.owner.cookie, csrf: a.owner.csrf, org: b.body.id });
    const carol = await addMember(a, ownerInB, "carol@ccas.test", "admin");
    expect((await carol.get("/api/mqtt/workstations")).body).toEqual([]);
    expect((await carol.get(`/api/mqtt/workstations?roomId=${a.roomId}`)).status).toBe(404);
  });
});
