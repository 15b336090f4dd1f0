// The shared protocol: topic parsing and payload validation (what the broker lets through, what the agent applies).
import { describe, expect, test } from "bun:test";
import { decode, encode, parseTopic, topic, type Kind } from "../protocol";

const AT = "2026-03-02T09:00:00.000Z";

describe("sujets", () => {
  test("aller-retour topic() / parseTopic()", () => {
    expect(parseTopic(topic("org1", "ws-1", "heartbeat"))).toEqual({ orgId: "org1", workstationId: "ws-1", kind: "heartbeat" });
  });
  test.each(["guichet/o/ws/w", "guichet/o/ws/w/heartbeat/x", "autre/o/ws/w/status", "guichet/o/pc/w/status", "guichet/o/ws/w/inconnu", "guichet/o o/ws/w/status", "guichet/+/ws/w/status", "guichet//ws/w/status"])("refusé : %s", (t) => {
    expect(parseTopic(t)).toBeNull();
  });
});

describe("messages", () => {
  const valid: [Kind, unknown][] = [
    ["status", { v: 1, state: "offline" }],
    ["status", { v: 1, state: "in_use", at: AT, sessionId: "s1", remainingS: 120, agentVersion: "0.1.0", ip: "10.0.0.5", mac: "aa:bb:cc:dd:ee:ff" }],
    ["heartbeat", { v: 1, seq: 0, at: AT, uptimeS: 3, session: null }],
    ["heartbeat", { v: 1, seq: 9, at: AT, uptimeS: 3, session: { id: "s1", remainingS: 60 } }],
    ["heartbeat", { v: 1, seq: 10, at: AT, uptimeS: 4, session: { id: "s1", remainingS: 59 }, idleSeconds: 0 }],
    ["heartbeat", { v: 1, seq: 11, at: AT, uptimeS: 5, session: { id: "s1", remainingS: 58 }, idleSeconds: 7 * 24 * 3600 }],
    ["event", { v: 1, eventId: "e1", type: "session.ended", sessionId: "s1", reason: "time", endedAt: AT, offline: true }],
    ["event", { v: 1, eventId: "e2", type: "problem.reported", sessionId: null, category: "imprimante", text: "Bourrage", at: AT }],
    ["event", { v: 1, eventId: "e3", type: "wipe.done", sessionId: "s1", ok: false, removed: 2, errors: ["x : EACCES"] }],
    ["req", { v: 1, id: "r1", op: "session.open", code: "ABCD-EFGH" }],
    ["req", { v: 1, id: "r2", op: "session.sync", sessionId: null }],
    ["cmd", { v: 1, id: "c1", type: "extend", remainingS: 900, sessionId: "s1" }],
    ["cmd", { v: 1, id: "c2", type: "message", text: "Bonjour" }],
    ["ack", { v: 1, id: "c1", ok: false, error: "aucune session" }],
    ["res", { v: 1, id: "r1", ok: false, error: { code: "code_unknown", message: "Code inconnu." } }],
  ];
  test.each(valid)("%s valide : %o", (kind, value) => {
    const d = decode(kind, JSON.stringify(value));
    expect(d.ok ? "ok" : d.reason).toBe("ok");
    expect(() => encode(kind, value as any)).not.toThrow();
  });

  const invalid: [Kind, string, RegExp][] = [
    ["heartbeat", "{pas du json", /JSON illisible/],
    ["heartbeat", JSON.stringify({ v: 2, seq: 1, at: AT, uptimeS: 1, session: null }), /\/v/],
    ["heartbeat", JSON.stringify({ v: 1, seq: -1, at: AT, uptimeS: 1, session: null }), /\/seq/],
    ["heartbeat", JSON.stringify({ v: 1, seq: 1, at: "hier", uptimeS: 1, session: null }), /\/at/],
    ...[-1, 1.5, 7 * 24 * 3600 + 1, 1e308, "600", null].map((idle): [Kind, string, RegExp] => ["heartbeat", JSON.stringify({ v: 1, seq: 1, at: AT, uptimeS: 1, session: { id: "s1", remainingS: 60 }, idleSeconds: idle }), /\/idleSeconds/]),
    ["status", JSON.stringify({ v: 1, state: "pirate" }), /\/state/],
    ["event", JSON.stringify({ v: 1, eventId: "e", type: "session.ended", sessionId: "s", reason: "time", endedAt: AT }), /offline|schéma|Expected/],
    ["req", JSON.stringify({ v: 1, id: "r", op: "session.open", code: "" }), /code/],
    ["req", JSON.stringify({ v: 1, id: "r", op: "rm -rf" }), /./],
    ["cmd", JSON.stringify({ v: 1, id: "c", type: "format-c" }), /type/],
    ["heartbeat", JSON.stringify({ v: 1, seq: 1, at: AT, uptimeS: 1, session: null, pad: "x".repeat(2000) }), /trop volumineux/],
    ["req", JSON.stringify({ v: 1, id: "id avec espaces", op: "ping" }), /\/id/],
  ];
  test.each(invalid)("%s invalide : %s", (kind, payload, reason) => {
    const d = decode(kind, payload);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(reason);
  });

  test("encode() refuse d'envoyer un message hors schéma (bogue de notre côté)", () => {
    expect(() => encode("cmd", { v: 1, id: "c", type: "lock", remainingS: -5 } as any)).toThrow(/cmd invalide/);
  });
});
