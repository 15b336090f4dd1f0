// Retained messages found by topic (retained-index.ts): the MQTT matching rules, and a real kiosk connection that
// gets exactly the retained messages of the topics it subscribes to, with many other kiosks' statuses stored.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { topic } from "../../../agent/protocol";
import type { Enrolled } from "./enrolment";
import { creds, enrolKiosk, mosquitto, mqttFixture, subscriber, until, type MqttFixture } from "./test/fixture";
import { RetainedIndex, topicMatches } from "./retained-index";

describe("filtres de sujets MQTT", () => {
  test.each([
    ["a/b/c", "a/b/c", true],
    ["a/b/c", "a/b", false],
    ["a/b", "a/b/c", false],
    ["a/+/c", "a/x/c", true],
    ["a/+/c", "a/x/y/c", false],
    ["a/+", "a/", true],
    ["a/#", "a", true],
    ["a/#", "a/b/c", true],
    ["#", "a/b", true],
    ["+/b", "a/b", true],
    ["#", "$SYS/x", false],
    ["+/x", "$SYS/x", false],
    ["$SYS/#", "$SYS/x", true],
    ["a/b/c", "a/b/d", false],
  ])("%s sur %s : %p", (filter, t, expected) => expect(topicMatches(filter, t)).toBe(expected));
});

describe("index des messages retenus", () => {
  const pkt = (t: string, body: string) => ({ cmd: "publish", topic: t, payload: Buffer.from(body), qos: 1, retain: true });

  test("un sujet exact, des jokers, un message vide qui efface, une copie gardée", () => {
    const r = new RetainedIndex();
    const a = pkt("g/o/ws/a/status", "A");
    r.store(a);
    r.store(pkt("g/o/ws/b/status", "B"));
    r.store(pkt("g/o/ws/b/status", "B2"));
    a.topic = "changé après coup";
    expect(r.match(["g/o/ws/a/status"]).map((p) => p.payload.toString())).toEqual(["A"]);
    expect(r.match(["g/o/ws/+/status"]).map((p) => p.payload.toString())).toEqual(["A", "B2"]);
    expect(r.match(["g/o/ws/a/status", "g/#"]).map((p) => p.payload.toString())).toEqual(["A", "A", "B2"]);
    expect(r.match(["g/o/ws/c/status"])).toEqual([]);
    r.store({ ...pkt("g/o/ws/a/status", ""), payload: Buffer.alloc(0) });
    expect(r.match(["g/#"]).map((p) => p.payload.toString())).toEqual(["B2"]);
    expect(r.size).toBe(1);
  });
});

describe("avec le broker", () => {
  let f: MqttFixture;
  let k: Enrolled;
  beforeAll(async () => {
    f = await mqttFixture();
    k = await enrolKiosk(f, "retenu-pc1");
  });
  afterAll(() => f.stop());

  const publish = (t: string, body: string) =>
    new Promise<void>((r) => f.svc.broker!.aedes.publish({ cmd: "publish", topic: t, payload: Buffer.from(body), qos: 1, retain: true, dup: false } as any, () => r()));

  test("un poste qui s'abonne reçoit le message retenu de son sujet, et seulement lui, parmi 500 autres", async () => {
    for (let i = 0; i < 500; i++) await publish(topic(k.orgId, `autre-${i}`, "status"), `{"v":1,"state":"free","i":${i}}`);
    // A retained command for this kiosk (what a retained message on its own topic looks like to it).
    await publish(topic(k.orgId, k.workstationId, "cmd"), '{"retenu":1}');
    const sub = subscriber([...creds(f.port, k), "-t", topic(k.orgId, k.workstationId, "cmd"), "-t", topic(k.orgId, k.workstationId, "res"), "-q", "1", "-F", "%r %t %p"]);
    try {
      await until(() => sub.lines().length > 0, 5000, "message retenu reçu");
      await Bun.sleep(300);
      expect(sub.lines()).toEqual([`1 ${topic(k.orgId, k.workstationId, "cmd")} {"retenu":1}`]);
    } finally {
      await sub.stop();
    }
    // Cleared (empty retained message): the next subscription gets nothing.
    await new Promise<void>((r) => f.svc.broker!.aedes.publish({ cmd: "publish", topic: topic(k.orgId, k.workstationId, "cmd"), payload: Buffer.alloc(0), qos: 0, retain: true, dup: false } as any, () => r()));
    const again = await mosquitto(["mosquitto_sub", ...creds(f.port, k), "-t", topic(k.orgId, k.workstationId, "cmd"), "-W", "1", "-q", "1"]);
    expect(again.out).toBe("");
  });
});
