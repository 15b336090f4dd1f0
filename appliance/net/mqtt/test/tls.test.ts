// With the appliance's certificate configured, the kiosks' MQTT link is TLS (mqtts) on the same port.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { topic } from "../../../../agent/protocol";
import { enrolKiosk, mqttFixture, mosquitto, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let cert: string;
beforeAll(async () => {
  const fx = await mqttFixture({ tls: true });
  f = fx;
  cert = fx.cert!;
});
afterAll(() => f.stop());

test("TLS : l'enrôlement annonce mqtts, un client vérifiant le certificat se connecte, un client en clair est refusé", async () => {
  const k = await enrolKiosk(f, "tls-pc");
  expect(k.mqtt.tls).toBe(true);
  const args = ["-h", "127.0.0.1", "-p", String(f.port), "-i", k.workstationId, "-u", k.username, "-P", k.password, "-t", topic(k.orgId, k.workstationId, "heartbeat"), "-q", "1", "-m", JSON.stringify({ v: 1, seq: 0, at: new Date().toISOString(), uptimeS: 0, session: null })];
  const before = f.svc.link.stats.heartbeats;
  const ok = await mosquitto(["mosquitto_pub", "--cafile", cert, ...args]);
  expect(ok.err).toBe("");
  expect(ok.code).toBe(0);
  await until(() => f.svc.link.stats.heartbeats === before + 1, 3000, "battement reçu en TLS");
  const plain = await mosquitto(["mosquitto_pub", ...args], { timeoutMs: 5000 });
  expect(plain.code).not.toBe(0);
});
