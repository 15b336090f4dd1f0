// End to end, inactivity: the appliance process with its broker, a real agent process reading "input devices"
// (FIFOs fed with real input_event records, standing in for /dev/input), the lock screen in real Chromium.
// The patron types the code, moves the mouse a few seconds later, then walks away: one minute after the last
// input (EPN's shortest delay) the session ends for inactivity, the kiosk wipes and shows why on its lock screen.
// Time is real on both sides (the agent cannot be given a test clock): about 70 s of waiting.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApplianceProcess, HttpClient } from "../../../../scripts/test/appliance-process";
import { CHROMIUM_ARGS, guestCode, prepareEpn, startAgent, startApplianceWithBroker, waitFor, type AgentProcess } from "./processes";

const SHOTS = process.env.GUICHET_SCREENSHOTS ?? join(tmpdir(), "guichet-kiosk-shots");

let dir: string;
let input: string;
let app: ApplianceProcess;
let staff: HttpClient;
let agent: AgentProcess;
let browser: Browser;
let page: Page;
let docs: string;
let profile: string;

/** `struct input_event` (x86-64): time, type, code, value; EV_KEY 1, EV_REL 2, EV_SYN 0. */
function inputEvent(type: number, code: number, value: number) {
  const b = Buffer.alloc(24);
  b.writeBigInt64LE(BigInt(Math.floor(Date.now() / 1000)), 0);
  b.writeUInt16LE(type, 16);
  b.writeUInt16LE(code, 18);
  b.writeInt32LE(value, 20);
  return b;
}
/** What a device sends into the agent's FIFO (the agent has it open: a non-blocking write never waits). */
function feed(device: string, ...events: Buffer[]) {
  const fd = openSync(join(input, device), constants.O_WRONLY | constants.O_NONBLOCK);
  writeSync(fd, Buffer.concat([...events, inputEvent(0, 0, 0)]));
  closeSync(fd);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guichet-idle-e2e-"));
  mkdirSync(SHOTS, { recursive: true });
  input = join(dir, "input");
  mkdirSync(input);
  for (const d of ["event0", "event1"]) expect(Bun.spawnSync(["mkfifo", join(input, d)]).exitCode).toBe(0);
  app = await startApplianceWithBroker(join(dir, "appliance"));
  const epn = await prepareEpn(app.url);
  staff = epn.staff;
  // The shortest delay EPN allows, set by staff through the settings API as in the settings page.
  const s = await staff.patch("/api/epn/settings", { inactivityMinutes: 1 });
  expect(s.status).toBe(200);
  docs = join(dir, "home", "Documents");
  profile = join(dir, "home", ".config", "chromium-kiosque");
  agent = await startAgent({
    GUICHET_AGENT_APPLIANCE: app.url,
    GUICHET_AGENT_ENROL_TOKEN: epn.token,
    GUICHET_AGENT_HOSTNAME: "salle-inactif",
    GUICHET_AGENT_WIPE_DIRS: docs,
    GUICHET_AGENT_BROWSER_PROFILE: profile,
    GUICHET_AGENT_INPUT_DIR: input,
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function tile() {
  const r = await staff.get("/api/epn/workstations");
  return (r.body as any[]).find((w) => w.name === "salle-inactif");
}

test("un usager qui s'en va : session terminée pour inactivité, nettoyage, écran de verrouillage qui le dit", async () => {
  await waitFor(async () => (await tile())?.online, 10_000, "poste en ligne");
  expect(agent.output()).toContain("activité du poste lue sur event0, event1");
  await page.goto(agent.url);
  await page.locator("#code").waitFor();
  mkdirSync(docs, { recursive: true });
  mkdirSync(profile, { recursive: true });
  writeFileSync(join(docs, "lettre.odt"), "brouillon");
  writeFileSync(join(profile, "Cookies"), "sid=1");

  // The patron types the code on the keyboard (event0) and opens the session.
  await page.fill("#code", await guestCode(staff, 30));
  feed("event0", inputEvent(1, 28, 1), inputEvent(1, 28, 0)); // Enter
  await page.click("button[type=submit]");
  await page.locator(".k-countdown").waitFor();
  const sessionId = (await agent.state()).session.id as string;
  const opened = Date.now();

  // A few seconds later the mouse moves (event1): the idle time the agent measures starts again from there.
  await Bun.sleep(8000);
  expect((await agent.state()).idleSeconds).toBeGreaterThanOrEqual(6);
  feed("event1", inputEvent(2, 0, 12), inputEvent(2, 1, -3));
  const lastInput = Date.now();
  await waitFor(async () => (await agent.state()).idleSeconds === 0, 3000, "inactivité remise à zéro par la souris");

  // One minute after the session opened, it would have ended without that movement: it is still running.
  await Bun.sleep(Math.max(0, opened + 63_000 - Date.now()));
  const still = await agent.state();
  expect(still.phase).toBe("in_use");
  expect(still.idleSeconds).toBeGreaterThanOrEqual(53);
  expect((await tile()).state).toBe("in_use");

  // One minute after the last input: ended by the appliance, the kiosk back on its code prompt.
  await page.locator("#code").waitFor({ timeout: 15_000 });
  const endedAfter = (Date.now() - lastInput) / 1000;
  expect(endedAfter).toBeGreaterThanOrEqual(59);
  expect(endedAfter).toBeLessThan(60 + 6); // a heartbeat (1 s here), the command's trip, the page's poll
  expect(await page.locator(".k-notice").textContent()).toBe("Votre session est terminée faute d'activité sur le poste. Merci de votre visite !");
  await page.screenshot({ path: join(SHOTS, "8-inactivite.png") });

  const st = await agent.state();
  expect(st.session).toBeNull();
  expect(st.lastEnded).toMatchObject({ id: sessionId, reason: "inactivity", offline: false });
  expect(readdirSync(docs)).toEqual([]);
  expect(existsSync(profile)).toBe(false);

  // The server's record: ended for inactivity, the tile free again, the logout acknowledged by the kiosk.
  const events = (await staff.get(`/api/epn/sessions/${sessionId}/events`)).body as any[];
  expect(events.find((e) => e.type === "ended")?.data.reason).toBe("inactivity");
  const ws = await waitFor(async () => ((await tile())?.state === "free" ? await tile() : null), 5000, "tuile libre");
  const logout = await waitFor(async () => ((await staff.get(`/api/epn/workstations/${ws.id}/commands`)).body as any[]).find((c) => c.type === "logout" && c.status === "acked"), 5000, "déconnexion acquittée");
  expect(logout.payload.reason).toBe("inactivity");
  expect(logout.sessionId).toBe(sessionId);
  expect(agent.output()).toContain("session terminée (inactivity)");
}, 100_000);
