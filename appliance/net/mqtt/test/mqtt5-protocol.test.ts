// The MQTT 5 front end packet by packet (a bare client that can send anything): malformed packets, keep-alive,
// and the clear answers to what the broker does not support (topic aliases, AUTH, shared subscriptions…).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import mqtt from "mqtt-packet";
import { topic } from "../../../../agent/protocol";
import type { Enrolled } from "../enrolment";
import { enrolKiosk, mqttFixture, subscriber, creds, until, type MqttFixture } from "./fixture";
import { connectPacket, rawV5, type RawV5 } from "./mqtt5-raw";

let f: MqttFixture;
let a: Enrolled;
let b: Enrolled;
const open: RawV5[] = [];
beforeAll(async () => {
  f = await mqttFixture();
  a = await enrolKiosk(f, "brut-pc1");
  b = await enrolKiosk(f, "brut-pc2");
});
afterAll(async () => {
  for (const c of open) c.close();
  await f.stop();
});

const hb = (seq: number) => Buffer.from(JSON.stringify({ v: 1, seq, at: new Date().toISOString(), uptimeS: seq, session: null }));

/** A raw v5 connection of kiosk `k`, CONNECT sent (with `extra` fields) and CONNACK awaited. */
async function connected(k: Enrolled, extra: Record<string, unknown> = {}) {
  const c = await rawV5(f.port);
  open.push(c);
  c.send(connectPacket(k, extra));
  const connack = await c.next("connack");
  return { c, connack };
}

describe("paquets mal formés", () => {
  test("un paquet MQTT 5 mal formé : DISCONNECT 0x81, connexion fermée, le broker sert toujours les autres", async () => {
    const { c, connack } = await connected(a);
    expect(connack.reasonCode).toBe(0);
    // A PUBLISH whose property block holds an unknown property id (0x7F).
    const t = Buffer.from(topic(a.orgId, a.workstationId, "heartbeat"));
    c.send(Buffer.concat([Buffer.from([0x30, 2 + t.length + 3]), Buffer.from([0, t.length]), t, Buffer.from([2, 0x7f, 0])]));
    const disc = await c.next("disconnect");
    expect(disc.reasonCode).toBe(0x81);
    await c.waitClosed();
    expect(f.svc.broker!.isConnected(a.workstationId)).toBe(false);
    // Another kiosk (3.1.1) still gets its commands.
    const sub = subscriber([...creds(f.port, b), "-t", topic(b.orgId, b.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(b.workstationId), 5000, "connexion du poste B");
    await f.svc.broker!.publish(b, "cmd", JSON.stringify({ v: 1, id: "c1", type: "lock" }));
    await until(() => sub.lines().length > 0, 3000, "commande reçue par B");
    await sub.stop();
  });

  test("un CONNECT MQTT 5 tronqué puis illisible : fermé sans CONNACK", async () => {
    const c = await rawV5(f.port);
    open.push(c);
    // Fixed header, "MQTT", version 5, then a property length that runs past the packet.
    c.send(Buffer.from([0x10, 12, 0, 4, 0x4d, 0x51, 0x54, 0x54, 5, 2, 0, 30, 0x7f, 0xff]));
    await c.waitClosed();
    expect(c.packets.filter((p) => p.cmd === "connack")).toEqual([]);
  });

  test("un CONNECT reçu octet par octet est bien lu (détection de version sur plusieurs segments)", async () => {
    const c = await rawV5(f.port);
    open.push(c);
    for (const byte of mqtt.generate(connectPacket(a), { protocolVersion: 5 })) {
      c.send(Uint8Array.of(byte));
      await Bun.sleep(1);
    }
    expect((await c.next("connack")).reasonCode).toBe(0);
    c.close();
  });

  test("un second CONNECT : DISCONNECT 0x82 (erreur de protocole)", async () => {
    const { c } = await connected(a);
    c.send(connectPacket(a));
    expect((await c.next("disconnect")).reasonCode).toBe(0x82);
    await c.waitClosed();
  });
});

describe("détection de la version", () => {
  test("MQTT 3.1 (MQIsdp) passe toujours par aedes : le poste reçoit sa commande", async () => {
    const sub = subscriber([...creds(f.port, b).slice(0, -2), "-V", "mqttv31", "-t", topic(b.orgId, b.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(b.workstationId), 5000, "connexion en 3.1");
    await f.svc.broker!.publish(b, "cmd", JSON.stringify({ v: 1, id: "c31", type: "lock" }));
    await until(() => sub.lines().length > 0, 3000, "commande reçue en 3.1");
    expect(JSON.parse(sub.lines()[0]!).id).toBe("c31");
    await sub.stop();
  });

  test("des octets qui ne sont pas un CONNECT (une requête HTTP) : connexion fermée", async () => {
    const c = await rawV5(f.port);
    open.push(c);
    c.send(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await c.waitClosed();
    expect(c.packets).toEqual([]);
  });
});

describe("maintien de connexion et dernière volonté", () => {
  test("keep-alive de 1 s sans rien envoyer : DISCONNECT 0x8D et la volonté part", async () => {
    const t = topic(a.orgId, a.workstationId, "status");
    const seen: string[] = [];
    f.svc.broker!.aedes.subscribe(t, (p, cb) => (seen.push(p.payload.toString()), cb()), () => {});
    const { c } = await connected(a, { keepalive: 1, will: { topic: t, payload: Buffer.from('{"v":1,"state":"offline"}'), qos: 1, retain: false } });
    expect((await c.next("disconnect", 4000)).reasonCode).toBe(0x8d);
    await c.waitClosed();
    await until(() => seen.length > 0, 2000, "dernière volonté");
  });

  test("des paquets envoyés avant le CONNACK attendent l'authentification puis sont servis", async () => {
    const c = await rawV5(f.port);
    open.push(c);
    c.send(Buffer.concat([mqtt.generate(connectPacket(a), { protocolVersion: 5 }), mqtt.generate({ cmd: "subscribe", messageId: 7, subscriptions: [{ topic: topic(a.orgId, a.workstationId, "cmd"), qos: 1 }] }, { protocolVersion: 5 })]));
    expect((await c.next("connack")).reasonCode).toBe(0);
    expect((await c.next("suback")).granted).toEqual([1]);
    c.close();
  });
});

describe("ce qui n'est pas pris en charge est refusé clairement", () => {
  test("session persistante demandée : CONNACK sans session, expiration ramenée à 0, options annoncées", async () => {
    const { c, connack } = await connected(a, { clean: false, properties: { sessionExpiryInterval: 3600 } });
    expect(connack).toMatchObject({ reasonCode: 0, sessionPresent: false });
    expect(connack.properties).toMatchObject({ sessionExpiryInterval: 0, topicAliasMaximum: 0, sharedSubscriptionAvailable: false, subscriptionIdentifiersAvailable: false, retainAvailable: true });
    c.close();
  });

  test("authentification étendue (AUTH) : CONNACK 0x8C", async () => {
    const { c, connack } = await connected(a, { properties: { authenticationMethod: "SCRAM-SHA-1" } });
    expect(connack.reasonCode).toBe(0x8c);
    await c.waitClosed();
  });

  test("alias de sujet : DISCONNECT 0x94", async () => {
    const { c } = await connected(a);
    c.send({ cmd: "publish", topic: topic(a.orgId, a.workstationId, "heartbeat"), payload: hb(1), qos: 0, retain: false, dup: false, properties: { topicAlias: 1 } });
    expect((await c.next("disconnect")).reasonCode).toBe(0x94);
    await c.waitClosed();
  });

  test("identifiant d'abonnement : DISCONNECT 0xA1", async () => {
    const { c } = await connected(a);
    c.send({ cmd: "subscribe", messageId: 1, properties: { subscriptionIdentifier: 5 }, subscriptions: [{ topic: topic(a.orgId, a.workstationId, "cmd"), qos: 1 }] });
    expect((await c.next("disconnect")).reasonCode).toBe(0xa1);
    await c.waitClosed();
  });

  test("SUBACK par filtre : partagé 0x9E, invalide 0x8F, autre poste 0x87, le sien accordé ; UNSUBACK 0x00 / 0x11", async () => {
    const { c } = await connected(a);
    const own = topic(a.orgId, a.workstationId, "cmd");
    c.send({ cmd: "subscribe", messageId: 2, subscriptions: [{ topic: `$share/g/${own}`, qos: 1 }, { topic: "guichet/#/x", qos: 1 }, { topic: topic(b.orgId, b.workstationId, "cmd"), qos: 1 }, { topic: own, qos: 1 }] });
    expect((await c.next("suback")).granted).toEqual([0x9e, 0x8f, 0x87, 0x01]);
    c.send({ cmd: "unsubscribe", messageId: 3, unsubscriptions: [own, topic(a.orgId, a.workstationId, "res")] });
    expect((await c.next("unsuback")).granted).toEqual([0x00, 0x11]);
    c.close();
  });
});

describe("qualité de service et taille maximale", () => {
  test("QoS 2 : PUBREC, PUBREL, PUBCOMP, et le battement arrive une fois", async () => {
    const before = f.svc.link.stats.heartbeats;
    const { c } = await connected(a);
    c.send({ cmd: "publish", topic: topic(a.orgId, a.workstationId, "heartbeat"), payload: hb(9), qos: 2, messageId: 11, retain: false, dup: false });
    expect(await c.next("pubrec")).toMatchObject({ messageId: 11, reasonCode: 0 });
    c.send({ cmd: "pubrel", messageId: 11 });
    expect(await c.next("pubcomp")).toMatchObject({ messageId: 11 });
    await until(() => f.svc.link.stats.heartbeats === before + 1, 2000, "battement");
    c.close();
  });

  test("Maximum Packet Size du client : un message trop grand ne lui est pas envoyé, le suivant oui", async () => {
    const { c } = await connected(a, { properties: { maximumPacketSize: 200 } });
    c.send({ cmd: "subscribe", messageId: 4, subscriptions: [{ topic: topic(a.orgId, a.workstationId, "cmd"), qos: 1 }] });
    await c.next("suback");
    await f.svc.broker!.publish(a, "cmd", JSON.stringify({ v: 1, id: "grand", type: "message", text: "x".repeat(300) }));
    await f.svc.broker!.publish(a, "cmd", JSON.stringify({ v: 1, id: "petit", type: "lock" }));
    const pub = await c.next("publish");
    expect(JSON.parse(pub.payload.toString()).id).toBe("petit");
    c.close();
  });
});
