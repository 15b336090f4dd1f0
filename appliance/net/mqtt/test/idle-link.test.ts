// The kiosk's idle time over the real broker: what the heartbeats carry reaches EPN, which ends an abandoned
// session for inactivity and sends the kiosk its logout; an unknown or malformed idle time never ends anything.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mqtt, { type MqttClient } from "mqtt";
import { topic } from "../../../../agent/protocol";
import type { Enrolled } from "../enrolment";
import { enrolKiosk, mqttFixture, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let k: Enrolled;
let c: MqttClient;
const cmds: { id: string; type: string; text?: string; sessionId?: string }[] = [];
let seq = 0;

beforeAll(async () => {
  f = await mqttFixture();
  // Heartbeats reach EPN every 5 s (a third of 15 s); no input for 10 minutes ends a session.
  const s = await f.app.owner.patch("/api/epn/settings", { offlineAfterSeconds: 15, inactivityMinutes: 10 });
  expect(s.status).toBe(200);
  k = await enrolKiosk(f, "salle-pc9");
  c = mqtt.connect(`mqtt://127.0.0.1:${f.port}`, { clientId: k.workstationId, username: k.username, password: k.password, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  c.on("message", (t, p) => t.endsWith("/cmd") && cmds.push(JSON.parse(p.toString())));
  await new Promise<void>((resolve, reject) => (c.once("connect", () => resolve()), c.once("error", reject)));
  await c.subscribeAsync([topic(k.orgId, k.workstationId, "cmd"), topic(k.orgId, k.workstationId, "res")], { qos: 1 });
});
afterAll(async () => {
  await c?.endAsync(true);
  await f?.stop();
});

/** Opens a session as the agent does (session.open with a guest code); returns its id. */
async function openSession() {
  const code = await f.app.owner.post("/api/epn/codes", { label: "Test", allowanceMinutes: 60 });
  expect(code.status).toBe(200);
  const id = `r${seq}`;
  const answer = new Promise<any>((resolve) => c.on("message", (t, p) => t.endsWith("/res") && JSON.parse(p.toString()).id === id && resolve(JSON.parse(p.toString()))));
  await c.publishAsync(topic(k.orgId, k.workstationId, "req"), JSON.stringify({ v: 1, id, op: "session.open", code: code.body.codes[0].code }), { qos: 1 });
  const res = await answer;
  expect(res.ok).toBe(true);
  return res.result.id as string;
}

/** One heartbeat as the agent sends it (1 s apart on a real kiosk). */
function heartbeat(session: string | null, idle?: unknown) {
  const body: Record<string, unknown> = { v: 1, seq: seq++, at: new Date().toISOString(), uptimeS: seq, session: session ? { id: session, remainingS: 3000 } : null };
  if (idle !== undefined) body.idleSeconds = idle;
  return c.publishAsync(topic(k.orgId, k.workstationId, "heartbeat"), JSON.stringify(body), { qos: 1 });
}

const session = (id: string) => f.app.deps.db.$client.query("SELECT ended_at, end_reason, last_activity_at FROM epn_sessions WHERE id = ?1").get(id) as { ended_at: string | null; end_reason: string | null; last_activity_at: string };
/** Heartbeats every 200 ms until EPN has had one (its flush interval is 5 s), then `cond` is checked. */
async function heartbeatsUntil(cond: () => boolean, session: string, idle: unknown, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await heartbeat(session, idle);
    if (cond()) return true;
    await Bun.sleep(200);
  }
  return false;
}

test("inactivité sous le délai : la session continue, EPN note la dernière activité du poste", async () => {
  const id = await openSession();
  const opened = session(id).last_activity_at;
  // The patron last touched something 2 minutes ago: within 5 s EPN moves the session's last activity back.
  const moved = await heartbeatsUntil(() => session(id).last_activity_at !== opened, id, 120, 8000);
  expect(moved).toBe(true);
  const now = f.app.deps.clock.now().getTime();
  expect(now - Date.parse(session(id).last_activity_at)).toBe(120_000);
  expect(session(id).ended_at).toBeNull();
}, 15_000);

test("délai atteint : la session se termine aussitôt pour inactivité et le poste reçoit sa déconnexion", async () => {
  const id = (f.app.deps.db.$client.query("SELECT id FROM epn_sessions WHERE ended_at IS NULL").get() as { id: string }).id;
  // Wait for a regular flush (EPN notes 5 minutes idle): the next one is 5 s away.
  const at = () => f.app.deps.clock.now().getTime() - Date.parse(session(id).last_activity_at);
  expect(await heartbeatsUntil(() => at() === 300_000, id, 300, 8000)).toBe(true);
  const t0 = Date.now();
  await heartbeat(id, 600);
  await until(() => session(id).ended_at !== null, 3000, "session terminée");
  // Not at the next flush (up to 5 s later): at the heartbeat that crossed the delay.
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(session(id).end_reason).toBe("inactivity");
  await until(() => cmds.some((x) => x.type === "logout" && x.sessionId === id), 3000, "déconnexion envoyée au poste");
  expect(cmds.find((x) => x.type === "logout" && x.sessionId === id)?.text).toBe("inactivity");
  const events = await f.app.owner.get(`/api/epn/sessions/${id}/events`);
  expect(events.body.find((e: any) => e.type === "ended")?.data.reason).toBe("inactivity");
}, 15_000);

test("inactivité inconnue ou invalide : la session n'est jamais terminée pour inactivité", async () => {
  const id = await openSession();
  // No input device on the kiosk (no idleSeconds), then values the broker must drop.
  for (const idle of [undefined, -1, 1e9, "900", 12.5, null]) for (let i = 0; i < 2; i++) await heartbeat(id, idle);
  // An idle time on a heartbeat without a session, then more heartbeats across a whole flush interval.
  await heartbeat(null, 5000);
  await heartbeatsUntil(() => false, id, undefined, 5500);
  expect(session(id).ended_at).toBeNull();
  expect(f.svc.link.stats.heartbeats).toBeGreaterThan(10);
}, 15_000);

test("délai raccourci par l'animateur : la session s'arrête au plus tard au battement transmis suivant", async () => {
  const id = (f.app.deps.db.$client.query("SELECT id FROM epn_sessions WHERE ended_at IS NULL").get() as { id: string }).id;
  // The link still believes 10 minutes (it re-reads the settings every minute); EPN applies 5 at once.
  expect((await f.app.owner.patch("/api/epn/settings", { inactivityMinutes: 5 })).status).toBe(200);
  const t0 = Date.now();
  const ended = await heartbeatsUntil(() => session(id).ended_at !== null, id, 400, 8000);
  expect(ended).toBe(true);
  expect(Date.now() - t0).toBeLessThan(5000 + 1000); // one flush interval, plus a heartbeat
  expect(session(id).end_reason).toBe("inactivity");
}, 15_000);
