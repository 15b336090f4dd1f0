/** Browser-test helpers: the real appliance as a subprocess, Debian's Chromium through playwright-core, page actions. */
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Repository root (two levels above ui/test). */
export const ROOT = resolve(import.meta.dir, "../..");
/** Where screenshots go (git-ignored). */
export const SHOTS = join(ROOT, ".test-artifacts/ui");

/** A running appliance: its base URL, data folder and captured logs. */
export interface Appliance {
  url: string;
  dataDir: string;
  logs(): string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
}

async function drain(stream: ReadableStream<Uint8Array>, into: string[]) {
  const dec = new TextDecoder();
  for await (const chunk of stream) into.push(dec.decode(chunk, { stream: true }));
}

/** Starts `bun appliance/main.ts` on a fresh data folder; resolves once /api/health answers. */
export async function startAppliance(env: Record<string, string> = {}): Promise<Appliance> {
  const dataDir = mkdtempSync(join(tmpdir(), "guichet-ui-e2e-"));
  const port = freePort();
  const out: string[] = [];
  const proc = Bun.spawn([join(ROOT, "node_modules/.bin/bun"), "appliance/main.ts"], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...process.env,
      GUICHET_DATA_DIR: dataDir,
      GUICHET_HTTP_HOST: "127.0.0.1",
      GUICHET_HTTP_PORT: String(port),
      GUICHET_DNS_PORT: "0",
      GUICHET_TFTP_PORT: "0",
      GUICHET_MQTT_PORT: "0",
      GUICHET_LOG_LEVEL: "info",
      ...env,
    },
  });
  void drain(proc.stdout, out);
  void drain(proc.stderr, out);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`l'appliance s'est arrêtée au démarrage :\n${out.join("")}`);
    }
    try {
      const r = await fetch(url + "/api/health");
      if (r.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      proc.kill();
      await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`l'appliance ne répond pas sur ${url} :\n${out.join("")}`);
    }
    await Bun.sleep(100);
  }
  return {
    url,
    dataDir,
    logs: () => out.join(""),
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's Chromium headless with the flags known to work on these machines. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    // French date inputs (jj/mm/aaaa), as on the town hall's computers.
    env: { ...process.env, LANG: "fr_FR.UTF-8", LANGUAGE: "fr" },
    args: ["--headless", "--lang=fr-FR", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Saves a screenshot as .test-artifacts/ui/<name>.png: the whole page, or only the viewport while a dialog is open. */
export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  // Let toasts and fonts settle so the picture shows what a user would see.
  await page.waitForTimeout(150);
  const dialog = await page.locator("dialog[open]").count();
  // A full-page capture of a scrolled page draws the sticky header mid-page: start from the top.
  if (!dialog) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, name + ".png"), fullPage: !dialog });
}

/** Collects uncaught page errors so the test can assert the UI never crashed. */
export function watchErrors(page: Page, label: string, into: string[]) {
  page.on("pageerror", (e) => into.push(`${label}: ${e.message}`));
  page.on("console", (m) => {
    // Expected API refusals (401, 403, 422…) are logged by Chromium as failed loads, and the live socket may
    // retry while its server side is missing: neither is a UI crash.
    if (m.type() === "error" && !/^Failed to load resource|WebSocket/.test(m.text())) into.push(`${label}: console: ${m.text()}`);
  });
}

/** Waits for the page's h1. */
export async function heading(page: Page, text: string | RegExp) {
  await page.getByRole("heading", { level: 1, name: text }).waitFor({ timeout: 30_000 });
}

/** Fills and submits the login form. */
export async function login(page: Page, email: string, password: string) {
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

/** Clicks an entry of the side navigation. */
export async function nav(page: Page, label: string) {
  await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: label, exact: true }).click();
}

/** Logs out with the header button and waits for the login page. */
export async function logoutFromHeader(page: Page) {
  await page.getByRole("banner").getByRole("button", { name: "Se déconnecter" }).click();
  await heading(page, "Connexion");
}
