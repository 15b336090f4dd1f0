// The broker seen from Debian's mosquitto clients: credentials, per-workstation ACL, malformed payloads.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { topic } from "../../../../agent/protocol";
import type { Enrolled } from "../enrolment";
import { creds, enrolKiosk, mosquitto, mqttFixture, subscriber, until, type MqttFixture } from "./fixture";

let f: MqttFixture;
let a: Enrolled;
let b: Enrolled;

beforeAll(async () => {
  f = await mqttFixture();
  a = await enrolKiosk(f, "salle-pc1");
  b = await enrolKiosk(f, "salle-pc2");
});
afterAll(() => f.stop());

const hb = (seq: number) => JSON.stringify({ v: 1, seq, at: new Date().toISOString(), uptimeS: seq, session: null });

describe("authentification", () => {
  test.each([
    ["mauvais mot de passe", (k: Enrolled) => ["-i", k.workstationId, "-u", k.username, "-P", "gws_faux"]],
    ["secret d'un autre poste", (k: Enrolled) => ["-i", k.workstationId, "-u", k.username, "-P", b.password]],
    ["utilisateur inconnu", (k: Enrolled) => ["-i", "inconnu", "-u", "inconnu", "-P", k.password]],
    ["sans identifiants", (k: Enrolled) => ["-i", k.workstationId]],
  ])("%s : connexion refusée", async (_label, args) => {
    const r = await mosquitto(["mosquitto_sub", "-h", "127.0.0.1", "-p", String(f.port), "-V", "mqttv311", ...args(a), "-t", topic(a.orgId, a.workstationId, "cmd"), "-C", "1", "-W", "3"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/bad user name or password|not authori[sz]ed/i);
  });

  test("identifiant de client différent du poste : refusé", async () => {
    const r = await mosquitto(["mosquitto_sub", "-h", "127.0.0.1", "-p", String(f.port), "-V", "mqttv311", "-i", "autre-id", "-u", a.username, "-P", a.password, "-t", topic(a.orgId, a.workstationId, "cmd"), "-C", "1", "-W", "3"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/identifier rejected/i);
  });

  // MQTT 5 clients get the same authentication and ACL through the v5 front end: see mqtt5-clients.test.ts.

  test("bons identifiants : le poste reçoit les commandes de l'animateur", async () => {
    const sub = subscriber([...creds(f.port, a), "-t", topic(a.orgId, a.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(a.workstationId), 5000, "connexion du poste");
    const r = await f.app.owner.post(`/api/epn/workstations/${a.workstationId}/commands`, { type: "message", text: "La salle ferme dans 10 minutes" });
    expect(r.status).toBe(200);
    await until(() => sub.lines().length > 0, 5000, "commande reçue");
    const cmd = JSON.parse(sub.lines()[0]!);
    expect(cmd).toMatchObject({ v: 1, type: "message", text: "La salle ferme dans 10 minutes", id: r.body.command.id });
    await sub.stop();
  });
});

describe("ACL : un poste ne lit ni n'écrit les sujets d'un autre", () => {
  test("s'abonner aux commandes d'un autre poste est refusé", async () => {
    const r = await mosquitto(["mosquitto_sub", ...creds(f.port, a), "-t", topic(b.orgId, b.workstationId, "cmd"), "-C", "1", "-W", "3"]);
    expect(r.err).toMatch(/denied/i);
    expect(r.out).toBe("");
  });

  // Topics are built inside the test: the kiosks are enrolled in beforeAll.
  test.each([
    ["tout", () => "guichet/#"],
    ["les commandes de tous les postes", () => `guichet/${a.orgId}/ws/+/cmd`],
    ["son propre statut (réservé à l'appliance)", () => topic(a.orgId, a.workstationId, "status")],
    ["$SYS", () => "$SYS/#"],
  ])("abonnement refusé : %s", async (_label, t) => {
    const r = await mosquitto(["mosquitto_sub", ...creds(f.port, a), "-t", t(), "-C", "1", "-W", "3"]);
    expect(r.err).toMatch(/denied/i);
  });

  test("publier sur les sujets d'un autre poste : rien n'arrive, ni au poste ni à l'appliance", async () => {
    const sub = subscriber([...creds(f.port, b), "-t", topic(b.orgId, b.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(b.workstationId), 5000, "connexion du poste B");
    const before = { ...f.svc.link.stats };
    const denied = f.svc.broker!.stats.deniedTopics;
    const fakeCmd = JSON.stringify({ v: 1, id: "x1", type: "logout" });
    await mosquitto(["mosquitto_pub", ...creds(f.port, a), "-t", topic(b.orgId, b.workstationId, "cmd"), "-q", "1", "-m", fakeCmd]);
    await mosquitto(["mosquitto_pub", ...creds(f.port, a), "-t", topic(b.orgId, b.workstationId, "heartbeat"), "-q", "1", "-m", hb(1)]);
    await until(() => f.svc.broker!.stats.deniedTopics >= denied + 2, 3000, "refus comptés");
    await Bun.sleep(300);
    expect(sub.lines()).toEqual([]);
    expect(f.svc.link.stats.heartbeats).toBe(before.heartbeats);
    await sub.stop();
  });
});

describe("messages invalides", () => {
  test("un message mal formé est écarté, la connexion et le broker continuent", async () => {
    const hbBefore = f.svc.link.stats.heartbeats;
    const droppedBefore = f.svc.broker!.stats.dropped;
    // One connection (-l: one message per stdin line): garbage, wrong schema, oversized, then a valid heartbeat.
    const lines = ["{pas du json", JSON.stringify({ v: 1, seq: -4 }), JSON.stringify({ v: 1, seq: 1, at: "x".repeat(2000) }), hb(7)].join("\n") + "\n";
    const r = await mosquitto(["mosquitto_pub", ...creds(f.port, a), "-t", topic(a.orgId, a.workstationId, "heartbeat"), "-q", "1", "-l"], { stdin: lines });
    expect(r.code).toBe(0);
    await until(() => f.svc.link.stats.heartbeats === hbBefore + 1, 3000, "battement valide reçu");
    expect(f.svc.broker!.stats.dropped).toBe(droppedBefore + 3);
    // And the broker still serves everyone: B gets a command.
    const sub = subscriber([...creds(f.port, b), "-t", topic(b.orgId, b.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(b.workstationId), 5000, "connexion du poste B");
    await f.app.owner.post(`/api/epn/workstations/${b.workstationId}/commands`, { type: "lock" });
    await until(() => sub.lines().length > 0, 5000, "commande reçue par B");
    expect(JSON.parse(sub.lines()[0]!).type).toBe("lock");
    await sub.stop();
  });

  test("un statut retenu mal formé n'est pas conservé", async () => {
    await mosquitto(["mosquitto_pub", ...creds(f.port, a), "-t", topic(a.orgId, a.workstationId, "status"), "-r", "-q", "1", "-m", "{\"v\":1,\"state\":\"pirate\"}"]);
    const retained = async () => {
      const got: string[] = [];
      for await (const p of (f.svc.broker!.aedes as any).persistence.createRetainedStreamCombi([topic(a.orgId, a.workstationId, "status")]) as AsyncIterable<{ payload: Buffer }>) got.push(p.payload.toString());
      return got;
    };
    // The broker stores a retained message just after its PUBACK: give it time before looking.
    await Bun.sleep(300);
    expect(await retained()).toEqual([]);
    // The same with a valid status is kept (the check above is not vacuous).
    await mosquitto(["mosquitto_pub", ...creds(f.port, a), "-t", topic(a.orgId, a.workstationId, "status"), "-r", "-q", "1", "-m", "{\"v\":1,\"state\":\"free\"}"]);
    let got: string[] = [];
    await until(async () => (got = await retained()).length > 0, 3000, "statut retenu");
    expect(got.map((p) => JSON.parse(p).state)).toEqual(["free"]);
  });
});

describe("révocation", () => {
  test("révoquer un poste coupe sa connexion et refuse la suivante", async () => {
    const k = await enrolKiosk(f, "salle-pc9");
    const sub = subscriber([...creds(f.port, k), "-t", topic(k.orgId, k.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(k.workstationId), 5000, "connexion");
    const r = await f.app.owner.post(`/api/mqtt/workstations/${k.workstationId}/revoke`);
    expect(r.status).toBe(200);
    await until(() => !f.svc.broker!.isConnected(k.workstationId), 3000, "déconnexion");
    await sub.stop();
    const again = await mosquitto(["mosquitto_sub", ...creds(f.port, k), "-t", topic(k.orgId, k.workstationId, "cmd"), "-C", "1", "-W", "3"]);
    expect(again.err).toMatch(/bad user name or password|not authori[sz]ed/i);
  });

  test("renouveler le secret depuis l'EPN coupe l'ancienne connexion", async () => {
    const k = await enrolKiosk(f, "salle-pc10");
    const sub = subscriber([...creds(f.port, k), "-t", topic(k.orgId, k.workstationId, "cmd")]);
    await until(() => f.svc.broker!.isConnected(k.workstationId), 5000, "connexion");
    const r = await f.app.owner.post(`/api/epn/workstations/${k.workstationId}/token`);
    expect(r.status).toBe(200);
    await until(() => !f.svc.broker!.isConnected(k.workstationId), 3000, "déconnexion");
    await sub.stop();
  });
});
