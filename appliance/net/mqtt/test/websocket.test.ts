// MQTT over WebSocket on the HTTP port (/mqtt), as browser-side tools use it: same credentials and ACL as TCP.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mqtt from "mqtt";
import { topic } from "../../../../agent/protocol";
import { enrolKiosk, mqttFixture, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let base: string;
beforeAll(async () => {
  f = await mqttFixture();
  f.app.app.listen({ hostname: "127.0.0.1", port: 0 });
  base = `ws://127.0.0.1:${f.app.app.server!.port}/mqtt`;
});
afterAll(async () => {
  await f.stop();
  await f.app.app.stop(true);
});

function connect(opts: mqtt.IClientOptions) {
  return new Promise<{ client: mqtt.MqttClient; error: Error | null }>((resolve) => {
    const client = mqtt.connect(base, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000, wsOptions: { protocol: "mqtt" } as any, ...opts });
    client.once("connect", () => resolve({ client, error: null }));
    client.once("error", (error) => resolve({ client, error }));
  });
}

test("un poste se connecte en WebSocket, reçoit ses commandes et publie ses battements", async () => {
  const k = await enrolKiosk(f, "ws-pc1");
  const { client, error } = await connect({ clientId: k.workstationId, username: k.username, password: k.password });
  expect(error).toBeNull();
  const got: string[] = [];
  client.on("message", (_t, p) => got.push(p.toString()));
  await client.subscribeAsync(topic(k.orgId, k.workstationId, "cmd"), { qos: 1 });
  const r = await f.app.owner.post(`/api/epn/workstations/${k.workstationId}/commands`, { type: "message", text: "Par WebSocket" });
  expect(r.status).toBe(200);
  await until(() => got.length > 0, 5000, "commande reçue");
  expect(JSON.parse(got[0]!).text).toBe("Par WebSocket");
  const before = f.svc.link.stats.heartbeats;
  await client.publishAsync(topic(k.orgId, k.workstationId, "heartbeat"), JSON.stringify({ v: 1, seq: 0, at: new Date().toISOString(), uptimeS: 1, session: null }), { qos: 1 });
  await until(() => f.svc.link.stats.heartbeats === before + 1, 3000, "battement reçu");
  // ACL is the same: another workstation's commands are refused.
  // (try/catch: bun's `.rejects` was seen to hang on mqtt.js's SUBACK error.)
  let refused = "";
  try {
    await client.subscribeAsync(topic(k.orgId, "autre-poste", "cmd"), { qos: 1 });
  } catch (e) {
    refused = (e as Error).message;
  }
  expect(refused).toMatch(/Subscribe error/);
  await client.endAsync();
});

test("mauvais secret en WebSocket : refusé", async () => {
  const k = await enrolKiosk(f, "ws-pc2");
  const { client, error } = await connect({ clientId: k.workstationId, username: k.username, password: "gws_faux" });
  expect(error?.message).toMatch(/Bad username or password|Not authorized/i);
  client.end(true);
});
