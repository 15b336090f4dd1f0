/**
 * The DNS pages in a real Chromium against the real appliance (its DNS daemon on a free port, Debian's dnsmasq
 * as upstream): add an upstream and a local list through the forms, query with dig, watch the live log,
 * ask "why?", edit a group and the settings. Screenshots in .test-artifacts/ui/dns-*.png.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { freePort, heading, launchChromium, nav, shot, startAppliance, watchErrors, type Appliance } from "../../../test/appliance-process";
import { dig, startDnsmasq, type Dnsmasq } from "../../../../appliance/net/dns/test/tools";

let app: Appliance;
let upstream: Dnsmasq;
let browser: Browser;
let page: Page;
let dnsPort: number;
const errors: string[] = [];

beforeAll(async () => {
  upstream = await startDnsmasq();
  dnsPort = freePort();
  app = await startAppliance({ GUICHET_DNS_PORT: String(dnsPort) });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  watchErrors(page, "dns", errors);
  await page.goto(app.url);
  const setup = await page.evaluate(async () => {
    const r = await fetch("api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ organisation: { name: "Mairie de Saint-Martin" }, admin: { name: "Nadia Tech", email: "nadia@mairie.test", password: "correct horse battery" } }) });
    return r.status;
  });
  expect(setup).toBe(200);
  await page.reload();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  upstream?.stop();
});

const q = (name: string, ...args: string[]) => dig(["@127.0.0.1", "-p", String(dnsPort), name, ...args]);

test("configurer le filtre, voir une requête bloquée en direct et savoir pourquoi", async () => {
  await page.goto(`${app.url}/#/dns`);
  await heading(page, "Filtre DNS");
  await page.getByText("Aucun serveur amont n'est configuré").waitFor();
  expect((await q("guichet.lan")).answers[0]?.data).toBe("127.0.0.1");
  await shot(page, "dns-01-tableau-de-bord-vide");

  // Upstream: a wrong address first (the server's French message is shown), then dnsmasq.
  await nav(page, "Serveurs amont");
  await heading(page, "Serveurs amont");
  await page.getByLabel("Protocole").first().selectOption("dns");
  await page.getByRole("textbox", { name: "Nom", exact: true }).fill("dnsmasq de la mairie");
  await page.getByLabel("Adresse IP (et port)").fill("dns.exemple.fr");
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await page.getByText("Adresse IP attendue").first().waitFor();
  await page.getByLabel("Adresse IP (et port)").fill(`127.0.0.1:${upstream.port}`);
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await page.getByRole("row", { name: /dnsmasq de la mairie/ }).waitFor();
  await page.getByRole("button", { name: "Tester les serveurs" }).click();
  await page.getByRole("row", { name: /dnsmasq de la mairie.*ok/ }).waitFor();
  await shot(page, "dns-02-serveurs-amont");

  await nav(page, "Listes");
  await heading(page, "Listes de filtrage");
  await page.getByRole("button", { name: "Ajouter une liste" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nom").fill("Publicités locales");
  await dialog.getByLabel("Source").selectOption("local");
  await dialog.getByLabel("Règles, une par ligne").fill("||pub.exemple.fr^\n*.traceur.test\n||chemin.test/page\n");
  await shot(page, "dns-03-nouvelle-liste");
  await dialog.getByRole("button", { name: "Ajouter" }).click();
  await page.getByRole("row", { name: /Publicités locales.*2/ }).waitFor();
  await shot(page, "dns-04-listes");

  expect((await q("www.pub.exemple.fr")).answers[0]?.data).toBe("0.0.0.0");
  expect((await q("www.zone.test")).answers[0]?.data).toBe("192.0.2.10");

  await nav(page, "Journal");
  await heading(page, "Journal des requêtes DNS");
  await page.getByRole("row", { name: /www\.pub\.exemple\.fr.*bloquée/ }).waitFor();
  // Live: a query made while the page is open appears without reloading.
  await q("live.traceur.test");
  await page.getByRole("row", { name: /live\.traceur\.test.*bloquée/ }).waitFor({ timeout: 10_000 });
  await shot(page, "dns-05-journal");

  await page.getByRole("row", { name: /live\.traceur\.test/ }).getByRole("link", { name: "Pourquoi ?" }).click();
  await heading(page, "Pourquoi ce nom est-il bloqué ?");
  await page.getByText("Bloqué par la règle « *.traceur.test » de la liste « Publicités locales » (ligne 2).").waitFor();
  await shot(page, "dns-06-pourquoi");

  await nav(page, "Groupes");
  await heading(page, "Groupes de clients");
  await page.getByRole("button", { name: "Nouveau groupe" }).click();
  const g = page.getByRole("dialog");
  await g.getByLabel("Nom du groupe").fill("Kiosques");
  await g.getByLabel("Clients").fill("192.168.10.0/24\npas-une-adresse");
  await g.getByLabel("Publicités locales (blocage)").check();
  await g.getByLabel("Imposer la recherche sécurisée").check();
  await g.getByLabel("N'autoriser Internet qu'aux horaires d'ouverture").check();
  await g.getByLabel("Lundi").fill("9h-12h, 14h-18h");
  await g.getByRole("button", { name: "Enregistrer" }).click();
  await g.getByText("Client non reconnu : pas-une-adresse").waitFor();
  await shot(page, "dns-07-groupe-erreur");
  await g.getByLabel("Clients").fill("192.168.10.0/24");
  await g.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("row", { name: /Kiosques.*192\.168\.10\.0\/24.*Lun\. 09:00-12:00, 14:00-18:00/ }).waitFor();
  await shot(page, "dns-08-groupes");

  await nav(page, "Noms locaux");
  await heading(page, "Noms locaux");
  await page.getByRole("textbox", { name: "Nom", exact: true }).fill("imprimante.mairie.lan");
  await page.getByLabel("Valeur").fill("192.168.1.20");
  await page.getByRole("button", { name: "Ajouter", exact: true }).click();
  await page.getByRole("row", { name: /imprimante\.mairie\.lan/ }).waitFor();
  expect((await q("imprimante.mairie.lan")).answers[0]?.data).toBe("192.168.1.20");
  await shot(page, "dns-09-noms-locaux");

  await nav(page, "Réglages");
  await heading(page, "Réglages du filtre DNS");
  await page.getByLabel("Réponse pour un nom bloqué").selectOption("nxdomain");
  await page.getByLabel("Conservation du journal (jours)").fill("400");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByText("La conservation du journal doit être entre 1 et 365 jours.").waitFor();
  await page.getByLabel("Conservation du journal (jours)").fill("30");
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByText("Réglages DNS enregistrés.").waitFor();
  expect((await q("pub.exemple.fr")).status).toBe("NXDOMAIN");
  await shot(page, "dns-10-reglages");

  await nav(page, "Vue d'ensemble");
  await heading(page, "Filtre DNS");
  await page.getByRole("figure", { name: /Domaines les plus bloqués/ }).waitFor();
  await shot(page, "dns-11-tableau-de-bord");
  expect(errors).toEqual([]);
}, 120_000);
