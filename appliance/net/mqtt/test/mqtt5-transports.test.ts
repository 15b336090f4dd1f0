// MQTT 5 over the other transports: WebSocket on the HTTP port (/mqtt) and TLS (mqtts) share the same front end.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mqtt from "mqtt";
import { topic } from "../../../../agent/protocol";
import { enrolKiosk, mqttFixture, mosquitto, subscriber, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let cert: string;
let ws: string;
beforeAll(async () => {
  const fx = await mqttFixture({ tls: true });
  f = fx;
  cert = fx.cert!;
  f.app.app.listen({ hostname: "127.0.0.1", port: 0 });
  ws = `ws://127.0.0.1:${f.app.app.server!.port}/mqtt`;
});
afterAll(async () => {
  await f.stop();
  await f.app.app.stop(true);
});

const hb = (seq: number) => JSON.stringify({ v: 1, seq, at: new Date().toISOString(), uptimeS: seq, session: null });

function connectWs(opts: mqtt.IClientOptions) {
  return new Promise<{ client: mqtt.MqttClient; error: (Error & { code?: number }) | null }>((resolve) => {
    const client = mqtt.connect(ws, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000, wsOptions: { protocol: "mqtt" } as any, ...opts });
    client.once("connect", () => resolve({ client, error: null }));
    client.once("error", (error) => resolve({ client, error }));
  });
}

test("WebSocket, MQTT 5 : commandes reçues, battements transmis, abonnement à un autre poste refusé (0x87)", async () => {
  const k = await enrolKiosk(f, "ws5-pc1");
  const { client, error } = await connectWs({ clientId: k.workstationId, username: k.username, password: k.password });
  expect(error).toBeNull();
  const got: string[] = [];
  client.on("message", (_t, p) => got.push(p.toString()));
  await client.subscribeAsync(topic(k.orgId, k.workstationId, "cmd"), { qos: 1 });
  const r = await f.app.owner.post(`/api/epn/workstations/${k.workstationId}/commands`, { type: "message", text: "Par WebSocket en MQTT 5" });
  expect(r.status).toBe(200);
  await until(() => got.length > 0, 5000, "commande reçue");
  expect(JSON.parse(got[0]!).text).toBe("Par WebSocket en MQTT 5");
  const before = f.svc.link.stats.heartbeats;
  await client.publishAsync(topic(k.orgId, k.workstationId, "heartbeat"), hb(0), { qos: 1 });
  await until(() => f.svc.link.stats.heartbeats === before + 1, 3000, "battement reçu");
  let granted: number[] = [];
  try {
    await client.subscribeAsync(topic(k.orgId, "autre-poste", "cmd"), { qos: 1 });
  } catch (e) {
    granted = (e as { packet: { granted: number[] } }).packet.granted;
  }
  expect(granted).toEqual([0x87]);
  await client.endAsync();
});

test("WebSocket, MQTT 5 : mauvais secret refusé (0x86)", async () => {
  const k = await enrolKiosk(f, "ws5-pc2");
  const { client, error } = await connectWs({ clientId: k.workstationId, username: k.username, password: "gws_faux" });
  expect(error?.code).toBe(0x86);
  client.end(true);
});

test("TLS, MQTT 5 : mosquitto vérifiant le certificat publie et reçoit ; mauvais secret refusé", async () => {
  const k = await enrolKiosk(f, "tls5-pc");
  const base = ["-h", "127.0.0.1", "-p", String(f.port), "--cafile", cert, "-V", "mqttv5", "-i", k.workstationId, "-u", k.username];
  const before = f.svc.link.stats.heartbeats;
  const pub = await mosquitto(["mosquitto_pub", ...base, "-P", k.password, "-t", topic(k.orgId, k.workstationId, "heartbeat"), "-q", "1", "-m", hb(1)]);
  expect(pub.err).toBe("");
  await until(() => f.svc.link.stats.heartbeats === before + 1, 3000, "battement reçu en TLS");
  const sub = subscriber([...base, "-P", k.password, "-t", topic(k.orgId, k.workstationId, "cmd")]);
  await until(() => f.svc.broker!.isConnected(k.workstationId), 5000, "connexion TLS");
  await f.app.owner.post(`/api/epn/workstations/${k.workstationId}/commands`, { type: "lock" });
  await until(() => sub.lines().length > 0, 5000, "commande reçue en TLS");
  expect(JSON.parse(sub.lines()[0]!).type).toBe("lock");
  await sub.stop();
  const bad = await mosquitto(["mosquitto_pub", ...base, "-P", "gws_faux", "-t", topic(k.orgId, k.workstationId, "heartbeat"), "-m", hb(2)]);
  expect(bad.code).toBe(134);
});
