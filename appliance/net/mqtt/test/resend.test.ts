// Commands and a kiosk whose link drops: nothing is lost before it subscribes, what it never acknowledged is sent
// again when it returns, and nothing it did acknowledge (or that a later answered command overtook) comes back.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mqtt, { type MqttClient } from "mqtt";
import { topic } from "../../../../agent/protocol";
import type { Enrolled } from "../enrolment";
import type { TestClock } from "../../../core/clock";
import { enrolKiosk, mqttFixture, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let k: Enrolled;

beforeAll(async () => {
  f = await mqttFixture();
  k = await enrolKiosk(f, "salle-pc7");
});
afterAll(() => f.stop());

/** A kiosk connection (mqtt.js, clean session as the agent uses) that records the commands it gets and acks none by itself. */
async function connect(opts: { subscribeAfterMs?: number } = {}) {
  const c: MqttClient = mqtt.connect(`mqtt://127.0.0.1:${f.port}`, { clientId: k.workstationId, username: k.username, password: k.password, protocolVersion: 4, clean: true, reconnectPeriod: 0 });
  const got: { id: string; type: string; text?: string }[] = [];
  c.on("message", (_t, p) => got.push(JSON.parse(p.toString())));
  await new Promise<void>((resolve, reject) => (c.once("connect", () => resolve()), c.once("error", reject)));
  if (opts.subscribeAfterMs) await Bun.sleep(opts.subscribeAfterMs);
  await c.subscribeAsync(topic(k.orgId, k.workstationId, "cmd"), { qos: 1 });
  return {
    got,
    ack: (id: string) => c.publishAsync(topic(k.orgId, k.workstationId, "ack"), JSON.stringify({ v: 1, id, ok: true }), { qos: 1 }),
    async close() {
      await c.endAsync(true);
      await until(() => !f.svc.broker!.isConnected(k.workstationId), 3000, "déconnexion");
    },
  };
}

const send = async (body: Record<string, unknown>) => {
  // The harness clock stands still: one second between commands, as between a person's clicks.
  (f.app.deps.clock as TestClock).advance(1000);
  const r = await f.app.owner.post(`/api/epn/workstations/${k.workstationId}/commands`, body);
  expect(r.status).toBe(200);
  return r.body.command.id as string;
};
const statusOf = async (id: string) => ((await f.app.owner.get(`/api/epn/workstations/${k.workstationId}/commands`)).body as { id: string; status: string }[]).find((c) => c.id === id)?.status;

test("une commande en attente arrive au poste qui se connecte, même s'il s'abonne un peu après", async () => {
  const id = await send({ type: "message", text: "Bienvenue" });
  expect(await statusOf(id)).toBe("pending");
  const c = await connect({ subscribeAfterMs: 300 });
  await until(() => c.got.some((x) => x.id === id), 3000, "commande reçue après l'abonnement");
  await c.ack(id);
  await until(async () => (await statusOf(id)) === "acked", 3000, "commande acquittée");
  await c.close();
});

test("remise mais jamais acquittée : renvoyée au retour du poste, une seule fois", async () => {
  const c1 = await connect();
  const id = await send({ type: "message", text: "La salle ferme dans 10 minutes" });
  await until(() => c1.got.some((x) => x.id === id), 3000, "commande reçue");
  expect(await statusOf(id)).toBe("delivered");
  await c1.close(); // gone before answering

  const c2 = await connect();
  await until(() => c2.got.some((x) => x.id === id), 3000, "commande renvoyée");
  expect(c2.got.filter((x) => x.id === id)).toHaveLength(1);
  expect(c2.got.find((x) => x.id === id)?.text).toBe("La salle ferme dans 10 minutes");
  expect(f.svc.link.stats.commandsResent).toBeGreaterThan(0);
  await c2.ack(id);
  await until(async () => (await statusOf(id)) === "acked", 3000, "commande acquittée");
  await c2.close();

  const c3 = await connect();
  await Bun.sleep(400);
  expect(c3.got).toEqual([]); // acknowledged: never again
  await c3.close();
});

test("une commande dépassée par une commande acquittée n'est pas renvoyée", async () => {
  const c1 = await connect();
  const lock = await send({ type: "lock" });
  const unlock = await send({ type: "unlock" });
  await until(() => c1.got.some((x) => x.id === unlock), 3000, "commandes reçues " + JSON.stringify(c1.got));
  await c1.ack(unlock); // the "lock" answer got lost, the later "unlock" was answered
  await until(async () => (await statusOf(unlock)) === "acked", 3000, "déverrouillage acquitté");
  expect(await statusOf(lock)).toBe("delivered");
  await c1.close();

  const c2 = await connect();
  await Bun.sleep(400);
  expect(c2.got.map((x) => x.type)).toEqual([]); // re-locking the kiosk now would be wrong
  await c2.close();
});
