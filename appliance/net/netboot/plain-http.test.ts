// With HTTPS on, iPXE (no HTTPS in firmware ROMs) must still get its script and files on the plain HTTP port,
// while everything else keeps redirecting to HTTPS. Real servers, a real self-signed certificate.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "bun";
import { buildApp } from "../../app";
import { testDeps } from "../../test/harness";
import { HttpService } from "../../core/http/server";

const dir = mkdtempSync(join(tmpdir(), "guichet-nb-tls-"));
let http: HttpService;
let plain = "";

beforeAll(async () => {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  await $`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=guichet -keyout ${key} -out ${cert}`.quiet();
  const deps = testDeps();
  deps.config.dataDir = dir;
  mkdirSync(join(dir, "netboot"));
  writeFileSync(join(dir, "netboot/undionly.kpxe"), "ROM");
  // Port 0 for both: a random port may be taken by a test running beside this one.
  http = new HttpService(buildApp(deps), "127.0.0.1", 0, { cert, key, port: 0 });
  await http.start();
  plain = http.redirectUrl!;
});
afterAll(async () => {
  await http?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("script iPXE et fichiers de démarrage servis en HTTP simple ; le reste redirige vers HTTPS", async () => {
  const s = await fetch(`${plain}/api/netboot/boot/52-54-00-00-00-01`, { redirect: "manual" });
  expect(s.status).toBe(200);
  expect(await s.text()).toStartWith("#!ipxe");
  const f = await fetch(`${plain}/api/netboot/root/undionly.kpxe`, { redirect: "manual" });
  expect([f.status, await f.text()]).toEqual([200, "ROM"]);
  const admin = await fetch(`${plain}/api/netboot/images`, { redirect: "manual" });
  expect(admin.status).toBe(308);
  expect(admin.headers.get("location")).toStartWith("https://127.0.0.1:");
});
