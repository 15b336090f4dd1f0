/**
 * The netboot pages in a real Chromium against the real appliance: an unknown PC boots (its iPXE script is
 * fetched), shows up as a candidate, is enrolled; an image version is created, its files uploaded through the
 * file inputs, made the default; the next unknown PC's script boots it. Screenshots in .test-artifacts/ui/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { freePort, heading, launchChromium, shot, startAppliance, watchErrors, type Appliance } from "../../../test/appliance-process";

let app: Appliance;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  app = await startAppliance({ GUICHET_TFTP_PORT: String(freePort()) });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, "netboot", errors);
  await page.goto(app.url);
  const setup = await page.evaluate(async () => {
    const r = await fetch("api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ organisation: { name: "Mairie de Saint-Martin" }, admin: { name: "Nadia Tech", email: "nadia@mairie.test", password: "correct horse battery" } }) });
    return r.status;
  });
  expect(setup).toBe(200);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const script = async (mac: string) => (await fetch(`${app.url}/api/netboot/boot/${mac}`)).text();

test("enrôler un PC inconnu, publier une image et la rendre par défaut", async () => {
  expect(await script("52-54-00-12-34-99")).toContain("poste inconnu");
  // Setup was done by fetch: reload so the UI picks up the session it opened.
  await page.goto(`${app.url}/#/netboot`);
  await page.reload();
  await heading(page, "Netboot : postes");
  await page.getByText("port ").first().waitFor();
  const row = page.getByRole("row", { name: /52:54:00:12:34:99/ });
  await row.waitFor();
  await shot(page, "netboot-01-candidat");

  await row.getByRole("button", { name: "Enrôler" }).click();
  await page.getByLabel("Nom du poste").fill("EPN-01");
  await page.getByLabel("Groupe de postes").fill("Salle jeunesse");
  await shot(page, "netboot-02-enrolement");
  await page.getByRole("dialog").getByRole("button", { name: "Enrôler" }).click();
  await page.getByRole("row", { name: /EPN-01/ }).waitFor();
  await expect(page.getByText("Aucun PC inconnu n'a démarré sur le réseau.").isVisible()).resolves.toBe(true);
  await shot(page, "netboot-03-poste-enregistre");

  await page.goto(`${app.url}/#/netboot/images`);
  await heading(page, "Netboot : images");
  await page.getByRole("textbox", { name: "Version" }).fill("2026.03");
  await page.getByRole("button", { name: "Créer la version" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.locator('input[name="kernel"]').setInputFiles({ name: "vmlinuz", mimeType: "application/octet-stream", buffer: Buffer.alloc(200_000, 7) });
  await dialog.locator('input[name="initrd"]').setInputFiles({ name: "initrd.img", mimeType: "application/octet-stream", buffer: Buffer.alloc(50_000, 9) });
  await shot(page, "netboot-04-envoi");
  await dialog.getByRole("button", { name: "Envoyer" }).click();
  await page.getByRole("row", { name: /Kiosque EPN 2026\.03.*prête/ }).waitFor();

  // The same version again: the server's French refusal is shown, nothing is created.
  await page.getByRole("textbox", { name: "Version" }).fill("2026.03");
  await page.getByRole("button", { name: "Créer la version" }).click();
  await page.getByText("L'image « Kiosque EPN » existe déjà en version 2026.03.").waitFor();
  await shot(page, "netboot-05-doublon-refuse");

  await page.getByRole("combobox", { name: "Image" }).selectOption({ label: "Kiosque EPN 2026.03" });
  await page.getByRole("button", { name: "Définir par défaut" }).click();
  await page.getByRole("row", { name: /Tous les postes.*Kiosque EPN 2026\.03/ }).waitFor();
  await shot(page, "netboot-06-image-par-defaut");

  const s = await script("52-54-00-12-34-98");
  expect(s).toMatch(/kernel http:\/\/127\.0\.0\.1:\d+\/api\/netboot\/root\/images\/[\w-]+\/kernel initrd=initrd console=tty0 quiet/);
  expect(errors).toEqual([]);
}, 120_000);
