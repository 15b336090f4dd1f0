// A client that sends many packets right behind its CONNECT, each in its own TCP segment, while the broker is still
// checking its credentials: every packet must be served once, in order (3.1.1 and 5). Under Bun a stream's read()
// returns one buffered chunk at a time, and aedes parsed the next chunk from inside the previous one's handling,
// which corrupted its parser; the broker's streams now hand aedes everything buffered at once.
import { afterAll, beforeAll, expect, test } from "bun:test";
import mqtt from "mqtt-packet";
import { topic } from "../../../../agent/protocol";
import type { Enrolled } from "../enrolment";
import { enrolKiosk, mqttFixture, until, type MqttFixture } from "./fixture";
import { connectPacket, rawV5 } from "./mqtt5-raw";

let f: MqttFixture;
let k: Enrolled;
beforeAll(async () => {
  f = await mqttFixture();
  k = await enrolKiosk(f, "rafale-pc");
});
afterAll(() => f.stop());

test.each([4, 5])("MQTT v%i : 30 battements envoyés à la suite du CONNECT, un segment chacun, tous reçus une fois", async (version) => {
  const before = f.svc.link.stats.heartbeats;
  const c = await rawV5(f.port);
  const opts = { protocolVersion: version };
  c.send(mqtt.generate({ ...connectPacket(k), protocolVersion: version } as mqtt.Packet, opts));
  for (let seq = 0; seq < 30; seq++) {
    const payload = Buffer.from(JSON.stringify({ v: 1, seq, at: new Date().toISOString(), uptimeS: seq, session: null }));
    c.send(mqtt.generate({ cmd: "publish", topic: topic(k.orgId, k.workstationId, "heartbeat"), payload, qos: 0, retain: false, dup: false }, opts));
    await Bun.sleep(1);
  }
  await until(() => f.svc.link.stats.heartbeats >= before + 30, 5000, "30 battements");
  await Bun.sleep(200);
  expect(f.svc.link.stats.heartbeats).toBe(before + 30);
  expect(f.svc.link.stats.heartbeatGaps).toBe(0);
  expect(f.svc.broker!.isConnected(k.workstationId)).toBe(true);
  c.close();
  await until(() => !f.svc.broker!.isConnected(k.workstationId), 3000, "déconnexion");
});
