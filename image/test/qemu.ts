// A Guichet image running under qemu-system-x86_64 (TCG: no KVM on these machines), driven the way a
// person would: ports forwarded to the host (HTTPS, HTTP, DNS), the power button over QMP, the screen
// as a PNG, and — in test images only — the test hook on the second serial port.
import type { Subprocess } from "bun";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ppmToPng } from "./screen";

/** Host ports forwarded to the guest's 443/tcp, 80/tcp and 53/udp. */
export interface Forwards {
  https: number;
  http: number;
  dns: number;
}

export interface VmOptions {
  /** Direct kernel boot (as PXE does); without it the VM boots from its disk through the firmware. */
  kernel?: string;
  initrd?: string;
  append?: string;
  /** Raw disk image (data disk, or the boot disk when there is no kernel). */
  disk?: string;
  /** How the disk is attached: virtio (default) or NVMe like most mini-PCs. */
  diskBus?: "virtio" | "nvme";
  /** Network card model: virtio-net-pci (default) or e1000e (an Intel NIC, as on mini-PCs). */
  nic?: "virtio-net-pci" | "e1000e";
  /** UEFI firmware (OVMF, q35 machine); "secure" enforces Secure Boot with Microsoft's keys enrolled. */
  uefi?: "plain" | "secure";
  /** Display: qemu's standard VGA (default) or virtio-vga, a KMS device with PRIME like real GPUs. */
  vga?: "std" | "virtio";
  /** A USB keyboard and tablet on an xHCI controller (kiosks). */
  usbInput?: boolean;
  dir: string;
  name: string;
  forwards: Forwards;
  memMiB?: number;
  smp?: number;
}

/** Firmware arguments: OVMF code read-only, a private copy of its variables (Secure Boot keys). */
function firmware(opts: VmOptions): string[] {
  if (!opts.uefi) return ["-machine", "pc"];
  const secure = opts.uefi === "secure";
  const vars = join(opts.dir, `${opts.name}.ovmf-vars.fd`);
  if (!existsSync(vars)) copyFileSync(`/usr/share/OVMF/OVMF_VARS_4M${secure ? ".ms" : ""}.fd`, vars);
  return [
    ...["-machine", secure ? "q35,smm=on" : "q35"],
    ...(secure ? ["-global", "driver=cfi.pflash01,property=secure,value=on"] : []),
    ...["-drive", `if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M${secure ? ".ms" : ""}.fd`],
    ...["-drive", `if=pflash,format=raw,unit=1,file=${vars}`],
  ];
}

/** A free port on 127.0.0.1 (TCP and UDP both free), picked by the kernel. */
export async function freePort(): Promise<number> {
  for (;;) {
    const tcp = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = tcp.port;
    tcp.stop(true);
    try {
      const udp = await Bun.udpSocket({ hostname: "127.0.0.1", port });
      udp.close();
      return port;
    } catch {
      // Taken for UDP: try another.
    }
  }
}

/** One running VM. */
export class Vm {
  readonly serialLog: string;
  private hookSock: string;
  private qmpSock: string;
  readonly startedAt = performance.now();
  private constructor(
    readonly proc: Subprocess<"ignore", "pipe", "pipe">,
    readonly opts: VmOptions,
  ) {
    this.serialLog = join(opts.dir, `${opts.name}.serial.log`);
    this.hookSock = join(opts.dir, `${opts.name}.hook.sock`);
    this.qmpSock = join(opts.dir, `${opts.name}.qmp.sock`);
  }

  /** Boots the image; returns as soon as qemu runs (the guest boots in the background). */
  static start(opts: VmOptions): Vm {
    const f = opts.forwards;
    const dir = opts.dir;
    const disk = opts.disk
      ? opts.diskBus === "nvme"
        ? ["-drive", `file=${opts.disk},if=none,id=d0,format=raw`, "-device", "nvme,drive=d0,serial=guichet0"]
        : ["-drive", `file=${opts.disk},if=virtio,format=raw`]
      : [];
    const args = [
      "qemu-system-x86_64",
      ...firmware(opts),
      ...["-cpu", "max", "-m", String(opts.memMiB ?? 768), "-smp", String(opts.smp ?? 1)],
      ...(opts.vga === "virtio" ? ["-vga", "none", "-device", "virtio-vga"] : []),
      ...(opts.usbInput ? ["-device", "qemu-xhci", "-device", "usb-kbd", "-device", "usb-tablet"] : []),
      ...["-display", "none", "-no-reboot", "-device", "virtio-rng-pci"],
      ...(opts.kernel ? ["-kernel", opts.kernel, "-initrd", opts.initrd!, "-append", opts.append ?? "console=ttyS0,115200n8"] : []),
      ...disk,
      ...["-netdev", `user,id=n0,hostfwd=tcp:127.0.0.1:${f.https}-:443,hostfwd=tcp:127.0.0.1:${f.http}-:80,hostfwd=udp:127.0.0.1:${f.dns}-:53`],
      ...["-device", `${opts.nic ?? "virtio-net-pci"},netdev=n0`],
      ...["-serial", `file:${join(dir, `${opts.name}.serial.log`)}`],
      ...["-serial", `unix:${join(dir, `${opts.name}.hook.sock`)},server=on,wait=off`],
      ...["-qmp", `unix:${join(dir, `${opts.name}.qmp.sock`)},server=on,wait=off`],
    ];
    const proc = Bun.spawn(args, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    return new Vm(proc, opts);
  }

  /** Everything the guest printed on its serial console so far. */
  serial(): string {
    return existsSync(this.serialLog) ? readFileSync(this.serialLog, "utf8") : "";
  }

  /** Seconds since qemu started. */
  elapsed(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits until `check` returns a value (polling), or throws with the end of the serial log. */
  async until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 500): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const v = await check();
        if (v) return v;
      } catch {
        // Not yet: the guest is still booting.
      }
      if (!this.running) throw new Error(`qemu s'est arrêté (code ${this.proc.exitCode}) en attendant : ${what}\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`délai dépassé en attendant : ${what}\n${this.tail()}`);
      await Bun.sleep(everyMs);
    }
  }

  /** The last lines of the serial console, for error messages. */
  tail(n = 40) {
    return this.serial().split("\n").slice(-n).join("\n");
  }

  /** Sends one line to the test hook (test images only) and returns its answer lines. */
  async hook(cmd: string, timeoutMs = 15_000): Promise<string[]> {
    let buf = "";
    // One streaming decoder: a UTF-8 character ("é") may be split across two chunks of the serial line.
    const utf8 = new TextDecoder();
    const done = Promise.withResolvers<void>();
    const sock = await Bun.connect({
      unix: this.hookSock,
      socket: {
        data(_s, d) {
          buf += utf8.decode(d, { stream: true });
          if (buf.includes("hook: end")) done.resolve();
        },
      },
    });
    try {
      sock.write(`${cmd}\n`);
      const t = setTimeout(() => done.reject(new Error(`le crochet de test n'a pas répondu à « ${cmd} »`)), timeoutMs);
      await done.promise.finally(() => clearTimeout(t));
    } finally {
      sock.end();
    }
    return buf
      .split("\n")
      .filter((l) => l.startsWith("hook: ") && l !== "hook: end")
      .map((l) => l.slice(6));
  }

  /** Runs one QMP command (power button, screen dump…) and returns its `return` value. */
  async qmp(execute: string, args?: Record<string, unknown>): Promise<unknown> {
    let buf = "";
    let sent = 0;
    const result = Promise.withResolvers<unknown>();
    const utf8 = new TextDecoder();
    const sock = await Bun.connect({
      unix: this.qmpSock,
      socket: {
        data(s, d) {
          buf += utf8.decode(d, { stream: true });
          const lines = buf.split("\n");
          buf = lines.pop()!;
          for (const line of lines) {
            const msg = JSON.parse(line);
            if (msg.QMP && sent === 0) {
              s.write(JSON.stringify({ execute: "qmp_capabilities" }) + "\n");
              sent = 1;
            } else if ("return" in msg && sent === 1) {
              s.write(JSON.stringify({ execute, ...(args ? { arguments: args } : {}) }) + "\n");
              sent = 2;
            } else if (("return" in msg || "error" in msg) && sent === 2) {
              if (msg.error) result.reject(new Error(`QMP ${execute} : ${msg.error.desc}`));
              else result.resolve(msg.return);
            }
          }
        },
      },
    });
    try {
      return await result.promise;
    } finally {
      sock.end();
    }
  }

  /** The guest's screen as raw PPM bytes (qemu's screendump). */
  async screendump(): Promise<Uint8Array> {
    const ppm = join(this.opts.dir, `${this.opts.name}.screen.ppm`);
    await this.qmp("screendump", { filename: ppm });
    return new Uint8Array(readFileSync(ppm));
  }

  /** The guest's screen as PNG bytes. */
  async screenshot(): Promise<Buffer> {
    return ppmToPng(await this.screendump());
  }

  /** Presses the power button (ACPI) and waits for the guest to power off; returns the seconds it took. */
  async powerButton(timeoutMs = 120_000): Promise<number> {
    const t0 = performance.now();
    await this.qmp("system_powerdown");
    const code = await Promise.race([this.proc.exited, Bun.sleep(timeoutMs).then(() => "timeout" as const)]);
    if (code === "timeout") throw new Error(`la VM ne s'est pas éteinte en ${timeoutMs / 1000} s après l'appui sur le bouton d'alimentation\n${this.tail()}`);
    return (performance.now() - t0) / 1000;
  }

  /** Pulls the plug (cleanup only). */
  async kill() {
    if (this.running) this.proc.kill("SIGKILL");
    await this.proc.exited;
  }
}
