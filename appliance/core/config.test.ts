import { expect, test } from "bun:test";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { ConfigError, DEV_DEFAULTS, loadConfig } from "./config";

test("sans rien : les valeurs de développement, ports non privilégiés, proxy-DHCP coupé", () => {
  const c = loadConfig({});
  expect(c.httpPort).toBe(8080);
  expect(c.dnsPort).toBe(5353);
  expect(c.tftpPort).toBe(6969);
  expect(c.mqttPort).toBe(1883);
  expect(c.pxe).toBeNull();
  expect(c.dataDir.endsWith("/data")).toBe(true);
  expect(DEV_DEFAULTS.smtpUrl).toBeNull();
});

test.each([
  [{ GUICHET_HTTP_PORT: "abc" }, "GUICHET_HTTP_PORT"],
  [{ GUICHET_DNS_PORT: "70000" }, "GUICHET_DNS_PORT"],
  [{ GUICHET_TFTP_PORT: "-1" }, "GUICHET_TFTP_PORT"],
  [{ GUICHET_SMTP_URL: "http://mail" }, "GUICHET_SMTP_URL"],
  [{ GUICHET_PXE: "eth0; rm -rf /" }, "GUICHET_PXE"],
  [{ GUICHET_LOG_LEVEL: "bavard" }, "GUICHET_LOG_LEVEL"],
  [{ GUICHET_DATA_DIR: " " }, "GUICHET_DATA_DIR"],
  [{ GUICHET_PUBLIC_URL: "pas une url" }, "GUICHET_PUBLIC_URL"],
])("valeur refusée %j : le message nomme %s", (env, key) => {
  expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
  try {
    loadConfig(env as Record<string, string>);
  } catch (e) {
    expect((e as Error).message).toContain(key);
  }
});

test("0 coupe un démon ; le fichier JSON est lu et l'environnement l'emporte", () => {
  const dir = mkdtempSync(join(tmpdir(), "guichet-config-"));
  const file = join(dir, "guichet.json");
  writeFileSync(file, JSON.stringify({ dnsPort: 0, httpPort: 9000, pxe: "eth1" }));
  const c = loadConfig({ GUICHET_CONFIG: file, GUICHET_HTTP_PORT: "9100" });
  expect(c.dnsPort).toBe(0);
  expect(c.httpPort).toBe(9100);
  expect(c.pxe).toBe("eth1");
});

test("un fichier de configuration avec une clé inconnue ou du JSON cassé est refusé", () => {
  const dir = mkdtempSync(join(tmpdir(), "guichet-config-"));
  const bad = join(dir, "a.json");
  writeFileSync(bad, JSON.stringify({ dnsPrt: 53 }));
  expect(() => loadConfig({ GUICHET_CONFIG: bad })).toThrow(/dnsPrt/);
  const broken = join(dir, "b.json");
  writeFileSync(broken, "{ oups");
  expect(() => loadConfig({ GUICHET_CONFIG: broken })).toThrow(/JSON invalide/);
  expect(() => loadConfig({ GUICHET_CONFIG: join(dir, "absent.json") })).toThrow(/introuvable/);
});
