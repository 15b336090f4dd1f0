// End to end: the appliance process, a real agent process, the lock screen in real Chromium, staff commands.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApplianceProcess, HttpClient } from "../../../../scripts/test/appliance-process";
import { CHROMIUM_ARGS, guestCode, prepareEpn, randomPort, startAgent, startApplianceWithBroker, waitFor, type AgentProcess } from "./processes";

const SHOTS = process.env.GUICHET_SCREENSHOTS ?? join(tmpdir(), "guichet-kiosk-shots");

let dir: string;
let app: ApplianceProcess;
let staff: HttpClient;
let agent: AgentProcess;
let browser: Browser;
let page: Page;
let docs: string;
let profile: string;
let enrolToken: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guichet-e2e-"));
  mkdirSync(SHOTS, { recursive: true });
  app = await startApplianceWithBroker(join(dir, "appliance"));
  const epn = await prepareEpn(app.url);
  staff = epn.staff;
  enrolToken = epn.token;
  docs = join(dir, "home", "Documents");
  profile = join(dir, "home", ".config", "chromium-kiosque");
  agent = await startAgent({
    GUICHET_AGENT_APPLIANCE: app.url,
    GUICHET_AGENT_ENROL_TOKEN: epn.token,
    GUICHET_AGENT_HOSTNAME: "salle-pc1",
    GUICHET_AGENT_WIPE_DIRS: docs,
    GUICHET_AGENT_BROWSER_PROFILE: profile,
    GUICHET_AGENT_REBOOT_CMD: `touch ${join(dir, "rebooted")}`,
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  await app?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

async function tile() {
  const r = await staff.get("/api/epn/workstations");
  return (r.body as any[]).find((w) => w.name === "salle-pc1");
}

test("enrôlement, session par code, décompte, message et prolongation, fin et nettoyage", async () => {
  // Enrolled with its host name; the room view lists it, online.
  const ws = await waitFor(async () => ((await tile())?.online ? await tile() : null), 10_000, "poste en ligne dans la vue de salle");
  expect(ws.enrolled).toBe(true);
  await page.goto(agent.url);
  await page.locator("#code").waitFor();
  await shot("1-code");

  // A wrong code is refused in French and nothing opens.
  await page.fill("#code", "ZZZZ-ZZZZ");
  await page.click("button[type=submit]");
  await expect(page.locator(".k-error").textContent()).resolves.toContain("Code inconnu");
  expect((await tile()).state).toBe("free");

  // The patron's files of this session, to be wiped at the end.
  mkdirSync(docs, { recursive: true });
  mkdirSync(profile, { recursive: true });
  writeFileSync(join(docs, "cv.odt"), "curriculum");
  mkdirSync(join(docs, "photos"));
  writeFileSync(join(docs, "photos", "a.jpg"), "x");
  writeFileSync(join(profile, "Cookies"), "sid=123");

  const code = await guestCode(staff, 30);
  await page.fill("#code", code);
  await page.click("button[type=submit]");
  const countdown = page.locator(".k-countdown");
  await countdown.waitFor();
  const secs = () => countdown.getAttribute("data-seconds").then(Number);
  expect(await secs()).toBeGreaterThan(29 * 60);
  expect(await secs()).toBeLessThanOrEqual(30 * 60);
  expect(await countdown.textContent()).toMatch(/^(30:00|29:\d\d)$/);
  const first = await secs();
  await page.waitForTimeout(2100);
  expect(await secs()).toBeLessThan(first); // it counts down
  await shot("2-decompte");
  const running = await waitFor(async () => ((await tile())?.state === "in_use" ? await tile() : null), 5000, "tuile « en cours »");

  // The animateur sends a message: shown on the kiosk, and the command is acknowledged back to the UI.
  const msg = await staff.post(`/api/epn/workstations/${running.id}/commands`, { type: "message", text: "La salle ferme dans 30 minutes." });
  expect(msg.status).toBe(200);
  await page.locator(".k-message", { hasText: "La salle ferme dans 30 minutes." }).waitFor({ timeout: 5000 });
  await waitFor(async () => ((await staff.get(`/api/epn/workstations/${running.id}/commands`)).body as any[]).find((c) => c.id === msg.body.command.id && c.status === "acked"), 5000, "message acquitté");
  await shot("3-message");

  // Extension by 15 minutes: the countdown jumps to the server's new time left.
  const ext = await staff.post(`/api/epn/workstations/${running.id}/commands`, { type: "extend", minutes: 15 });
  expect(ext.status).toBe(200);
  await waitFor(async () => (await secs()) > 44 * 60, 5000, "décompte prolongé");
  await page.locator(".k-message", { hasText: "prolongée" }).waitFor();
  await shot("4-prolongation");

  // "Signaler un problème" reaches the staff as a notification.
  await page.click("text=Signaler un problème");
  await page.selectOption("#p-cat", "imprimante");
  await page.fill("#p-text", "L'imprimante n'imprime pas en couleur.");
  await page.click(".k-problem button[type=submit]");
  await page.locator("text=l'animateur est prévenu").waitFor();
  await waitFor(async () => ((await staff.get("/api/notifications")).body.items as any[]).some((n) => n.body?.includes("couleur")), 5000, "notification reçue");

  // The patron ends the session: lock screen again, files wiped, server record ended.
  await page.click("text=Terminer ma session");
  await page.click("text=Oui, terminer");
  await page.locator("#code").waitFor();
  await expect(page.locator(".k-notice").textContent()).resolves.toContain("Votre session est terminée");
  await shot("5-fin");
  expect(readdirSync(docs)).toEqual([]);
  expect(existsSync(profile)).toBe(false);
  const after = await waitFor(async () => ((await tile())?.state === "free" ? await tile() : null), 5000, "tuile libre");
  expect(after.session).toBeNull();
  const log = await staff.get("/api/epn/connection-log");
  const entry = (log.body.items ?? log.body).find((e: any) => e.workstationName === "salle-pc1");
  expect(entry?.endedAt).toBeTruthy();
  expect(existsSync(join(dir, "rebooted"))).toBe(false); // not a PXE kiosk: no reboot after a session
}, 90_000);

test("inventaire reçu à l'enrôlement, au format GLPI", async () => {
  const ws = await tile();
  const inv = await waitFor(async () => ((await staff.get(`/api/mqtt/workstations/${ws.id}/inventory`)).body.content ? (await staff.get(`/api/mqtt/workstations/${ws.id}/inventory`)).body : null), 5000, "inventaire");
  expect(inv.content.versionclient).toMatch(/^Guichet-Agent_v/);
  expect(inv.content.hardware.name).toBe("salle-pc1");
  expect(inv.content.softwares.length).toBeGreaterThan(10);
  expect(inv.content.softwares.some((s: any) => s.name === "mosquitto-clients" && s.from === "deb")).toBe(true);
});

test("avertissement à 5 minutes, puis fin de session par l'animateur : nettoyage et écran de verrouillage", async () => {
  const code = await guestCode(staff, 5);
  await page.fill("#code", code);
  await page.click("button[type=submit]");
  await page.locator(".k-warning", { hasText: "Il vous reste 5 minutes" }).waitFor({ timeout: 5000 });
  expect(await page.locator(".k-countdown").getAttribute("class")).toContain("warn");
  await shot("6-avertissement");
  writeFileSync(join(docs, "brouillon.txt"), "x");
  const ws = await waitFor(async () => ((await tile())?.state === "in_use" ? await tile() : null), 5000, "tuile « en cours »");
  const r = await staff.post(`/api/epn/workstations/${ws.id}/commands`, { type: "logout" });
  expect(r.status).toBe(200);
  await page.locator("#code").waitFor({ timeout: 5000 });
  await expect(page.locator(".k-notice").textContent()).resolves.toContain("terminée par l'animateur");
  expect(readdirSync(docs)).toEqual([]);
}, 30_000);

test("poste démarré par le réseau (PXE) : redémarre après chaque session", async () => {
  const marker = join(dir, "pxe-rebooted");
  const pxe = await startAgent({ GUICHET_AGENT_APPLIANCE: app.url, GUICHET_AGENT_ENROL_TOKEN: enrolToken, GUICHET_AGENT_HOSTNAME: "salle-pxe", GUICHET_AGENT_PXE: "oui", GUICHET_AGENT_REBOOT_CMD: `touch ${marker}` });
  try {
    await waitFor(async () => (await pxe.state()).phase === "free", 10_000, "poste PXE prêt");
    const post = (path: string, body: unknown) => fetch(`${pxe.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-guichet-kiosk": "1" }, body: JSON.stringify(body) });
    expect((await post("/api/session", { code: await guestCode(staff, 10) })).status).toBe(200);
    expect(existsSync(marker)).toBe(false);
    expect((await post("/api/session/end", {})).status).toBe(200);
    await waitFor(() => existsSync(marker), 5000, "redémarrage après la session");
  } finally {
    await pxe.stop();
  }
}, 30_000);

test("poste révoqué : connexion coupée, il reste verrouillé et le dit", async () => {
  const k = await startAgent({ GUICHET_AGENT_APPLIANCE: app.url, GUICHET_AGENT_ENROL_TOKEN: enrolToken, GUICHET_AGENT_HOSTNAME: "salle-revoque" });
  try {
    await waitFor(async () => (await k.state()).phase === "free", 10_000, "poste prêt");
    const ws = ((await staff.get("/api/epn/workstations")).body as any[]).find((w) => w.name === "salle-revoque");
    expect((await staff.post(`/api/mqtt/workstations/${ws.id}/revoke`)).status).toBe(200);
    const st = await waitFor(async () => {
      const s = await k.state();
      return s.phase === "unreachable" && s.notice?.includes("n'est plus autorisé") ? s : null;
    }, 10_000, "poste verrouillé après révocation");
    expect(st.connected).toBe(false);
  } finally {
    await k.stop();
  }
}, 30_000);

test("redémarrage commandé : la commande configurée est lancée, pas celle du système", async () => {
  const ws = await tile();
  const r = await staff.post(`/api/epn/workstations/${ws.id}/commands`, { type: "reboot" });
  expect(r.status).toBe(200);
  await waitFor(() => existsSync(join(dir, "rebooted")), 5000, "commande de redémarrage exécutée");
});

test("un agent perdu : la tuile passe hors ligne en quelques secondes", async () => {
  agent.proc.kill("SIGKILL");
  await agent.proc.exited;
  const t0 = Date.now();
  await waitFor(async () => (await tile())?.state === "offline", 10_000, "tuile hors ligne");
  expect(Date.now() - t0).toBeLessThan(10_000);
});

test("un poste qui ne joint pas le Guichet reste verrouillé avec un message clair", async () => {
  const lonely = await startAgent({ GUICHET_AGENT_APPLIANCE: `http://127.0.0.1:${randomPort()}`, GUICHET_AGENT_ENROL_TOKEN: "gen_inutile", GUICHET_AGENT_HOSTNAME: "isole" });
  try {
    const p = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await p.goto(lonely.url);
    await p.locator("text=Poste verrouillé").waitFor({ timeout: 10_000 });
    await p.locator("text=Le Guichet est injoignable").waitFor({ timeout: 10_000 });
    expect(await p.locator("#code").count()).toBe(0);
    // Its API refuses to open anything either.
    const r = await fetch(`${lonely.url}/api/session`, { method: "POST", headers: { "content-type": "application/json", "x-guichet-kiosk": "1" }, body: JSON.stringify({ code: "ABCD-EFGH" }) });
    expect(r.status).toBe(503);
    await p.screenshot({ path: join(SHOTS, "7-injoignable.png") });
    await p.close();
  } finally {
    await lonely.stop();
  }
}, 30_000);

test("l'API locale refuse les requêtes d'un autre site ouvert dans le navigateur du poste", async () => {
  const lonely = await startAgent({ GUICHET_AGENT_APPLIANCE: `http://127.0.0.1:${randomPort()}`, GUICHET_AGENT_ENROL_TOKEN: "gen_x" });
  try {
    const noHeader = await fetch(`${lonely.url}/api/session/end`, { method: "POST", body: "{}" });
    expect(noHeader.status).toBe(403);
    const rebinding = await fetch(`${lonely.url}/api/state`, { headers: { host: "evil.example:80" } });
    expect(rebinding.status).toBe(421);
  } finally {
    await lonely.stop();
  }
});
