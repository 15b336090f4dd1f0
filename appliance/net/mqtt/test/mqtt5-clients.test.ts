// MQTT 5 kiosks seen from real clients (Debian's mosquitto clients with -V mqttv5, MQTT.js with protocolVersion 5):
// same credentials and ACL as 3.1.1, with MQTT 5's reason codes where 3.1.1 could only cut the connection.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import mqtt from "mqtt";
import { topic } from "../../../../agent/protocol";
import type { Enrolled } from "../enrolment";
import { creds, enrolKiosk, mosquitto, mqttFixture, subscriber, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let a: Enrolled;
let b: Enrolled;
beforeAll(async () => {
  f = await mqttFixture();
  a = await enrolKiosk(f, "v5-pc1");
  b = await enrolKiosk(f, "v5-pc2");
});
afterAll(() => f.stop());

/** mosquitto client flags for a kiosk, in MQTT 5. */
const v5 = (k: Pick<Enrolled, "workstationId" | "username" | "password">) => ["-h", "127.0.0.1", "-p", String(f.port), "-i", k.workstationId, "-u", k.username, "-P", k.password, "-V", "mqttv5"];
const hb = (seq: number) => JSON.stringify({ v: 1, seq, at: new Date().toISOString(), uptimeS: seq, session: null });

/** An MQTT.js client in MQTT 5; resolves once connected or refused. */
function connect5(k: Pick<Enrolled, "workstationId" | "username" | "password">, opts: mqtt.IClientOptions = {}) {
  return new Promise<{ client: mqtt.MqttClient; error: (Error & { code?: number }) | null }>((resolve) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${f.port}`, { protocolVersion: 5, clientId: k.workstationId, username: k.username, password: k.password, reconnectPeriod: 0, connectTimeout: 3000, ...opts });
    client.once("connect", () => resolve({ client, error: null }));
    client.once("error", (error) => resolve({ client, error }));
  });
}

/** What the appliance's side (in-process, like the EPN link) receives on a topic. */
function tap(t: string) {
  const got: string[] = [];
  f.svc.broker!.aedes.subscribe(t, (p, cb) => (got.push(p.payload.toString()), cb()), () => {});
  return got;
}

/** The retained messages the broker stores for a topic. */
async function retained(t: string) {
  const got: string[] = [];
  for await (const p of (f.svc.broker!.aedes as any).persistence.createRetainedStreamCombi([t]) as AsyncIterable<{ payload: Buffer }>) got.push(p.payload.toString());
  return got;
}

describe("authentification en MQTT 5", () => {
  test.each([
    ["mauvais mot de passe", () => ({ ...a, password: "gws_faux" }), 134, /Bad User Name or Password/],
    ["secret d'un autre poste", () => ({ ...a, password: b.password }), 134, /Bad User Name or Password/],
    ["utilisateur inconnu", () => ({ ...a, username: "inconnu" }), 134, /Bad User Name or Password/],
    ["identifiant de client différent du poste", () => ({ ...a, workstationId: "autre-id" }), 133, /Client Identifier not valid/],
  ])("%s : CONNACK refusé (mosquitto et MQTT.js)", async (_label, who, code, text) => {
    const r = await mosquitto(["mosquitto_sub", ...v5(who()), "-t", topic(a.orgId, a.workstationId, "cmd"), "-C", "1", "-W", "3"]);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(text);
    const { client, error } = await connect5(who());
    expect(error?.code).toBe(code);
    client.end(true);
    expect(f.svc.broker!.isConnected(a.workstationId)).toBe(false);
  });

  test("sans identifiants : refusé (0x86)", async () => {
    const r = await mosquitto(["mosquitto_sub", "-h", "127.0.0.1", "-p", String(f.port), "-V", "mqttv5", "-i", a.workstationId, "-t", "x", "-C", "1", "-W", "3"]);
    expect(r.code).toBe(134);
  });

  test("bons identifiants : le poste MQTT 5 reçoit la commande de l'animateur et ses battements arrivent", async () => {
    const sub = subscriber([...v5(a), "-t", topic(a.orgId, a.workstationId, "cmd"), "-q", "1"]);
    await until(() => f.svc.broker!.isConnected(a.workstationId), 5000, "connexion du poste");
    const r = await f.app.owner.post(`/api/epn/workstations/${a.workstationId}/commands`, { type: "message", text: "Fermeture dans 10 minutes" });
    expect(r.status).toBe(200);
    await until(() => sub.lines().length > 0, 5000, "commande reçue");
    expect(JSON.parse(sub.lines()[0]!)).toMatchObject({ type: "message", text: "Fermeture dans 10 minutes", id: r.body.command.id });
    await sub.stop();
    const before = f.svc.link.stats.heartbeats;
    const p = await mosquitto(["mosquitto_pub", ...v5(a), "-t", topic(a.orgId, a.workstationId, "heartbeat"), "-q", "1", "-m", hb(1)]);
    expect(p.code).toBe(0);
    await until(() => f.svc.link.stats.heartbeats === before + 1, 3000, "battement reçu");
  });
});

describe("ACL en MQTT 5 : un poste ne lit ni n'écrit les sujets d'un autre", () => {
  test.each([
    ["les commandes d'un autre poste", () => topic(b.orgId, b.workstationId, "cmd")],
    ["tout", () => "guichet/#"],
    ["son propre statut (réservé à l'appliance)", () => topic(a.orgId, a.workstationId, "status")],
    ["$SYS", () => "$SYS/#"],
  ])("abonnement refusé (SUBACK 0x87) : %s", async (_label, t) => {
    const r = await mosquitto(["mosquitto_sub", ...v5(a), "-t", t(), "-C", "1", "-W", "3"]);
    expect(r.err).toMatch(/subscription requests were denied/i);
    expect(r.out).toBe("");
    const { client } = await connect5(a);
    let packet: any = null;
    try {
      await client.subscribeAsync(t(), { qos: 1 });
    } catch (e) {
      packet = (e as { packet?: unknown }).packet;
    }
    expect(packet?.granted).toEqual([0x87]);
    await client.endAsync();
  });

  test("publier sur les sujets d'un autre poste : PUBACK 0x87, rien n'arrive, la connexion reste ouverte", async () => {
    const sub = subscriber([...creds(f.port, b), "-t", topic(b.orgId, b.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(b.workstationId), 5000, "connexion du poste B (3.1.1)");
    const heartbeats = f.svc.link.stats.heartbeats;
    const r = await mosquitto(["mosquitto_pub", ...v5(a), "-t", topic(b.orgId, b.workstationId, "cmd"), "-q", "1", "-m", JSON.stringify({ v: 1, id: "x1", type: "logout" })]);
    expect(r.err).toMatch(/Publish 1 failed: Not authorized/);
    const { client } = await connect5(a);
    const codes: number[] = [];
    for (const kind of ["cmd", "heartbeat"] as const) {
      try {
        await client.publishAsync(topic(b.orgId, b.workstationId, kind), kind === "cmd" ? "{}" : hb(2), { qos: 1 });
      } catch (e) {
        codes.push((e as { code: number }).code);
      }
    }
    expect(codes).toEqual([0x87, 0x87]);
    // Unlike 3.1.1, the same connection goes on: its own heartbeat still gets through.
    expect(client.connected).toBe(true);
    await client.publishAsync(topic(a.orgId, a.workstationId, "heartbeat"), hb(3), { qos: 1 });
    await until(() => f.svc.link.stats.heartbeats === heartbeats + 1, 3000, "battement du poste A");
    await Bun.sleep(200);
    expect(sub.lines()).toEqual([]);
    await client.endAsync();
    await sub.stop();
  });

  test("message invalide : PUBACK 0x99, écarté, compté ; le suivant passe", async () => {
    const dropped = f.svc.broker!.stats.dropped;
    const heartbeats = f.svc.link.stats.heartbeats;
    const { client } = await connect5(a);
    let code = 0;
    try {
      await client.publishAsync(topic(a.orgId, a.workstationId, "heartbeat"), "{pas du json", { qos: 1 });
    } catch (e) {
      code = (e as { code: number }).code;
    }
    expect(code).toBe(0x99);
    expect(f.svc.broker!.stats.dropped).toBe(dropped + 1);
    await client.publishAsync(topic(a.orgId, a.workstationId, "heartbeat"), hb(4), { qos: 1 });
    await until(() => f.svc.link.stats.heartbeats === heartbeats + 1, 3000, "battement valide");
    await client.endAsync();
  });
});

describe("retenus et dernière volonté en MQTT 5", () => {
  test("statut retenu : conservé par le broker et reçu par l'appliance ; un statut invalide n'est pas conservé", async () => {
    const t = topic(a.orgId, a.workstationId, "status");
    const seen = tap(t);
    const bad = await mosquitto(["mosquitto_pub", ...v5(a), "-t", t, "-r", "-q", "1", "-m", '{"v":1,"state":"pirate"}']);
    expect(bad.err).toMatch(/Payload format invalid/);
    const ok = await mosquitto(["mosquitto_pub", ...v5(a), "-t", t, "-r", "-q", "1", "-m", '{"v":1,"state":"free"}']);
    expect(ok.code).toBe(0);
    await until(async () => (await retained(t)).length > 0, 3000, "statut retenu");
    expect((await retained(t)).map((p) => JSON.parse(p).state)).toEqual(["free"]);
    expect(seen.map((p) => JSON.parse(p).state)).toEqual(["free"]);
  });

  test("un message retenu est remis à l'abonnement d'un poste MQTT 5, avec son drapeau retain", async () => {
    const t = topic(b.orgId, b.workstationId, "res");
    await new Promise<void>((r) => f.svc.broker!.aedes.publish({ cmd: "publish", topic: t, payload: Buffer.from('{"retenu":1}'), qos: 1, retain: true, dup: false } as any, () => r()));
    const { client } = await connect5(b);
    const got: { payload: string; retain: boolean }[] = [];
    client.on("message", (_t, p, packet) => got.push({ payload: p.toString(), retain: packet.retain }));
    await client.subscribeAsync(t, { qos: 1 });
    await until(() => got.length > 0, 3000, "message retenu");
    expect(got).toEqual([{ payload: '{"retenu":1}', retain: true }]);
    await client.endAsync();
    await new Promise<void>((r) => f.svc.broker!.aedes.publish({ cmd: "publish", topic: t, payload: Buffer.alloc(0), qos: 0, retain: true, dup: false } as any, () => r()));
  });

  test("dernière volonté : gardée après une déconnexion normale, publiée après DISCONNECT 0x04 et après une coupure brutale", async () => {
    const t = topic(a.orgId, a.workstationId, "status");
    const seen = tap(t);
    const offline = '{"v":1,"state":"offline"}';
    // MQTT.js end(): DISCONNECT 0x00, the will is dropped.
    const { client } = await connect5(a, { will: { topic: t, payload: Buffer.from(offline), qos: 1, retain: true } });
    await client.endAsync();
    await until(() => !f.svc.broker!.isConnected(a.workstationId), 3000, "déconnexion");
    await Bun.sleep(200);
    expect(seen).toEqual([]);
    const will = ["--will-topic", t, "--will-payload", offline, "--will-qos", "1", "--will-retain", "-t", topic(a.orgId, a.workstationId, "cmd")];
    // mosquitto_sub stopped by SIGTERM says DISCONNECT 0x04 ("with will message") when it has a will.
    const asked = subscriber([...v5(a), ...will]);
    await until(() => f.svc.broker!.isConnected(a.workstationId), 5000, "connexion");
    await asked.stop();
    await until(() => seen.length === 1, 3000, "volonté après DISCONNECT 0x04");
    // SIGKILL: the socket just closes.
    const killed = subscriber([...v5(a), ...will]);
    await until(() => f.svc.broker!.isConnected(a.workstationId), 5000, "connexion");
    killed.proc.kill("SIGKILL");
    await until(() => seen.length === 2, 3000, "volonté après coupure brutale");
    expect(seen.map((p) => JSON.parse(p))).toEqual([{ v: 1, state: "offline" }, { v: 1, state: "offline" }]);
    expect(f.svc.broker!.isConnected(a.workstationId)).toBe(false);
    await until(async () => (await retained(t)).some((p) => p.includes("offline")), 3000, "volonté retenue");
  });
});

describe("fin de connexion décidée par le broker : le client MQTT 5 reçoit la raison", () => {
  test("un client 3.1.1 prend la place d'un client 5 du même poste : DISCONNECT 0x8E", async () => {
    const { client } = await connect5(b);
    const reason = new Promise<number | undefined>((r) => client.once("disconnect", (p) => r(p.reasonCode)));
    await until(() => f.svc.broker!.isConnected(b.workstationId), 3000, "connexion v5");
    const sub = subscriber([...creds(f.port, b), "-t", topic(b.orgId, b.workstationId, "cmd")]);
    expect(await reason).toBe(0x8e);
    await until(() => f.svc.broker!.isConnected(b.workstationId), 3000, "connexion 3.1.1");
    await sub.stop();
    client.end(true);
  });

  test("révocation du poste : DISCONNECT 0x98, puis refus", async () => {
    const k = await enrolKiosk(f, "v5-pc9");
    const { client } = await connect5(k);
    const reason = new Promise<number | undefined>((r) => client.once("disconnect", (p) => r(p.reasonCode)));
    await until(() => f.svc.broker!.isConnected(k.workstationId), 3000, "connexion");
    expect((await f.app.owner.post(`/api/mqtt/workstations/${k.workstationId}/revoke`)).status).toBe(200);
    expect(await reason).toBe(0x98);
    client.end(true);
    const again = await connect5(k);
    expect(again.error?.code).toBe(0x86);
    again.client.end(true);
  });
});
