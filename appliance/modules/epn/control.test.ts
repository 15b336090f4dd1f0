// Live control from the room view: server-side effect, queued kiosk command with delivery and ack, live events.
import { describe, expect, test } from "bun:test";
import { epnWorld } from "./testing";
import { runTick } from "./jobs";
import type { LiveEvent } from "../../core/notify/bus";

const MIN = 60_000;

async function withSession() {
  const w = await epnWorld(); // default hours: Monday 09:00–12:00 and 14:00–18:00; now Monday 10:00
  const events: LiveEvent[] = [];
  w.deps.events.subscribe((e) => events.push(e));
  const p = await w.patron();
  const k = w.kiosks[0]!;
  await k.heartbeat({ ip: "10.0.0.21", mac: "AA-BB-CC-00-11-22" });
  const s = (await k.open((await w.code({ patronId: p.id })).code)).body;
  const cmd = (body: Record<string, unknown>) => w.owner.post(`/api/epn/workstations/${k.id}/commands`, body);
  return { ...w, events, k, s, cmd, p };
}

describe("commandes depuis la vue de salle", () => {
  test("la tuile passe « en cours » en direct avec l'usager et le temps restant", async () => {
    const w = await withSession();
    const tiles = w.events.filter((e) => e.type === "epn.workstation").map((e) => e.data as any);
    const last = tiles.at(-1);
    expect(last).toMatchObject({ id: w.k.id, state: "in_use", online: true, ip: "10.0.0.21", mac: "aa:bb:cc:00:11:22", session: { id: w.s.id, patron: { name: "Jeanne Durand" }, secondsLeft: 3600, minor: false } });
    expect(w.events.every((e) => e.orgId === w.orgId)).toBe(true);
    w.deps.clock.advance(10 * MIN);
    const view = (await w.owner.get("/api/epn/workstations")).body;
    expect(view[0].session).toMatchObject({ secondsUsed: 600, secondsLeft: 3000 });
    expect(view[1].state).toBe("offline");
  });

  test("prolonger : fin repoussée, commande « extend » en file avec la nouvelle fin ; plafonnée à la pause de midi", async () => {
    const w = await withSession();
    const r = await w.cmd({ type: "extend", minutes: 15 });
    expect(r.status).toBe(200);
    expect(r.body.tile.session.secondsLeft).toBe(75 * 60);
    expect(r.body.command).toMatchObject({ type: "extend", status: "pending", payload: { endsAt: "2026-03-02T10:15:00.000Z", addedSeconds: 900 } });
    // 11:15 + 60 would pass the 12:00 closing: cut at 12:00.
    const cut = await w.cmd({ type: "extend", minutes: 60 });
    expect(cut.body.effect).toMatchObject({ endsAt: "2026-03-02T11:00:00.000Z", cut: true, limitedBy: "closing" });
    const none = await w.cmd({ type: "extend", minutes: 5 });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain("ferme à 12:00");
    expect(w.events.filter((e) => e.type === "epn.command").map((e) => (e.data as any).type)).toEqual(["extend", "extend"]);
  });

  test("le poste relève ses commandes (remises) puis les acquitte ; l'interface voit l'acquittement", async () => {
    const w = await withSession();
    await w.cmd({ type: "message", text: "Fermeture dans 10 minutes" });
    const polled = (await w.k.commands()).body;
    expect(polled).toHaveLength(1);
    expect(polled[0]).toMatchObject({ type: "message", payload: { text: "Fermeture dans 10 minutes" }, status: "delivered" });
    expect((await w.k.commands()).body).toHaveLength(0);
    const ack = await w.k.req("POST", `/commands/${polled[0].id}/ack`, { ok: true });
    expect(ack.body.status).toBe("acked");
    expect(w.events.find((e) => e.type === "epn.command.status")?.data).toMatchObject({ id: polled[0].id, status: "acked" });
    const hist = (await w.owner.get(`/api/epn/workstations/${w.k.id}/commands`)).body;
    expect(hist[0]).toMatchObject({ status: "acked", createdBy: "Alice Martin" });
    // Another workstation cannot acknowledge it.
    expect((await w.kiosks[1]!.req("POST", `/commands/${polled[0].id}/ack`, { ok: true })).status).toBe(404);
  });

  test("déconnecter : la session se termine (motif agent), « logout » part au poste ; redémarrer fait de même", async () => {
    const w = await withSession();
    w.deps.clock.advance(7 * MIN);
    await w.k.heartbeat({ idleSeconds: 5 });
    const r = await w.cmd({ type: "logout" });
    expect(r.body.effect).toMatchObject({ reason: "staff", usedSeconds: 420 });
    expect(r.body.tile.state).toBe("free");
    expect((await w.k.state()).body.session).toBeNull();
    expect((await w.cmd({ type: "logout" })).status).toBe(409);
    const s2 = (await w.k.open((await w.code()).code)).body;
    const rb = await w.cmd({ type: "reboot" });
    expect(rb.body.effect).toMatchObject({ id: s2.id, reason: "reboot" });
    expect((await w.k.commands()).body.map((c: any) => c.type)).toEqual(["logout", "reboot"]);
  });

  test("commandes invalides : type inconnu, message vide, prolongation hors bornes → 422, rien en file", async () => {
    const w = await withSession();
    for (const body of [{ type: "explode" }, { type: "message", text: "   " }, { type: "extend", minutes: 0 }, { type: "extend", minutes: 1.5 }]) {
      const r = await w.cmd(body);
      expect(r.status).toBe(422);
    }
    expect((await w.owner.get(`/api/epn/workstations/${w.k.id}/commands`)).body).toHaveLength(0);
  });

  test("un poste muet passe « hors ligne » au tick suivant, une fois ; son signal de vie le rétablit", async () => {
    const w = await withSession();
    await w.cmd({ type: "logout" });
    w.events.length = 0;
    w.deps.clock.advance(60_000);
    expect(runTick(w.deps).offline).toBe(0);
    w.deps.clock.advance(40_000);
    expect(runTick(w.deps).offline).toBe(1);
    expect(runTick(w.deps).offline).toBe(0);
    expect(w.events.filter((e) => e.type === "epn.workstation").map((e) => (e.data as any).state)).toEqual(["offline"]);
    await w.k.heartbeat();
    expect((w.events.at(-1)!.data as any).state).toBe("free");
  });

  test("commandes jamais relevées : expirées après 10 minutes", async () => {
    const w = await withSession();
    await w.cmd({ type: "message", text: "Bonjour" });
    w.deps.clock.advance(11 * MIN);
    expect(runTick(w.deps).expired).toBe(1);
    expect((await w.k.commands()).body).toHaveLength(0);
  });
});
