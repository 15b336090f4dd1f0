/**
 * A small LAN of network namespaces for the PXE boot test: the town hall's router (Debian dnsmasq: addresses
 * and IPv6 RAs only), the Guichet appliance, and the client side holding the bridge and qemu's tap device.
 */
import { spawnSync, type Subprocess } from "bun";
import { existsSync } from "node:fs";

/** One test LAN; `destroy()` removes everything it created. */
export interface Lan {
  router: string;
  guichet: string;
  client: string;
  /** Addresses on the LAN. */
  routerIp: string;
  guichetIp: string;
  procs: Subprocess[];
  destroy(): void;
}

function run(cmd: string[]) {
  const r = spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} : ${r.stderr.toString().trim()}`);
  return r.stdout.toString();
}

/** What the test needs on the machine, with the Debian package that provides it. */
export function missingTools(): string[] {
  const need: [string, string][] = [
    ["ip", "iproute2"],
    ["dnsmasq", "dnsmasq-base"],
    ["qemu-system-x86_64", "qemu-system-x86"],
  ];
  const files: [string, string][] = [
    ["/usr/share/ovmf/OVMF.fd", "ovmf"],
    ["/usr/lib/ipxe/ipxe.efi", "ipxe"],
    ["/dev/net/tun", "accès au périphérique tun"],
  ];
  return [
    ...need.filter(([bin]) => spawnSync(["sh", "-c", `command -v ${bin}`]).exitCode !== 0).map(([bin, pkg]) => `${bin} (paquet ${pkg})`),
    ...files.filter(([f]) => !existsSync(f)).map(([f, pkg]) => `${f} (${pkg})`),
  ];
}

/** Builds router ⟷ bridge ⟷ guichet, plus a tap device on the bridge for qemu. Needs root and /dev/net/tun. */
export function createLan(): Lan {
  const p = `gnb${Math.random().toString(16).slice(2, 8)}`;
  const lan: Lan = {
    router: `${p}r`,
    guichet: `${p}g`,
    client: `${p}c`,
    routerIp: "10.66.0.1",
    guichetIp: "10.66.0.2",
    procs: [],
    destroy() {
      for (const pr of lan.procs) {
        try {
          pr.kill();
        } catch {
          // already gone
        }
      }
      for (const ns of [lan.router, lan.guichet, lan.client]) spawnSync(["ip", "netns", "del", ns]);
    },
  };
  try {
    for (const ns of [lan.router, lan.guichet, lan.client]) {
      run(["ip", "netns", "add", ns]);
      run(["ip", "-n", ns, "link", "set", "lo", "up"]);
    }
    const c = ["ip", "-n", lan.client];
    run([...c, "link", "add", "br0", "type", "bridge"]);
    run([...c, "link", "set", "br0", "up"]);
    for (const [ns, port] of [
      [lan.router, "vr"],
      [lan.guichet, "vg"],
    ] as const) {
      run([...c, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      run([...c, "link", "set", port, "master", "br0", "up"]);
      run(["ip", "-n", ns, "link", "set", "eth0", "up"]);
    }
    run([...c, "tuntap", "add", "tap0", "mode", "tap"]);
    run([...c, "link", "set", "tap0", "master", "br0", "up"]);
    run(["ip", "-n", lan.router, "addr", "add", `${lan.routerIp}/24`, "dev", "eth0"]);
    run(["ip", "-n", lan.router, "addr", "add", "fd66::1/64", "dev", "eth0", "nodad"]);
    run(["ip", "-n", lan.guichet, "addr", "add", `${lan.guichetIp}/24`, "dev", "eth0"]);
    // As on a real LAN, the appliance's default route is the town hall's router.
    run(["ip", "-n", lan.guichet, "route", "add", "default", "via", lan.routerIp]);
  } catch (e) {
    lan.destroy();
    throw e;
  }
  return lan;
}

/** Collects a process's output and resolves when `pattern` shows up (or rejects on exit/timeout). */
export function watch(proc: Subprocess<any, "pipe", any>, label: string) {
  let text = "";
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      text += dec.decode(chunk, { stream: true });
      for (const w of [...waiters]) {
        const m = text.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  if (proc.stderr && typeof proc.stderr !== "number") void pump(proc.stderr as ReadableStream<Uint8Array>);
  return {
    get text() {
      return text;
    },
    until(re: RegExp, ms: number): Promise<RegExpMatchArray> {
      const m = text.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label} : « ${re.source} » pas vu en ${ms / 1000} s. Sortie :\n${text.slice(-4000)}`)), ms);
        waiters.push({
          re,
          resolve: (x) => {
            clearTimeout(timer);
            resolve(x);
          },
        });
        void proc.exited.then((code) => {
          setTimeout(() => {
            const again = text.match(re);
            if (again) return;
            clearTimeout(timer);
            reject(new Error(`${label} s'est arrêté (code ${code}) avant « ${re.source} ». Sortie :\n${text.slice(-4000)}`));
          }, 200);
        });
      });
    },
  };
}

/** The town hall's DHCP server: addresses and router advertisements, no PXE option at all. */
export function startRouterDhcp(lan: Lan, leaseFile: string) {
  const proc = Bun.spawn(
    [
      "ip", "netns", "exec", lan.router, "dnsmasq", "--no-daemon", "--port=0", "--interface=eth0", "--bind-interfaces",
      "--dhcp-range=10.66.0.100,10.66.0.150,255.255.255.0,1h", "--dhcp-option=option:router,10.66.0.1",
      // Without RAs iPXE waits ~16 s for IPv6 autoconfiguration: real French boxes send them, so does ours.
      "--enable-ra", "--dhcp-range=fd66::,ra-only", `--dhcp-leasefile=${leaseFile}`, "--log-dhcp", "--log-facility=-",
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  lan.procs.push(proc);
  return watch(proc, "dnsmasq");
}
