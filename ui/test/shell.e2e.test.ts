/**
 * The staff UI in a real Chromium against the real appliance (subprocess, SQLite file, SMTP sink):
 * setup → dashboard → logout → login → 2FA → login with code → invite → accept in another browser →
 * the invited member cannot see or reach a second organisation → logout. Screenshots: .test-artifacts/ui/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { totpAt } from "../../appliance/core/auth/totp";
import { startSmtpSink, type SmtpSink } from "../../appliance/test/smtp-sink";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { dbFileOf } from "../../appliance/core/db/client";
import { heading, launchChromium, login, logoutFromHeader, nav, SHOTS, shot, startAppliance, watchErrors, type Appliance } from "./appliance-process";

const ADMIN = { name: "Camille Martin", email: "camille.martin@saint-martin.test", password: "Correct-Cheval-42" };
const AGENT = { name: "Dominique Petit", email: "dominique.petit@saint-martin.test", password: "Agent-Batterie-77" };

let app: Appliance;
let sink: SmtpSink;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  sink = await startSmtpSink();
  app = await startAppliance({ GUICHET_SMTP_URL: sink.url });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await sink?.stop();
});

async function newPage(label: string, viewport = { width: 1280, height: 860 }) {
  const ctx = await browser.newContext({ viewport, locale: "fr-FR" });
  const page = await ctx.newPage();
  watchErrors(page, label, errors);
  return page;
}

/** Waits for the e-mail to `to` whose subject matches, and returns the first link of the given hash route. */
async function linkFromMail(to: string, subject: RegExp, route: string) {
  const m = await sink.waitFor((x) => x.to.includes(to) && subject.test(x.subject), 20_000);
  const link = new RegExp(`https?://\\S+/#/${route}/[A-Za-z0-9_-]+`).exec(m.text)?.[0];
  expect(link).toBeTruthy();
  return link!;
}

test("parcours complet de l'interface d'administration", async () => {
  const page = await newPage("admin");
  await page.goto(app.url + "/");

  // Setup wizard: the client refuses a bad SIRET before any request.
  await heading(page, "Installation du Guichet");
  await shot(page, "01-installation-organisation");
  await page.getByLabel("Nom de l'organisation").fill("Mairie de Saint-Martin");
  await page.getByLabel("SIRET").fill("12345678901234");
  await page.getByRole("button", { name: "Continuer" }).click();
  await page.getByText("SIRET invalide").waitFor();
  await shot(page, "02-installation-siret-invalide");
  await page.getByLabel("SIRET").fill("217 500 016 00019");
  await page.getByLabel("Adresse postale").fill("1 place de la Mairie\n12345 Saint-Martin");
  await page.getByRole("button", { name: "Continuer" }).click();
  await page.getByLabel("Nom et prénom").fill(ADMIN.name);
  await page.getByLabel("Adresse e-mail").fill(ADMIN.email);
  await page.locator('input[name="password"]').fill(ADMIN.password);
  await page.locator('input[name="confirm"]').fill(ADMIN.password + "x");
  await page.getByRole("button", { name: "Terminer l'installation" }).click();
  await page.getByText("Les deux mots de passe ne sont pas identiques.").waitFor();
  await page.locator('input[name="confirm"]').fill(ADMIN.password);
  await shot(page, "03-installation-administrateur");
  await page.getByRole("button", { name: "Terminer l'installation" }).click();

  // Dashboard right after setup (the setup call opened the admin's session).
  await heading(page, "Tableau de bord");
  // The live socket (GET /api/live?org=…) is open for the current organisation.
  await page.locator('.shell[data-live="open"]').waitFor();
  // Cards come from GET /api/dashboard: the organisation has its one member so far.
  await expect(page.locator(".stat-card", { hasText: "Membres" }).locator(".card-value").textContent()).resolves.toBe("1");
  await page.getByRole("figure", { name: /Actions enregistrées/ }).waitFor();
  await shot(page, "04-tableau-de-bord");
  // The setup endpoint is closed now: the server answers 409 in French.
  const again = await page.evaluate(async () => (await fetch("api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ organisation: { name: "X" }, admin: { name: "X", email: "x@x.fr", password: "xxxxxxxxxxyy" } }) })).json());
  expect(again.error.message).toContain("déjà faite");

  // Log out, then a wrong password shows the server's French message.
  await logoutFromHeader(page);
  await login(page, ADMIN.email, "mauvais-mot-de-passe");
  await page.getByRole("alert").getByText("E-mail ou mot de passe incorrect.").waitFor();
  await shot(page, "05-connexion-erreur");
  await login(page, ADMIN.email, ADMIN.password);
  await heading(page, "Tableau de bord");

  // Enable 2FA from the account page; the code is computed from the secret shown for manual entry.
  await nav(page, "Mon compte");
  await heading(page, "Mon compte");
  await page.getByRole("button", { name: "Activer la double authentification" }).click();
  await page.getByRole("button", { name: "Afficher le QR code" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await expect(page.locator("img.qr").getAttribute("src")).resolves.toStartWith("data:image/svg+xml;base64,");
  await page.getByLabel("Code à 6 chiffres affiché par l'application").fill("000000");
  await page.getByRole("button", { name: "Activer la double authentification" }).click();
  await page.getByRole("alert").getByText("Code incorrect").first().waitFor();
  await shot(page, "06-compte-2fa-qr-code");
  await page.getByLabel("Code à 6 chiffres affiché par l'application").fill(totpAt(secret, new Date()));
  await page.getByRole("button", { name: "Activer la double authentification" }).click();
  const codes = page.getByTestId("recovery-codes").locator("code");
  await codes.first().waitFor();
  expect(await codes.count()).toBe(10);
  await shot(page, "07-compte-codes-de-secours");
  await page.getByRole("button", { name: "J'ai conservé mes codes" }).click();
  await page.getByText("Un code de votre téléphone est demandé à chaque connexion.").waitFor();
  await shot(page, "08-compte");

  // Log out and in again: the code step appears and accepts the current TOTP code.
  await logoutFromHeader(page);
  await login(page, ADMIN.email, ADMIN.password);
  await heading(page, "Double authentification");
  await shot(page, "09-connexion-code-2fa");
  await page.getByLabel("Code de vérification").fill(totpAt(secret, new Date()));
  await page.getByRole("button", { name: "Valider" }).click();
  await heading(page, "Tableau de bord");

  // A notification (written straight into the appliance's database, as a module would): bell, panel, page, read.
  const who = await page.evaluate(async () => (await (await fetch("api/auth/me")).json()) as { id: string; organisations: { id: string }[] });
  const db = new Database(dbFileOf(app.dataDir));
  db.run("INSERT INTO notifications (id, org_id, user_id, kind, title, body, link, created_at) VALUES (?, ?, ?, 'system', ?, ?, '#/systeme', ?)", [
    Bun.randomUUIDv7(), who.organisations[0]!.id, who.id, "Sauvegarde terminée", "La sauvegarde de la nuit s'est bien passée.", new Date().toISOString(),
  ]);
  db.close();
  await page.reload();
  const bell = page.getByRole("button", { name: "Notifications : 1 non lues" });
  await bell.click();
  await page.getByRole("region", { name: "Notifications" }).getByText("Sauvegarde terminée").waitFor();
  await shot(page, "10-notifications-cloche");
  await page.getByRole("link", { name: "Voir toutes les notifications" }).click();
  await heading(page, "Notifications");
  await page.getByRole("heading", { name: "Sauvegarde terminée" }).waitFor();
  await page.getByRole("button", { name: "Marquer comme lu", exact: true }).click();
  await page.getByText("Tout est lu.").waitFor();
  await page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
  await shot(page, "11-notifications");

  // Users page: invite the agent; the invitation is listed and the e-mail reaches the SMTP server.
  await nav(page, "Utilisateurs");
  await heading(page, "Utilisateurs");
  await page.getByLabel("Adresse e-mail").fill(AGENT.email);
  await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
  await page.getByRole("status").getByText(`Invitation envoyée à ${AGENT.email}.`).waitFor();
  await page.getByRole("cell", { name: AGENT.email }).waitFor();
  const invitationLink = await linkFromMail(AGENT.email, /Invitation à rejoindre Mairie de Saint-Martin/, "invitation");

  // An API token: the secret is shown once in a dialog, then the token can be revoked.
  await page.getByLabel("Nom du jeton").fill("sauvegarde nocturne");
  await page.getByRole("button", { name: "Créer le jeton" }).click();
  await expect(page.getByTestId("token-secret").textContent()).resolves.toStartWith("gch_");
  await shot(page, "12-jeton-affiche-une-fois");
  await page.getByRole("button", { name: "J'ai noté le jeton" }).click();
  await page.getByRole("cell", { name: "sauvegarde nocturne" }).waitFor();
  await shot(page, "13-utilisateurs");
  await page.getByRole("row", { name: /sauvegarde nocturne/ }).getByRole("button", { name: "Révoquer" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Révoquer" }).click();
  await page.getByText("Aucun jeton d'API.").waitFor();

  // A second organisation; the admin is switched to it and sees both in the switcher.
  await nav(page, "Organisation");
  await heading(page, "Organisation");
  await page.getByLabel("Nom de la nouvelle organisation").fill("CCAS de Saint-Martin");
  await page.getByRole("button", { name: "Créer l'organisation" }).click();
  await page.getByRole("heading", { name: "Identité et modules de CCAS de Saint-Martin" }).waitFor();
  await shot(page, "14-organisation");
  const orgs = await page.evaluate(async () => (await (await fetch("api/auth/me")).json()).organisations as { id: string; name: string }[]);
  const ccas = orgs.find((o) => o.name === "CCAS de Saint-Martin")!;
  const mairie = orgs.find((o) => o.name === "Mairie de Saint-Martin")!;
  expect(await page.locator("#org-select option").allTextContents()).toEqual(["Mairie de Saint-Martin", "CCAS de Saint-Martin"]);
  await page.locator("#org-select").selectOption(mairie.id);
  await heading(page, "Tableau de bord");

  // Audit log and its chain check; system page.
  await nav(page, "Journal d'audit");
  await heading(page, "Journal d'audit");
  await page.getByRole("cell", { name: "invitation.created" }).waitFor();
  await page.getByRole("button", { name: "Vérifier la chaîne" }).click();
  await page.getByText(/Chaîne intègre : \d+ entrées vérifiées/).waitFor();
  await shot(page, "15-journal-audit");
  await page.getByLabel("Recherche").fill("api_token");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await page.getByRole("cell", { name: "invitation.created" }).waitFor({ state: "detached" });
  await page.getByRole("cell", { name: "api_token.revoked" }).waitFor();
  await page.getByRole("cell", { name: "api_token.created" }).waitFor();
  await nav(page, "Système");
  await heading(page, "Système");
  await page.getByRole("cell", { name: "http", exact: true }).waitFor();
  await shot(page, "16-systeme");

  // The agent accepts the invitation in another browser and lands on the first organisation only.
  const agent = await newPage("agent");
  await agent.goto(invitationLink);
  await heading(agent, "Invitation");
  await agent.getByText("Vous êtes invité à rejoindre « Mairie de Saint-Martin » en tant que membre.").waitFor();
  await shot(agent, "17-invitation");
  await agent.getByLabel("Nom et prénom").fill(AGENT.name);
  await agent.locator('input[name="password"]').fill(AGENT.password);
  await agent.locator('input[name="confirm"]').fill(AGENT.password);
  await agent.getByRole("button", { name: "Créer mon compte et rejoindre" }).click();
  await heading(agent, "Tableau de bord");
  await expect(agent.locator(".org-switcher").textContent()).resolves.toContain("Mairie de Saint-Martin");
  expect(await agent.locator("#org-select").count()).toBe(0);
  expect(await agent.getByText("CCAS de Saint-Martin").count()).toBe(0);
  // A member's navigation has no admin pages.
  expect(await agent.getByRole("link", { name: "Journal d'audit" }).count()).toBe(0);
  await shot(agent, "18-tableau-de-bord-membre");

  // Forcing the second organisation's id: every org-scoped call is refused with 403 in French.
  const forced = await agent.evaluate(async (orgId) => {
    const me = await (await fetch("api/auth/me")).json();
    const h = { "x-guichet-org": orgId, "x-csrf-token": me.csrfToken, "content-type": "application/json" };
    const org = await fetch("api/org", { headers: h });
    const members = await fetch("api/org/members", { headers: h });
    const patch = await fetch("api/org", { method: "PATCH", headers: h, body: JSON.stringify({ name: "Piraté" }) });
    return { orgs: me.organisations.map((o: { name: string }) => o.name), org: org.status, members: members.status, patch: patch.status, message: (await org.json()).error.message };
  }, ccas.id);
  expect(forced).toEqual({ orgs: ["Mairie de Saint-Martin"], org: 403, members: 403, patch: 403, message: "Vous n'êtes pas membre de cette organisation." });
  // And an admin page opened by hand shows the server's refusal.
  await agent.goto(invitationLink.replace(/#.*/, "#/journal"));
  await heading(agent, "Journal d'audit");
  await agent.getByRole("alert").getByText("Vous n'avez pas les droits nécessaires pour cette action.").first().waitFor();
  await shot(agent, "19-membre-acces-refuse");

  // The agent logs out; then forgets the password and resets it from the e-mailed link.
  await logoutFromHeader(agent);
  await shot(agent, "20-connexion");
  await agent.getByRole("link", { name: "Mot de passe oublié ?" }).click();
  await heading(agent, "Mot de passe oublié");
  await agent.getByLabel("Adresse e-mail").fill(AGENT.email);
  await agent.getByRole("button", { name: "Recevoir le lien" }).click();
  await agent.getByText("Si un compte existe pour cette adresse").waitFor();
  await shot(agent, "21-mot-de-passe-oublie");
  const resetLink = await linkFromMail(AGENT.email, /réinitialisation/, "reinitialiser");
  await agent.goto(resetLink);
  await heading(agent, "Nouveau mot de passe");
  await agent.locator('input[name="password"]').fill("Nouveau-Secret-2026");
  await agent.locator('input[name="confirm"]').fill("Nouveau-Secret-2026");
  await shot(agent, "22-nouveau-mot-de-passe");
  await agent.getByRole("button", { name: "Changer le mot de passe" }).click();
  await agent.getByText("Votre mot de passe a été changé.").waitFor();
  await agent.getByRole("link", { name: "Se connecter" }).click();
  await login(agent, AGENT.email, "Nouveau-Secret-2026");
  await heading(agent, "Tableau de bord");

  // The admin sees the new member, and the page works on a phone-sized screen.
  await nav(page, "Utilisateurs");
  await page.getByRole("row", { name: new RegExp(AGENT.name) }).waitFor();
  // …and gives them a module role through the roles dialog.
  await page.getByRole("button", { name: `Modifier les rôles de ${AGENT.name}` }).click();
  await page.getByRole("dialog").getByLabel("Animateur EPN").check();
  await shot(page, "23-roles-membre");
  await page.getByRole("dialog").getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("row", { name: new RegExp(AGENT.name) }).getByRole("cell", { name: "Animateur EPN" }).waitFor();
  const phone = await newPage("téléphone", { width: 390, height: 844 });
  await phone.goto(app.url + "/");
  await login(phone, AGENT.email, "Nouveau-Secret-2026");
  await heading(phone, "Tableau de bord");
  await shot(phone, "24-telephone-tableau-de-bord");
  await phone.getByRole("button", { name: "Menu" }).click();
  await nav(phone, "Mon compte");
  await heading(phone, "Mon compte");
  await shot(phone, "25-telephone-compte");

  // English, from the account page; then log out.
  await nav(page, "Mon compte");
  await page.getByLabel("Langue de l'interface").selectOption("en");
  await heading(page, "My account");
  await shot(page, "26-account-english");
  await page.getByLabel("Interface language").selectOption("fr");
  await heading(page, "Mon compte");
  await logoutFromHeader(page);

  expect(errors).toEqual([]);
}, 240_000);
