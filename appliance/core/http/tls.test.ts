// HTTPS boot settings (GUICHET_TLS_CERT / GUICHET_TLS_KEY / GUICHET_HTTPS_PORT) and the HTTP → HTTPS redirect,
// with a real self-signed certificate made by openssl, as the appliance image does on first boot.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "bun";
import { ConfigError, loadConfig } from "../config";
import { buildApp } from "../../app";
import { testDeps } from "../../test/harness";
import { HttpService } from "./server";

let dir: string;
let cert: string;
let key: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "guichet-tls-"));
  cert = join(dir, "cert.pem");
  key = join(dir, "key.pem");
  await $`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=guichet -addext subjectAltName=IP:127.0.0.1 -keyout ${key} -out ${cert}`.quiet();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("réglages TLS", () => {
  test("HTTPS désactivé par défaut, port 8443 en développement", () => {
    const c = loadConfig({});
    expect(c.tlsCert).toBeNull();
    expect(c.tlsKey).toBeNull();
    expect(c.httpsPort).toBe(8443);
  });

  test("certificat et clé donnés : chemins absolus, port lu", () => {
    const c = loadConfig({ GUICHET_TLS_CERT: cert, GUICHET_TLS_KEY: key, GUICHET_HTTPS_PORT: "443" });
    expect(c.tlsCert).toBe(cert);
    expect(c.tlsKey).toBe(key);
    expect(c.httpsPort).toBe(443);
  });

  test.each([
    [{ GUICHET_TLS_CERT: "CERT" }, /GUICHET_TLS_KEY manquant/],
    [{ GUICHET_TLS_KEY: "KEY" }, /GUICHET_TLS_CERT manquant/],
    [{ GUICHET_TLS_CERT: "/nulle/part.pem", GUICHET_TLS_KEY: "KEY" }, /GUICHET_TLS_CERT=\/nulle\/part.pem : fichier introuvable/],
    [{ GUICHET_TLS_CERT: "CERT", GUICHET_TLS_KEY: "KEY", GUICHET_HTTPS_PORT: "https" }, /GUICHET_HTTPS_PORT="https"/],
  ])("réglage refusé %#", (env, message) => {
    const real = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "CERT" ? cert : v === "KEY" ? key : v]));
    expect(() => loadConfig(real)).toThrow(ConfigError);
    expect(() => loadConfig(real)).toThrow(message);
  });

  test("le même réglage dans le fichier GUICHET_CONFIG", () => {
    const file = join(dir, "guichet.json");
    writeFileSync(file, JSON.stringify({ tlsCert: cert, tlsKey: key, httpsPort: 9443 }));
    const c = loadConfig({ GUICHET_CONFIG: file });
    expect([c.tlsCert, c.tlsKey, c.httpsPort]).toEqual([cert, key, 9443]);
  });
});

describe("serveur HTTPS", () => {
  test("sert l'application en HTTPS, le port HTTP redirige, le cookie de session est Secure", async () => {
    const deps = testDeps();
    const http = new HttpService(buildApp(deps), "127.0.0.1", 0, { cert, key, port: 0 });
    http.start();
    try {
      expect(http.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const insecure = { tls: { rejectUnauthorized: false } };
      const health = await fetch(`${http.url}/api/health`, insecure);
      expect(health.status).toBe(200);
      expect((await health.json()).status).toBe("ok");

      // Without skipping verification the self-signed certificate is refused: it really is TLS.
      await expect(fetch(`${http.url}/api/health`)).rejects.toThrow();

      const httpsPort = new URL(http.url!).port;
      const r = await fetch(`${http.redirectUrl}/api/setup?x=1`, { redirect: "manual" });
      expect(r.status).toBe(308);
      expect(r.headers.get("location")).toBe(`https://127.0.0.1:${httpsPort}/api/setup?x=1`);

      const setup = await fetch(`${http.url}/api/setup`, {
        ...insecure,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ organisation: { name: "Mairie de Tlsville" }, admin: { name: "Alice", email: "alice@mairie.test", password: "correct horse battery" } }),
      });
      expect(setup.status).toBe(200);
      expect(setup.headers.get("set-cookie")).toContain("; Secure");
    } finally {
      await http.stop();
    }
    // Both ports are released on stop.
    expect(http.redirectUrl).toBeNull();
  });
});
