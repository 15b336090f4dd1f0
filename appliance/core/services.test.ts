// The platform services wired as main.ts does: deny-by-default on their routes, and the appliance
// starts without SMTP (mail "disabled") or delivers through a real SMTP server when configured.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Elysia } from "elysia";
import { testDeps } from "../test/harness";
import { startSmtpSink } from "../test/smtp-sink";
import { buildApp } from "../app";
import { loadConfig } from "./config";
import { silentLogger } from "./log";
import { isPublic } from "./http/auth-plugin";
import { coreServices } from "./services";
import { start } from "../main";

describe("services de la plateforme", () => {
  test("chaque route ajoutée refuse un appel anonyme (401)", async () => {
    const deps = testDeps();
    const extra = coreServices(deps).routes;
    const app = buildApp(deps, { extra });
    const mine = new Set(extra.flatMap((x: Elysia) => x.routes.map((r) => `${r.method} ${r.path}`)));
    const routes = app.routes.filter((r) => mine.has(`${r.method} ${r.path}`) && r.method !== "WS" && !isPublic(r.method, r.path));
    expect(routes.length).toBeGreaterThanOrEqual(9);
    const failures: string[] = [];
    for (const r of routes) {
      const path = r.path.replace(/:[^/]+/g, "0190a0b0-0000-7000-8000-000000000000");
      const res = await app.handle(new Request("http://guichet.test" + path, { method: r.method, headers: { "content-type": "application/json" }, body: ["GET", "HEAD"].includes(r.method) ? undefined : "{}" }));
      if (res.status !== 401) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  test("une tâche de module mal définie est ignorée (journalisée) sans empêcher le démarrage", () => {
    const lines: string[] = [];
    const deps = { ...testDeps(), log: { ...silentLogger, error: (m: string) => void lines.push(m) } };
    const core = coreServices(deps, undefined, [{ name: "epn", jobs: () => [{ name: "purge-sessions", everyMs: 1000, run: () => {} }] }]);
    expect(core.jobs.list().map((j) => j.name)).toContain("purge-sessions");
    expect(lines[0]).toContain("déjà enregistrée");
  });

  test("sans GUICHET_SMTP_URL et avec les démons à 0, l'appliance démarre ; e-mail « disabled », tâches en marche", async () => {
    const dir = mkdtempSync(join(tmpdir(), "guichet-svc-"));
    const config = loadConfig({ GUICHET_DATA_DIR: dir, GUICHET_HTTP_HOST: "127.0.0.1", GUICHET_HTTP_PORT: "0", GUICHET_DNS_PORT: "0", GUICHET_TFTP_PORT: "0", GUICHET_MQTT_PORT: "0" });
    const running = await start(config, { uiAssets: {}, log: silentLogger });
    try {
      const states = Object.fromEntries(running.services.statuses().map((s) => [s.name, s.state]));
      expect(states).toMatchObject({ http: "running", mail: "disabled", jobs: "running" });
      const health = await fetch(`${running.http.url}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test("avec GUICHET_SMTP_URL, l'invitation envoyée depuis l'API arrive au serveur SMTP", async () => {
    const sink = await startSmtpSink();
    const dir = mkdtempSync(join(tmpdir(), "guichet-svc-"));
    const config = loadConfig({ GUICHET_DATA_DIR: dir, GUICHET_HTTP_HOST: "127.0.0.1", GUICHET_HTTP_PORT: "0", GUICHET_DNS_PORT: "0", GUICHET_TFTP_PORT: "0", GUICHET_MQTT_PORT: "0", GUICHET_SMTP_URL: sink.url, GUICHET_MAIL_FROM: "Mairie <mairie@testville.fr>" });
    const running = await start(config, { uiAssets: {}, log: silentLogger });
    try {
      expect(running.services.statuses().find((s) => s.name === "mail")!.state).toBe("running");
      const base = running.http.url!;
      const setup = await fetch(`${base}/api/setup`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ organisation: { name: "Mairie de Testville" }, admin: { name: "Alice", email: "alice@testville.fr", password: "correct horse battery" } }) });
      expect(setup.status).toBe(200);
      const cookie = setup.headers.get("set-cookie")!.split(";")[0]!;
      const me = await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json();
      const inv = await fetch(`${base}/api/org/invitations`, { method: "POST", headers: { cookie, "x-csrf-token": me.csrfToken, "content-type": "application/json" }, body: JSON.stringify({ email: "bob@testville.fr", role: "member" }) });
      expect(inv.status).toBe(200);
      const m = await sink.waitFor((x) => x.to === "bob@testville.fr", 10_000);
      expect(m.subject).toBe("Invitation à rejoindre Mairie de Testville sur Guichet");
      expect(m.from).toBe("mairie@testville.fr");
      expect(m.text).toMatch(/#\/invitation\/[\w-]+/);
      // The row turns "sent" right after the server's 250: the admin's outbox view shows it.
      let outbox: any;
      for (let i = 0; i < 100; i++) {
        outbox = await (await fetch(`${base}/api/mail/outbox`, { headers: { cookie } })).json();
        if (outbox.items[0]?.status === "sent") break;
        await Bun.sleep(20);
      }
      expect(outbox.sender.state).toBe("running");
      expect(outbox.items[0]).toMatchObject({ to: "bob@testville.fr", status: "sent", attempts: 1 });
    } finally {
      await running.stop();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
