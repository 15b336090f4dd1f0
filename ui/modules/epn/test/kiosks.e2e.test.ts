/**
 * "Postes et agents" in a real Chromium against the real appliance (subprocess, SQLite file, MQTT broker): an admin
 * creates an enrolment token in the UI, a real agent process enrols with the token read off the page, and the page
 * shows it connected with its version and inventory without a reload; then the token and the kiosk are revoked from
 * the UI. Screenshots: .test-artifacts/epn/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { freePort, heading, launchChromium, login, ROOT, startAppliance, watchErrors, type Appliance } from "../../../test/appliance-process";
import { startAgent, type AgentProcess } from "../../../../appliance/net/mqtt/test/processes";
import pkg from "../../../../package.json";

const ADMIN = { name: "Camille Martin", email: "camille.martin@epn.test", password: "Correct-Cheval-42" };
const SHOTS = join(ROOT, ".test-artifacts/epn");
const ALWAYS = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [["00:00", "24:00"]]]));

let app: Appliance;
let browser: Browser;
const agents: AgentProcess[] = [];
const errors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await startAppliance({ GUICHET_MQTT_PORT: String(freePort()) });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  for (const a of agents) await a.stop();
  await app?.stop();
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`délai dépassé : ${what}`);
    await Bun.sleep(100);
  }
}
const text = async (l: Locator) => ((await l.textContent()) ?? "").trim();

async function shot(page: Page, name: string) {
  await page.waitForTimeout(200);
  const dialog = await page.locator("dialog[open]").count();
  if (!dialog) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, name + ".png"), fullPage: !dialog });
}

test("jeton créé dans l'interface → un vrai agent s'enrôle avec → poste connecté, version et inventaire → révocations", async () => {
  const r = await fetch(app.url + "/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ organisation: { name: "Mairie de Saint-Clic" }, admin: ADMIN }) });
  expect(r.status).toBe(200);
  const cookie = /guichet_session=[^;]+/.exec(r.headers.get("set-cookie")!)![0];
  const me = await (await fetch(app.url + "/api/auth/me", { headers: { cookie } })).json();
  const room = await fetch(app.url + "/api/epn/rooms", { method: "POST", headers: { cookie, "x-csrf-token": me.csrfToken, "content-type": "application/json" }, body: JSON.stringify({ name: "Salle multimédia", hours: ALWAYS }) });
  expect(room.status).toBe(200);

  const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" })).newPage();
  watchErrors(page, "admin", errors);
  await page.goto(app.url + "/");
  await heading(page, "Connexion");
  await login(page, ADMIN.email, ADMIN.password);
  await heading(page, "Tableau de bord");
  const nav = page.getByRole("navigation", { name: "Navigation principale" });
  await nav.getByRole("link", { name: "Espace public numérique" }).click();
  await heading(page, "Salle");
  await nav.getByRole("link", { name: "Postes et agents" }).click();
  await heading(page, "Postes et agents");
  await page.getByText("Aucun poste : créez un jeton d'enrôlement").waitFor();

  // 1. A bad number is refused in French, nothing is created.
  await page.getByLabel("Nombre de postes à enrôler").fill("0");
  await page.getByRole("button", { name: "Créer le jeton" }).click();
  await page.getByText("Entre 1 et 5000 postes.").waitFor();
  expect(await page.getByText("Aucun jeton pour l'instant.").count()).toBe(1);

  // 2. A token for two kiosks, shown once with the kiosk's settings.
  await page.getByLabel("Libellé").fill("PC neufs");
  await page.getByLabel("Nombre de postes à enrôler").fill("2");
  await page.getByLabel("Valable pendant").selectOption("168");
  await page.getByRole("button", { name: "Créer le jeton" }).click();
  const dialog = page.getByRole("dialog", { name: "Jeton d'enrôlement créé" });
  await dialog.waitFor();
  const token = await text(dialog.getByTestId("jeton-enrolement"));
  expect(token).toMatch(/^gen_[A-Za-z0-9_-]{20,}$/);
  expect(await text(dialog.getByTestId("commande-linux"))).toBe(`sudo GUICHET_AGENT_APPLIANCE=${app.url} GUICHET_AGENT_ENROL_TOKEN=${token} guichet-agent`);
  expect(await text(dialog.getByTestId("commande-windows"))).toBe(`guichet-agent.exe --appliance-url=${app.url} --enrol-token=${token}`);
  await visibleText(dialog, "2 poste(s) dans la salle « Salle multimédia »");
  await shot(page, "20-postes-jeton-cree");
  await dialog.getByRole("button", { name: "J'ai noté le jeton" }).click();
  const tokenRow = page.getByRole("row", { name: /PC neufs/ });
  await until("jeton listé « 0 sur 2 »", async () => (await text(tokenRow)).includes("0 sur 2"));
  expect(await text(tokenRow.getByTestId("etat-jeton"))).toBe("Valable");
  expect(await text(page.locator("body"))).not.toContain(token); // never shown again

  // 3. A real agent with the settings from the page enrols, connects and reports its inventory: the row appears live.
  const agent = await startAgent({ GUICHET_AGENT_APPLIANCE: app.url, GUICHET_AGENT_ENROL_TOKEN: token, GUICHET_AGENT_HOSTNAME: "salle-pc9" });
  agents.push(agent);
  const row = page.getByRole("row", { name: /salle-pc9/ });
  await until("poste connecté dans la liste", async () => (await text(row.getByTestId("etat-agent"))) === "Connecté");
  await until("inventaire résumé", async () => /Debian|Linux/.test(await text(row)) && !(await text(row)).includes("pas encore reçu"));
  expect(await text(row)).toContain(pkg.version);
  expect(await text(row)).toContain("Salle multimédia");
  await until("jeton « 1 sur 2 »", async () => (await text(tokenRow)).includes("1 sur 2"));
  expect(await text(page.locator(".lead"))).toContain("1 agent(s) connecté(s) sur 1 poste(s)");
  await shot(page, "21-postes-agent-connecte");

  // 4. Its details: readable hardware/OS/software and the history (first inventory).
  await row.getByRole("button", { name: "Détails" }).click();
  const inv = page.getByRole("dialog", { name: "Inventaire du poste salle-pc9" });
  await inv.getByText(/Logiciels installés \(\d/).waitFor();
  await visibleText(inv, "premier inventaire reçu");
  await inv.getByLabel("Chercher un logiciel").fill("mosquitto");
  await inv.getByText("mosquitto-clients").waitFor();
  await shot(page, "22-postes-inventaire");
  await inv.getByRole("button", { name: "Fermer" }).click();

  // 5. Revoke the token from the UI: the next kiosk is refused.
  await tokenRow.getByRole("button", { name: "Révoquer" }).click();
  await page.getByRole("dialog", { name: "Révoquer le jeton" }).getByRole("button", { name: "Révoquer" }).click();
  await until("jeton révoqué", async () => (await text(tokenRow.getByTestId("etat-jeton"))) === "Révoqué");
  const refused = await fetch(app.url + "/api/mqtt/enrol", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, hostname: "salle-pc10" }) });
  expect(refused.status).toBe(401);

  // 6. Revoke the kiosk: its connection is cut, the row says so live, the agent stays locked.
  await row.getByRole("button", { name: "Révoquer" }).click();
  await page.getByRole("dialog", { name: "Révoquer le poste" }).getByRole("button", { name: "Révoquer" }).click();
  await until("poste révoqué dans la liste", async () => (await text(row.getByTestId("etat-agent"))) === "Sans identifiant", 10_000);
  await until("agent verrouillé", async () => (await agent.state()).phase === "unreachable");
  await shot(page, "23-postes-revoques");
  expect(errors).toEqual([]);
}, 120_000);

async function visibleText(scope: Locator, s: string) {
  await scope.getByText(s, { exact: false }).first().waitFor({ timeout: 10_000 });
}
