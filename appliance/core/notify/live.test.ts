// GET /api/live over a real listening server and real WebSocket clients: authentication, organisation, forwarding, cleanup.
import { afterEach, describe, expect, test } from "bun:test";
import { connect as tcp } from "node:net";
import { setupApp, addMember, Client, ADMIN } from "../../test/harness";
import { withTransaction } from "../db/client";
import { systemCtx } from "../context";
import { totpAt } from "../auth/totp";
import { liveRoutes, LIVE_CLOSE } from "./live";
import { notify } from "./service";
import { notificationRoutes } from "./routes";

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of stops.splice(0)) await f();
});

async function world() {
  const t = await setupApp({ extra: (d) => [liveRoutes(d, { recheckMs: 40 }), notificationRoutes(d)] });
  const bob = await addMember(t, t.owner, "bob@mairie.test", "member");
  const b = await t.owner.post("/api/orgs", { name: "CCAS de Testville" });
  const orgB = b.body.id as string;
  const ownerInB = new Client(t.app);
  Object.assign(ownerInB, { cookie: t.owner.cookie, csrf: t.owner.csrf, org: orgB });
  const carol = await addMember(t, ownerInB, "carol@ccas.test", "member");
  t.app.listen({ hostname: "127.0.0.1", port: 0 });
  stops.push(() => t.app.stop(true));
  const port = t.app.server!.port!;
  const uid = (email: string) => (t.deps.db.$client.query("SELECT id FROM users WHERE email = ?").get(email) as { id: string }).id;
  return { ...t, bob, carol, orgB, port, uid };
}

interface Live {
  ws: WebSocket;
  msgs: { type: string; data: any }[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: string, timeoutMs?: number): Promise<{ type: string; data: any }>;
}

/** Opens a socket as a browser would (cookie); resolves once open, rejects with the refusal. */
function live(port: number, org: string, cookie: string | null, headers: Record<string, string> = {}): Promise<Live> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live?org=${org}`, { headers: { ...(cookie ? { cookie } : {}), ...headers } } as any);
    const msgs: Live["msgs"] = [];
    let opened = false;
    let onClose!: (v: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (onClose = r));
    ws.onmessage = (e) => msgs.push(JSON.parse(String(e.data)));
    ws.onerror = (e) => !opened && reject(new Error((e as any).message ?? "erreur"));
    ws.onclose = (e) => {
      onClose({ code: e.code, reason: e.reason });
      if (!opened) reject(new Error(`fermé avant ouverture (${e.code})`));
    };
    ws.onopen = () => {
      opened = true;
      stops.push(() => ws.close());
      resolve({
        ws,
        msgs,
        closed,
        async next(type, timeoutMs = 5000) {
          const end = Date.now() + timeoutMs;
          for (;;) {
            const i = msgs.findIndex((m) => m.type === type);
            if (i >= 0) return msgs.splice(i, 1)[0]!;
            if (Date.now() > end) throw new Error(`pas de message « ${type} »`);
            await Bun.sleep(5);
          }
        },
      });
    };
  });
}

/** The HTTP status the server answers to an upgrade request (raw HTTP/1.1 over TCP). */
function upgradeStatus(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = tcp(port, "127.0.0.1", () => {
      const h = { host: `127.0.0.1:${port}`, upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": btoa("0123456789abcdef"), "sec-websocket-version": "13", ...headers };
      sock.write(`GET ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n`);
    });
    sock.once("data", (d) => {
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(d.toString())?.[1] ?? 0));
      sock.destroy();
    });
    sock.once("error", reject);
  });
}

describe("WebSocket /api/live", () => {
  test("un membre reçoit ses notifications et les événements de son organisation, rien d'autre", async () => {
    const t = await world();
    const bobLive = await live(t.port, t.orgId, t.bob.cookie);
    expect((await bobLive.next("hello")).data).toEqual({ org: t.orgId });
    const bobId = t.uid("bob@mairie.test");
    withTransaction(t.deps.db, (tx) => notify(tx, systemCtx(t.deps, t.orgId), { userIds: [bobId], kind: "system", title: "Votre PC est prêt" }));
    const n = await bobLive.next("notification");
    expect(n.data).toMatchObject({ title: "Votre PC est prêt", kind: "system", readAt: null });
    // Another member's personal event, and another organisation's events, never reach bob.
    t.deps.events.publish({ orgId: t.orgId, userId: t.uid("alice@mairie.test"), type: "perso", data: 1 });
    t.deps.events.publish({ orgId: t.orgB, type: "org-b", data: 2 });
    t.deps.events.publish({ orgId: t.orgId, type: "org-a", data: { poste: "PC-03" } });
    expect((await bobLive.next("org-a")).data).toEqual({ poste: "PC-03" });
    await Bun.sleep(30);
    expect(bobLive.msgs.map((m) => m.type)).toEqual([]);
    // Marking read from another tab updates this one's badge.
    expect((await t.bob.post("/api/notifications/read-all")).status).toBe(200);
    expect((await bobLive.next("notifications.read")).data).toEqual({ ids: "all", unread: 0 });
  }, 20_000);

  test("refusé sans session (401), pour une autre organisation (403), 2FA en attente (401), origine étrangère (403)", async () => {
    const t = await world();
    const path = (org: string) => `/api/live?org=${org}`;
    expect(await upgradeStatus(t.port, path(t.orgId), {})).toBe(401);
    expect(await upgradeStatus(t.port, path(t.orgB), { cookie: t.bob.cookie! })).toBe(403);
    expect(await upgradeStatus(t.port, path(t.orgId), { cookie: t.carol.cookie! })).toBe(403);
    expect(await upgradeStatus(t.port, path(t.orgId), { cookie: t.bob.cookie!, origin: "https://evil.example" })).toBe(403);
    expect(await upgradeStatus(t.port, path(t.orgId), { cookie: t.bob.cookie!, origin: `http://127.0.0.1:${t.port}` })).toBe(101);
    // The real client sees the same refusal and never opens.
    await expect(live(t.port, t.orgB, t.bob.cookie)).rejects.toThrow();
    await expect(live(t.port, t.orgId, null)).rejects.toThrow();
    // 2FA: password given, code still owed.
    const setup = await t.owner.post("/api/auth/totp/setup");
    await t.owner.post("/api/auth/totp/enable", { code: totpAt(setup.body.secret, t.deps.clock.now()) });
    const half = new Client(t.app);
    expect((await half.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password })).body.mfaRequired).toBe(true);
    expect(await upgradeStatus(t.port, path(t.orgId), { cookie: half.cookie! })).toBe(401);
  }, 20_000);

  test("un membre de A abonné ne reçoit rien de B, même en tant que membre de B sur un autre socket", async () => {
    const t = await world();
    const carolLive = await live(t.port, t.orgB, t.carol.cookie);
    const ownerA = await live(t.port, t.orgId, t.owner.cookie);
    const ownerB = await live(t.port, t.orgB, t.owner.cookie);
    withTransaction(t.deps.db, (tx) => notify(tx, systemCtx(t.deps, t.orgB), { userIds: [t.uid("carol@ccas.test"), t.uid("alice@mairie.test")], kind: "system", title: "CCAS" }));
    expect((await carolLive.next("notification")).data.title).toBe("CCAS");
    expect((await ownerB.next("notification")).data.title).toBe("CCAS");
    await Bun.sleep(30);
    expect(ownerA.msgs.filter((m) => m.type !== "hello")).toEqual([]);
  }, 20_000);

  test("déconnexion ou retrait de l'organisation : le socket se ferme ; fermé, il ne reçoit plus rien", async () => {
    const t = await world();
    const bobLive = await live(t.port, t.orgId, t.bob.cookie);
    await t.bob.post("/api/auth/logout");
    expect(await bobLive.closed).toEqual({ code: LIVE_CLOSE.sessionEnded, reason: "session terminée" });

    const carolLive = await live(t.port, t.orgB, t.carol.cookie);
    t.deps.db.$client.query("DELETE FROM memberships WHERE user_id = ?").run(t.uid("carol@ccas.test"));
    expect((await carolLive.closed).code).toBe(LIVE_CLOSE.notMember);

    // Closing from the client side unsubscribes: the bus has no listener left.
    const ownerLive = await live(t.port, t.orgId, t.owner.cookie);
    ownerLive.ws.close();
    await ownerLive.closed;
    await Bun.sleep(20);
    expect(t.deps.events.size).toBe(0);
  }, 20_000);
});
