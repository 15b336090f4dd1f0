/** Test fixture: the real app on a fresh database, the real MQTT service on a free loopback port, enrolled kiosks. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupApp, Client } from "../../../test/harness";
import { MqttService } from "../daemon";
import type { Enrolled } from "../enrolment";

export interface MqttFixture {
  app: Awaited<ReturnType<typeof setupApp>>;
  svc: MqttService;
  port: number;
  roomId: string;
  stop(): Promise<void>;
}

/**
 * A room, an MQTT service on 127.0.0.1:<free port>, ready to enrol kiosks. `tls`: the appliance has a certificate
 * (self-signed for 127.0.0.1, made by openssl; its path is returned for clients to trust), so the broker speaks TLS.
 */
export async function mqttFixture(opts: { tls?: boolean } = {}): Promise<MqttFixture & { cert: string | null }> {
  const app = await setupApp();
  let cert: string | null = null;
  if (opts.tls) {
    const dir = mkdtempSync(join(tmpdir(), "guichet-mqtt-tls-"));
    cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    const gen = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stderr: "pipe" });
    if (gen.exitCode !== 0) throw new Error("openssl : " + gen.stderr.toString());
    app.deps.config.tlsCert = cert;
    app.deps.config.tlsKey = key;
  }
  const room = await app.owner.post("/api/epn/rooms", { name: "Salle multimédia" });
  if (room.status !== 200) throw new Error("room: " + JSON.stringify(room.body));
  const svc = new MqttService(app.deps, 0, "127.0.0.1");
  await svc.start();
  return { app, svc, port: svc.boundPort, roomId: room.body.id, stop: () => svc.stop(), cert };
}

/** Creates an enrolment token through the admin API. */
export async function enrolmentToken(owner: Client, roomId: string, maxUses = 1) {
  const r = await owner.post("/api/mqtt/enrolment-tokens", { label: "Salle multimédia", roomId, maxUses });
  if (r.status !== 200) throw new Error("token: " + JSON.stringify(r.body));
  return r.body.token as string;
}

/** Enrols a kiosk through the public API, as the agent does. */
export async function enrolKiosk(f: MqttFixture, hostname: string, token?: string): Promise<Enrolled> {
  const tok = token ?? (await enrolmentToken(f.app.owner, f.roomId));
  // A kiosk has no staff session: a fresh client without cookie.
  const r = await new Client(f.app.app).post("/api/mqtt/enrol", { token: tok, hostname });
  if (r.status !== 200) throw new Error("enrol: " + JSON.stringify(r.body));
  return r.body as Enrolled;
}

/** Runs a Debian mosquitto client to its end (or kills it after `timeoutMs`); returns code and output. */
export async function mosquitto(args: string[], opts: { stdin?: string; timeoutMs?: number } = {}) {
  const p = Bun.spawn(args, { stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]), stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 10_000);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, out, err };
}

/** Starts a mosquitto_sub that stays connected; `lines()` is what it printed so far. */
export function subscriber(args: string[]) {
  const p = Bun.spawn(["mosquitto_sub", ...args], { stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  const dec = new TextDecoder();
  void (async () => {
    for await (const c of p.stdout) out += dec.decode(c, { stream: true });
  })();
  void (async () => {
    for await (const c of p.stderr) err += dec.decode(c, { stream: true });
  })();
  return {
    proc: p,
    lines: () => out.split("\n").filter(Boolean),
    stderr: () => err,
    async stop() {
      if (p.exitCode === null) p.kill("SIGTERM");
      await p.exited;
    },
  };
}

/** Credentials flags of mosquitto clients for an enrolled kiosk. */
export function creds(port: number, k: Enrolled) {
  return ["-h", "127.0.0.1", "-p", String(port), "-i", k.workstationId, "-u", k.username, "-P", k.password, "-V", "mqttv311"];
}

/** Waits until `cond()` holds (polling), or throws after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 5000, what = "condition") {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await Bun.sleep(25);
  }
  throw new Error(`délai dépassé en attendant : ${what}`);
}
