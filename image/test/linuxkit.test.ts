// linuxkit.yml and the Debian-built image (scripts/build-image + rootfs/) must describe the same
// appliance: same binary, same ports and capability, same data disk label and mount point, no login.
// Fast: it reads files, boots nothing (the boot test does that for the Debian image).
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeConfig, loadConfig } from "../../appliance/core/config";

const ROOT = join(import.meta.dir, "..", "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

interface Service {
  name: string;
  image: string;
  command?: string[];
  capabilities?: string[];
  binds?: string[];
  net?: string;
}
interface LinuxKit {
  kernel: { image: string; cmdline: string };
  init: string[];
  onboot: Service[];
  services: Service[];
  files: { path: string; source?: string; directory?: boolean }[];
}

const lk = Bun.YAML.parse(read("linuxkit.yml")) as LinuxKit;
const pkg = Bun.YAML.parse(read("image/guichet/build.yml")) as { config: { capabilities: string[]; binds: string[]; net: string } };
const guichet = lk.services.find((s) => s.name === "guichet")!;
/** A shell variable assignment (VAR=value) in a rootfs script. */
const shellVar = (file: string, name: string) => new RegExp(`^${name}=(\\S+)$`, "m").exec(read(file))?.[1];
const env = Object.fromEntries(
  read("rootfs/etc/guichet/guichet.env")
    .split("\n")
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
);

describe("linuxkit.yml et l'image construite depuis Debian", () => {
  test("chaque image est épinglée (ni latest ni étiquette mobile)", () => {
    const images = [lk.kernel.image, ...lk.init, ...lk.onboot.map((s) => s.image), ...lk.services.map((s) => s.image)];
    expect(images.length).toBeGreaterThan(8);
    for (const img of images) {
      const tag = img.split(":")[1] ?? "";
      expect(tag, img).toMatch(/^([0-9a-f]{40}|\d+\.\d+\.\d+)$/);
    }
  });

  test("le même binaire : /usr/bin/guichet, lancé par le même superviseur", () => {
    const bin = shellVar("rootfs/usr/lib/guichet/supervise", "BIN");
    expect(bin).toBe("/usr/bin/guichet");
    expect(read("scripts/build-image")).toContain(`"$BINARY" ${bin}`);
    expect(read("image/guichet/Dockerfile")).toContain(`COPY guichet ${bin}`);
    expect(guichet.command).toEqual(["/usr/lib/guichet/container-start"]);
    expect(read("image/guichet/container-start")).toContain("exec /usr/lib/guichet/supervise");
    // Both carry Debian's iPXE binaries for the netboot daemons.
    for (const f of ["undionly.kpxe", "ipxe.efi", "snponly.efi"]) {
      expect(read("scripts/build-image")).toContain(f);
      expect(read("image/guichet/Dockerfile")).toContain(`/usr/lib/ipxe/${f}`);
    }
    // The LinuxKit package carries the very rootfs scripts the Debian image runs.
    expect(read("image/guichet/prepare.sh")).toContain("rootfs/usr/lib/guichet/{lib.sh,supervise,boot-tls}");
  });

  test("les mêmes ports : le fichier de réglages de rootfs/, des clés que Guichet connaît", () => {
    expect(lk.files).toContainEqual(expect.objectContaining({ path: "etc/guichet/guichet.env", source: "rootfs/etc/guichet/guichet.env" }));
    expect(guichet.binds).toContain("/etc/guichet:/etc/guichet:ro");
    expect(guichet.net).toBe("host");
    expect([env.GUICHET_HTTP_PORT, env.GUICHET_HTTPS_PORT, env.GUICHET_DNS_PORT, env.GUICHET_TFTP_PORT]).toEqual(["80", "443", "53", "69"]);
    const known = new Set(describeConfig().map((c) => c.env));
    for (const k of Object.keys(env).filter((k) => k.startsWith("GUICHET_"))) expect(known.has(k), `${k} inconnu de appliance/core/config.ts`).toBe(true);
  });

  test("ces réglages sont acceptés tels quels par Guichet (HTTPS sur 443, HTTP 80 qui redirige)", () => {
    // The certificate files exist on the appliance (first boot makes them): stand-ins here.
    const tmp = mkdtempSync(join(tmpdir(), "guichet-env-"));
    try {
      const cert = join(tmp, "cert.pem");
      const key = join(tmp, "key.pem");
      writeFileSync(cert, "");
      writeFileSync(key, "");
      const c = loadConfig({ ...env, GUICHET_TLS_CERT: cert, GUICHET_TLS_KEY: key });
      expect([c.httpPort, c.httpsPort, c.dnsPort, c.tftpPort, c.mqttPort]).toEqual([80, 443, 53, 69, 1883]);
      expect(c.dataDir).toBe(env.GUICHET_DATA_DIR!);
      expect(c.pxe).toBeNull();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test("la même capacité : CAP_NET_BIND_SERVICE seule pour le service, sous l'utilisateur guichet", () => {
    expect(guichet.capabilities).toContain("CAP_NET_BIND_SERVICE");
    expect(pkg.config.capabilities.sort()).toEqual([...guichet.capabilities!].sort());
    expect(pkg.config.binds.sort()).toEqual([...guichet.binds!].sort());
    const supervise = read("rootfs/usr/lib/guichet/supervise");
    expect(supervise).toContain("--reuid=1000");
    expect(supervise).toContain("--ambient-caps=+net_bind_service");
    expect(supervise).toContain("--bounding-set=-all,+net_bind_service");
  });

  test("le même disque de données : étiquette GUICHET-DATA montée sur /var/lib/guichet", () => {
    const label = shellVar("rootfs/usr/lib/guichet/lib.sh", "LABEL");
    const data = shellVar("rootfs/usr/lib/guichet/lib.sh", "DATA");
    expect([label, data]).toEqual(["GUICHET-DATA", "/var/lib/guichet"]);
    const format = lk.onboot.find((s) => s.name === "format")!;
    const mount = lk.onboot.find((s) => s.name === "mount")!;
    expect(format.command).toEqual(["/usr/bin/format", "-type", "ext4", "-label", label!]);
    expect(mount.command).toEqual(["/usr/bin/mountie", "-label", label!, data!]);
    expect(guichet.binds).toContain(`${data}:${data}`);
    // Guichet's data, its certificate and key live on that partition.
    for (const k of ["GUICHET_DATA_DIR", "GUICHET_TLS_CERT", "GUICHET_TLS_KEY"]) expect(env[k]!.startsWith(`${data}/`), k).toBe(true);
  });

  test("aucune invite de connexion : ni getty dans linuxkit.yml, ni dans l'inittab", () => {
    expect(lk.services.map((s) => s.name)).not.toContain("getty");
    const entries = read("rootfs/etc/inittab")
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"));
    expect(entries.length).toBeGreaterThan(3);
    for (const e of entries) expect(e).not.toMatch(/getty|login|askfirst|\/bin\/sh/);
  });

  test("chaque fichier cité existe", () => {
    for (const f of lk.files.filter((f) => f.source)) expect(existsSync(join(ROOT, f.source!)), f.source).toBe(true);
  });
});
