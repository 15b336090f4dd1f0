// Many kiosks dropping at the same moment (a switch reboots): the offline marks go through the paced queue and a
// prepared statement; every tile must still turn offline in the staff's live feed and in the room view, once each.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mqtt, { type MqttClient } from "mqtt";
import { topic } from "../../../../agent/protocol";
import type { LiveEvent } from "../../../core/notify/bus";
import type { Enrolled } from "../enrolment";
import { enrolKiosk, enrolmentToken, mqttFixture, until, type MqttFixture } from "./fixture";

const N = 60;
let f: MqttFixture;
let kiosks: Enrolled[];

beforeAll(async () => {
  f = await mqttFixture();
  const token = await enrolmentToken(f.app.owner, f.roomId, N);
  kiosks = [];
  for (let i = 0; i < N; i++) kiosks.push(await enrolKiosk(f, `masse-pc${i}`, token));
});
afterAll(() => f.stop());

/** A kiosk connection as the agent makes it (clean session, retained offline will), subscribed to its commands. */
async function connect(k: Enrolled): Promise<MqttClient> {
  const will = { topic: topic(k.orgId, k.workstationId, "status"), payload: Buffer.from('{"v":1,"state":"offline"}'), qos: 1 as const, retain: true };
  const c = mqtt.connect(`mqtt://127.0.0.1:${f.port}`, { clientId: k.workstationId, username: k.username, password: k.password, protocolVersion: 4, clean: true, reconnectPeriod: 0, will });
  await new Promise<void>((resolve, reject) => (c.once("connect", () => resolve()), c.once("error", reject)));
  await c.subscribeAsync(topic(k.orgId, k.workstationId, "cmd"), { qos: 1 });
  return c;
}

test(`${N} postes coupés d'un coup : chaque tuile passe hors ligne dans le flux en direct et dans la vue de salle`, async () => {
  const clients = await Promise.all(kiosks.map(connect));
  const view = async () => (await f.app.owner.get(`/api/epn/workstations?roomId=${f.roomId}`)).body as { id: string; state: string; online: boolean }[];
  await until(async () => (await view()).every((t) => t.online), 10_000, "tous en ligne");

  // What a staff browser's live socket receives (live.ts forwards the bus as it is).
  const offlineTiles = new Map<string, number>();
  const agentsGone = new Set<string>();
  const off = f.app.deps.events.subscribe((e: LiveEvent) => {
    const d = e.data as { id?: string; state?: string; workstationId?: string; connected?: boolean };
    if (e.type === "epn.workstation" && d.state === "offline") offlineTiles.set(d.id!, (offlineTiles.get(d.id!) ?? 0) + 1);
    if (e.type === "mqtt.agent" && d.connected === false) agentsGone.add(d.workstationId!);
  });
  try {
    // Dropped without DISCONNECT: each connection ends with its will, as on a network cut.
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await until(() => offlineTiles.size === N, 10_000, "toutes les tuiles hors ligne dans le flux");
    expect([...offlineTiles.keys()].sort()).toEqual(kiosks.map((k) => k.workstationId).sort());
    expect([...offlineTiles.values()].every((n) => n === 1)).toBe(true);
    expect(agentsGone.size).toBe(N);
    expect((await view()).map((t) => t.state)).toEqual(Array(N).fill("offline"));
    expect(f.svc.broker!.stats.connected).toBe(0);
  } finally {
    off();
  }
});
