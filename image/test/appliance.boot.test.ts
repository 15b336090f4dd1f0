// The appliance image, booted as a town hall would: qemu (TCG) with a blank data disk and forwarded
// ports. First boot formats the disk, makes a TLS certificate and serves the setup wizard over HTTPS;
// the power button shuts it down cleanly; the second boot finds the data (login works). The test hook
// kills Guichet and the supervisor restarts it, recording why. DNS answers on the forwarded UDP port.
// Minutes under software emulation: run by `npm run test:boot` (CI's boot stage), not by `npm test`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "bun";
import { buildTestImage, ROOT } from "./build";
import { HttpClient } from "../../scripts/test/appliance-process";
import { freePort, Vm, type Forwards } from "./qemu";

const MIN = 60_000;
const ARTIFACTS = join(ROOT, ".test-artifacts", "image");
const ADMIN = { name: "Alice Martin", email: "alice@mairie.test", password: "correct horse battery staple" };
const ORG = { name: "Mairie de Saint-Qemu", siret: "21470001600014", address: "1 place de la Mairie, 47000 Agen" };

let dir: string;
let image: Awaited<ReturnType<typeof buildTestImage>>;
let disk: string;
let forwards: Forwards;
let vm: Vm | null = null;
const figures: string[] = [];

/** Boots the image on the data disk and waits for /api/health over the forwarded HTTPS port. */
async function boot(name: string) {
  vm = Vm.start({ kernel: image.kernel, initrd: image.initrd, disk, dir, name, forwards, append: "console=ttyS0,115200n8 guichet.grace=20" });
  const api = new HttpClient(`https://127.0.0.1:${forwards.https}`, { selfSigned: true });
  const health = await vm.until("GET /api/health en HTTPS", async () => {
    const r = await api.get("/api/health");
    return r.status === 200 && r.body;
  }, 5 * MIN, 1000);
  const s = vm.elapsed();
  figures.push(`${name} : /api/health en ${s.toFixed(1)} s après le lancement de qemu`);
  return { vm, api, health, seconds: s };
}

/** Saves the serial log and the screen so that a failure (and the console) can be looked at. */
async function keep(v: Vm, label: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `${label}.serial.log`), v.serial());
  if (v.running) writeFileSync(join(ARTIFACTS, `${label}.screen.png`), await v.screenshot());
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guichet-boot-"));
  disk = join(dir, "data.img");
});

afterAll(async () => {
  if (vm) await vm.kill();
  console.log(["== image de l'appliance", ...figures.map((f) => `   ${f}`)].join("\n"));
  rmSync(dir, { recursive: true, force: true });
});

describe("image de l'appliance sous qemu", () => {
  test("construction de l'image de test (binaire, initramfs, crochet de test)", async () => {
    image = await buildTestImage(dir);
    figures.push(`construction : ${image.seconds.toFixed(0)} s`);
    for (const line of image.log.split("\n").filter((l) => /Mio/.test(l))) figures.push(line.trim());
    // A blank 2 GiB disk, sparse: the appliance must find it and format it itself.
    await $`truncate -s 2G ${disk}`;
    forwards = { https: await freePort(), http: await freePort(), dns: await freePort() };
  }, 10 * MIN);

  test("premier démarrage : disque formaté, certificat créé, installation en HTTPS", async () => {
    const { vm, api, health } = await boot("premier-démarrage");
    try {
      expect(health.status).toBe("ok");
      const serial = vm.serial();
      expect(serial).toContain("formatage de /dev/vda en ext4 (GUICHET-DATA)");
      expect(serial).toContain("certificat TLS auto-signé créé");

      // The certificate really is TLS, self-signed, with the guest's names.
      const probe = `openssl s_client -connect 127.0.0.1:${forwards.https} -servername guichet </dev/null 2>/dev/null | openssl x509 -noout -subject -ext subjectAltName`;
      const cert = await $`bash -c ${probe}`.text();
      expect(cert).toContain("CN = guichet");
      expect(cert).toContain("DNS:guichet.local");

      // Plain HTTP redirects to HTTPS (same host; the forwarded port is the host's business).
      const plain = await fetch(`http://127.0.0.1:${forwards.http}/api/setup?x=1`, { redirect: "manual" });
      expect(plain.status).toBe(308);
      expect(plain.headers.get("location")).toBe("https://127.0.0.1/api/setup?x=1");

      expect((await api.get("/api/setup")).body.needed).toBe(true);
      await vm.until("écran : premier démarrage", async () => vm.serial().includes("état : PREMIER DÉMARRAGE"), 60_000);
      await keep(vm, "1-premier-démarrage");

      const setup = await api.post("/api/setup", { organisation: ORG, admin: ADMIN });
      expect(setup.status).toBe(200);
      expect(setup.headers.get("set-cookie")).toContain("Secure");
      api.org = setup.body.orgId;
      const me = await api.refresh();
      expect(me.email).toBe(ADMIN.email);
      expect((await api.get("/api/setup")).body.needed).toBe(false);
      await vm.until("écran : en service", async () => vm.serial().includes("état : En service"), 60_000);
      await keep(vm, "2-en-service");
    } catch (e) {
      await keep(vm, "échec-premier-démarrage");
      throw e;
    }
  }, 8 * MIN);

  test("le DNS répond sur le port UDP redirigé (ou n'est pas encore câblé)", async () => {
    const v = vm!;
    const dnsWired = /dnsDaemon|name: "dns"/.test(readFileSync(join(ROOT, "appliance", "net", "index.ts"), "utf8"));
    if (!dnsWired) {
      // The DNS daemon is built in parallel: until it is in appliance/net/index.ts, nothing may hold 53.
      console.warn("DNS : le démon n'est pas encore câblé dans appliance/net/index.ts — vérification reportée");
      expect(await v.hook("ports")).not.toContain("udp 53");
      return;
    }
    await v.until("port 53/udp ouvert dans la VM", async () => (await v.hook("ports")).includes("udp 53"), 60_000, 2000);
    // Any DNS answer will do (the VM has no Internet for upstream lookups): a reply with a status
    // proves the daemon listens on 53 as user guichet and that the forwarded UDP port reaches it.
    const dig = await v.until("réponse DNS sur le port UDP redirigé", async () => {
      const out = await $`dig +time=5 +tries=1 -p ${forwards.dns} @127.0.0.1 www.example.org A`.nothrow().text();
      return /status: (NOERROR|NXDOMAIN|SERVFAIL|REFUSED)/.test(out) && out;
    }, 60_000, 2000);
    figures.push(`DNS : ${/status: \w+/.exec(dig)![0]} pour www.example.org (sans Internet dans la VM)`);
  }, 2 * MIN);

  test("Guichet tué (crochet de test) : le superviseur le relance et note pourquoi", async () => {
    const v = vm!;
    const before = (await v.hook("status"))[0]!;
    const oldPid = /pid=(\d+)/.exec(before)![1];
    // Guichet runs as user guichet (1000) holding only CAP_NET_BIND_SERVICE, yet serves 443, 80 and 53.
    expect(before).toContain("uid=1000 capeff=0000000000000400");
    expect((await v.hook("kill-guichet"))[0]).toBe(`killed ${oldPid}`);
    const t0 = performance.now();
    const after = await v.until("Guichet relancé", async () => {
      const s = (await v.hook("status"))[0]!;
      const pid = /pid=(\d+)/.exec(s)?.[1];
      return pid && pid !== oldPid && s;
    }, 2 * MIN);
    expect(after).toContain("restarts=1");
    expect(after).toContain("tué par le signal KILL (9)");
    const api = new HttpClient(`https://127.0.0.1:${forwards.https}`, { selfSigned: true });
    await v.until("/api/health après relance", async () => (await api.get("/api/health")).status === 200, 2 * MIN);
    figures.push(`relance après SIGKILL : /api/health en ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }, 5 * MIN);

  test("bouton d'alimentation : arrêt propre, Guichet reçoit SIGTERM, partition démontée", async () => {
    const v = vm!;
    const s = await v.powerButton(3 * MIN);
    figures.push(`arrêt par le bouton d'alimentation : ${s.toFixed(1)} s`);
    const serial = v.serial();
    await keep(v, "3-arrêt");
    expect(serial).toMatch(/Guichet arrêté proprement en [\d.]+ s/);
    expect(serial).toContain("partition de données démontée");
    expect(v.proc.exitCode).toBe(0);
  }, 4 * MIN);

  test("second démarrage : la partition est retrouvée, les données aussi (connexion)", async () => {
    const { vm, api } = await boot("second-démarrage");
    try {
      const serial = vm.serial();
      expect(serial).toContain("données : /dev/vda monté sur /var/lib/guichet (trouvé)");
      expect(serial).not.toContain("formatage de");
      expect((await api.get("/api/setup")).body.needed).toBe(false);
      expect((await api.post("/api/auth/login", { email: ADMIN.email, password: "mauvais mot de passe" })).status).toBe(401);
      const login = await api.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
      expect(login.status).toBe(200);
      const me = await api.refresh();
      expect(me.organisations.map((o: { name: string }) => o.name)).toContain(ORG.name);
      // The certificate made on first boot is kept (same fingerprint on screen).
      expect(serial).not.toContain("certificat TLS auto-signé créé");
      await vm.powerButton(3 * MIN);
    } catch (e) {
      await keep(vm, "échec-second-démarrage");
      throw e;
    }
  }, 8 * MIN);
});
