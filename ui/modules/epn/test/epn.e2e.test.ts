/**
 * The EPN in a real Chromium against the real appliance (subprocess, SQLite file): register a patron with
 * consent → create a code and open its PDF ticket → a kiosk opens a session through its API → the tile turns
 * "En cours" live → extend → end → the statistics page counts the session. Screenshots: .test-artifacts/epn/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { heading, launchChromium, login, ROOT, startAppliance, watchErrors, type Appliance } from "../../../test/appliance-process";

const ADMIN = { name: "Camille Martin", email: "camille.martin@epn.test", password: "Correct-Cheval-42" };
const SHOTS = join(ROOT, ".test-artifacts/epn");
const ALWAYS = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [["00:00", "24:00"]]]));

let app: Appliance;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await startAppliance();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Waits until `check` holds (the UI updates asynchronously, e.g. over the live socket). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`délai dépassé : ${what}`);
    await Bun.sleep(100);
  }
}
const stateOf = (l: Locator, s: string) => until(`état ${s}`, async () => (await l.getAttribute("data-state")) === s);
const textOf = (l: Locator, re: RegExp) => until(`texte ${re}`, async () => re.test(((await l.textContent()) ?? "").trim()));
const visible = (l: Locator) => l.waitFor({ state: "visible", timeout: 10_000 });

async function shot(page: Page, name: string) {
  await page.waitForTimeout(150);
  const dialog = await page.locator("dialog[open]").count();
  await page.screenshot({ path: join(SHOTS, name + ".png"), fullPage: !dialog });
}

/** First-boot setup and the room with two kiosks, through the API as an installer's script would. */
async function prepare() {
  const r = await fetch(app.url + "/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ organisation: { name: "Mairie de Saint-Clic" }, admin: ADMIN }) });
  expect(r.status).toBe(200);
  const cookie = /guichet_session=[^;]+/.exec(r.headers.get("set-cookie")!)![0];
  const me = await (await fetch(app.url + "/api/auth/me", { headers: { cookie } })).json();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(app.url + path, { method, headers: { cookie, "x-csrf-token": me.csrfToken, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    expect(res.status).toBe(200);
    return res.json();
  };
  // Open around the clock so the test passes at any hour.
  const room = await call("POST", "/api/epn/rooms", { name: "Salle multimédia", hours: ALWAYS });
  const tokens: Record<string, string> = {};
  for (const name of ["P01", "P02"]) {
    const ws = await call("POST", "/api/epn/workstations", { name, roomId: room.id });
    tokens[name] = (await call("POST", `/api/epn/workstations/${ws.id}/token`)).token;
  }
  return { tokens, call };
}

/** A kiosk's call with its own secret, as the agent will make it. */
async function kiosk(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(app.url + "/api/epn/kiosk" + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() };
}

test("usager → code et ticket PDF → session ouverte par le poste → tuile en direct → prolonger → terminer → statistiques", async () => {
  const { tokens, call } = await prepare();
  // The town hall's browsers run on Paris time, like the appliance's opening hours.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await ctx.newPage();
  watchErrors(page, "animateur", errors);
  await page.goto(app.url + "/");
  await heading(page, "Connexion");
  await login(page, ADMIN.email, ADMIN.password);
  await heading(page, "Tableau de bord");

  // 1. Register a patron: the GDPR notice is shown, consent is required.
  await page.goto(app.url + "/#/epn/usagers");
  await heading(page, "Usagers");
  await page.getByRole("button", { name: "Inscrire un usager" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Prénom").fill("Lucie");
  await dialog.locator('input[name="lastName"]').fill("Fontaine");
  await dialog.getByLabel("Année de naissance").fill("1958");
  await dialog.getByLabel("Commune").fill("Saint-Clic");
  await dialog.getByLabel("Catégorie socio-professionnelle").selectOption("retraite");
  await dialog.getByRole("button", { name: "Inscrire" }).click();
  await visible(dialog.getByText("L'usager doit accepter la notice RGPD"));
  await shot(page, "01-inscription-sans-consentement");
  await dialog.getByLabel(/consent à l'enregistrement/).check();
  await dialog.getByLabel(/accepte le règlement/).check();
  await dialog.getByRole("button", { name: "Inscrire" }).click();
  await heading(page, "Lucie Fontaine");
  await visible(page.getByText(/version 1, le .* recueilli par Camille Martin/));

  // 2. A code for her, and its ticket as a PDF in a new tab.
  await page.getByRole("button", { name: "Créer un code" }).click();
  const code = (await page.getByTestId("nouveau-code").textContent())!.trim();
  expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  await shot(page, "02-fiche-usager-code");
  // The bytes are read on their way to the page (its CSP keeps blob: URLs out of fetch, so the tab cannot be read back).
  let pdf: Buffer = Buffer.alloc(0);
  let type = "";
  await page.route("**/api/epn/codes/tickets", async (route) => {
    const resp = await route.fetch();
    pdf = await resp.body();
    type = resp.headers()["content-type"] ?? "";
    await route.fulfill({ response: resp, body: pdf });
  });
  const [tab] = await Promise.all([ctx.waitForEvent("page"), page.getByRole("button", { name: "Imprimer le ticket (PDF)" }).click()]);
  await tab.waitForURL(/^blob:/, { timeout: 15_000 });
  expect(type).toBe("application/pdf");
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  const file = join(SHOTS, "ticket.pdf");
  writeFileSync(file, pdf);
  const text = await Bun.$`pdftotext -layout ${file} -`.text();
  for (const s of [code, "Lucie Fontaine", "Mairie de Saint-Clic", "Règlement de l'espace"]) expect(text).toContain(s);
  await tab.close();

  // 3. The room view, then a kiosk opens a session with the code: the tile turns "En cours" without reload.
  await page.goto(app.url + "/#/epn");
  await heading(page, "Salle");
  const tile = page.getByTestId("tuile-P01");
  await stateOf(tile, "offline");
  await shot(page, "03-salle-avant");
  const opened = await kiosk(tokens.P01!, "POST", "/sessions", { code: code.toLowerCase() });
  expect(opened.status).toBe(200);
  expect(opened.body).toMatchObject({ firstName: "Lucie", secondsLeft: 3600 });
  await stateOf(tile, "in_use");
  await visible(tile.getByText("Lucie Fontaine"));
  await textOf(tile.getByTestId("temps-restant"), /^(1 h 00|59 min)$/);
  await shot(page, "04-salle-session-en-cours");

  // 4. Extend by 15 minutes from the tile: the server moves the end, the kiosk gets an "extend" command.
  await tile.getByRole("button", { name: "Prolonger" }).click();
  await page.getByRole("dialog").getByLabel("Minutes à ajouter").fill("15");
  await shot(page, "05-prolonger");
  await page.getByRole("dialog").getByRole("button", { name: "Prolonger" }).click();
  await textOf(tile.getByTestId("temps-restant"), /^1 h 1[45]$/);
  const state = await kiosk(tokens.P01!, "GET", "/state");
  expect(state.body.session.secondsLeft).toBeGreaterThan(74 * 60);
  const cmds = await kiosk(tokens.P01!, "GET", "/commands");
  expect(cmds.body.map((c: { type: string }) => c.type)).toEqual(["extend"]);
  expect((await kiosk(tokens.P01!, "POST", `/commands/${cmds.body[0].id}/ack`, { ok: true })).body.status).toBe("acked");

  // 5. End it from the tile: the tile is free again, the kiosk is told to log out.
  await tile.getByRole("button", { name: "Terminer" }).click();
  await stateOf(tile, "free");
  expect((await kiosk(tokens.P01!, "GET", "/state")).body.session).toBeNull();
  expect((await kiosk(tokens.P01!, "GET", "/commands")).body.map((c: { type: string }) => c.type)).toEqual(["logout"]);
  await shot(page, "06-salle-apres");

  // 6. The statistics count it.
  await page.goto(app.url + "/#/epn/statistiques");
  await heading(page, "Statistiques");
  await textOf(page.getByTestId("total-sessions"), /^1$/);
  await shot(page, "07-statistiques");

  // A booking for her in two hours on P02, to see it in the day planner.
  const patrons = await call("GET", "/api/epn/patrons");
  const start = new Date(Math.ceil(Date.now() / 3600_000) * 3600_000 + 3600_000);
  if (start.getUTCDate() === new Date().getUTCDate()) {
    const ws = (await call("GET", "/api/epn/workstations")).find((w: { name: string }) => w.name === "P02");
    await call("POST", "/api/epn/reservations", { workstationId: ws.id, patronId: patrons.items[0].id, startsAt: start.toISOString(), durationMinutes: 60 });
  }

  // The other pages open without error (screenshots looked at by a person).
  for (const [path, title, name] of [["/#/epn/codes", "Codes d'accès", "08-codes"], ["/#/epn/reservations", "Réservations", "09-reservations"], ["/#/epn/parametres", "Paramètres de l'espace numérique", "10-parametres"]] as const) {
    await page.goto(app.url + path);
    await heading(page, title);
    await shot(page, name);
  }
  expect(errors).toEqual([]);
}, 120_000);
