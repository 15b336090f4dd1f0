// Offline: the appliance (and its broker) stops mid-session; the agent ends the session on time, wipes, and once
// the broker is back the server's record matches what the kiosk did. Real processes, real time (a 1-minute code).
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guestCode, prepareEpn, startAgent, startApplianceWithBroker, waitFor, type AgentProcess } from "./processes";
import type { ApplianceProcess } from "../../../../scripts/test/appliance-process";

let app: ApplianceProcess | null = null;
let agent: AgentProcess | null = null;
afterAll(async () => {
  await agent?.stop();
  await app?.stop();
});

test("hors ligne : fin à l'heure sur le poste, dossier serveur concordant après retour", async () => {
  const dir = mkdtempSync(join(tmpdir(), "guichet-offline-"));
  const dataDir = join(dir, "appliance");
  const first = await startApplianceWithBroker(dataDir);
  app = first;
  const { staff, token } = await prepareEpn(first.url);
  const docs = join(dir, "Documents");
  agent = await startAgent({ GUICHET_AGENT_APPLIANCE: first.url, GUICHET_AGENT_ENROL_TOKEN: token, GUICHET_AGENT_HOSTNAME: "salle-pc2", GUICHET_AGENT_WIPE_DIRS: docs });
  await waitFor(async () => (await agent!.state()).phase === "free", 10_000, "poste prêt");

  // Sessions of one minute are allowed here so that the test waits one minute, not five.
  const set = await staff.patch("/api/epn/settings", { minSessionMinutes: 1 });
  expect(set.status).toBe(200);
  const code = await guestCode(staff, 1);
  const open = await fetch(`${agent.url}/api/session`, { method: "POST", headers: { "content-type": "application/json", "x-guichet-kiosk": "1" }, body: JSON.stringify({ code }) });
  const opened = await open.json();
  expect(open.status, JSON.stringify(opened)).toBe(200);
  const openedAt = Date.now();
  expect(opened.session.remainingS).toBeGreaterThan(55);
  expect(opened.session.remainingS).toBeLessThanOrEqual(60);
  mkdirSync(docs, { recursive: true });
  writeFileSync(join(docs, "lettre.odt"), "brouillon");
  // One minute left from the start: the 1-minute warning stands at once.
  await waitFor(async () => (await agent!.state()).warning === 1, 2000, "avertissement 1 minute");

  // The appliance goes away mid-session.
  await Bun.sleep(5000);
  const stopped = await first.stop("SIGTERM");
  expect(stopped.code).toBe(0);
  const down = await waitFor(async () => {
    const s = await agent!.state();
    return s.connected === false ? s : null;
  }, 10_000, "agent hors ligne");
  expect(down.phase).toBe("in_use"); // it keeps counting

  // The kiosk ends the session by itself, on time, and wipes.
  const ended = await waitFor(async () => (await agent!.state()).lastEnded, 70_000, "fin de session locale");
  expect(ended.reason).toBe("time");
  expect(ended.offline).toBe(true);
  const lateness = Date.parse(ended.endedAt) - (openedAt + opened.session.remainingS * 1000);
  expect(Math.abs(lateness)).toBeLessThan(1500);
  expect(readdirSync(docs)).toEqual([]);
  const offlineState = await agent.state();
  expect(offlineState.phase).toBe("unreachable"); // no session, no appliance: stays locked with a message
  expect(offlineState.pendingEvents).toBeGreaterThan(0);

  // The appliance returns on the same port; the agent reconnects and hands over what happened.
  app = await startApplianceWithBroker(dataDir, first.mqttPort);
  await waitFor(async () => {
    const s = await agent!.state();
    return s.connected && s.pendingEvents === 0 && s.phase === "free";
  }, 20_000, "reconnexion et remise des événements");
  expect(agent.output()).toMatch(/événement\(s\) remis au Guichet/);

  // The server's record matches the kiosk: ended at the kiosk's end time, full minute charged.
  const db = new Database(join(dataDir, "guichet.sqlite"), { readonly: true });
  const row = db.query("SELECT id, ended_at AS endedAt, end_reason AS reason, used_seconds AS used FROM epn_sessions WHERE id = ?").get(opened.session.id) as any;
  db.close();
  expect(row.reason).toBe("time_up");
  expect(Math.abs(Date.parse(row.endedAt) - Date.parse(ended.endedAt))).toBeLessThan(1500);
  expect(Math.abs(row.used - opened.session.remainingS)).toBeLessThanOrEqual(2);
  expect(existsSync(docs)).toBe(true); // the folder stays, emptied
}, 150_000);
