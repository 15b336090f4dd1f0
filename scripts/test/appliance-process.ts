// Runs the appliance as a real child process (compiled binary or `bun appliance/main.ts`) and talks to it
// over HTTP like the browser does: session cookie, CSRF token, organisation header.
// Used by the binary test and by the HTTP benchmark.
import type { Subprocess } from "bun";

/** Env that switches off the optional daemons so that parallel runs never collide on their ports. */
export const QUIET_DAEMONS = { GUICHET_DNS_PORT: "0", GUICHET_TFTP_PORT: "0", GUICHET_MQTT_PORT: "0" };

/** A running appliance: its base URL, the process, and everything it printed so far. */
export interface ApplianceProcess {
  url: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  output(): string;
  /** Sends a signal and waits for the exit; returns the exit code and how long it took. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; ms: number }>;
}

/** Collects a stream into a growing string (the appliance logs to stderr). */
function collect(stream: ReadableStream<Uint8Array>, sink: (s: string) => void) {
  const dec = new TextDecoder();
  void (async () => {
    for await (const chunk of stream) sink(dec.decode(chunk, { stream: true }));
  })();
}

/** Starts `cmd` with HTTP on port 0 and waits for its "prêt sur http://…" log line (race-free port choice). */
export async function startAppliance(cmd: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ApplianceProcess> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", GUICHET_HTTP_PORT: "0", GUICHET_HTTP_HOST: "127.0.0.1", ...QUIET_DAEMONS, ...opts.env };
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  collect(proc.stdout, (s) => (out += s));
  collect(proc.stderr, (s) => (out += s));
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let url: string | null = null;
  while (!url) {
    const m = /prêt sur (https?:\/\/[\d.]+:\d+)/.exec(out);
    if (m) url = m[1]!;
    else if (proc.exitCode !== null) throw new Error(`L'appliance s'est arrêtée au démarrage (code ${proc.exitCode}) :\n${out}`);
    else if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`L'appliance n'a pas démarré à temps :\n${out}`);
    } else await Bun.sleep(20);
  }
  return {
    url,
    proc,
    output: () => out,
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      const t0 = performance.now();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const code = await Promise.race([proc.exited, Bun.sleep(timeoutMs).then(() => "timeout" as const)]);
      if (code === "timeout") {
        proc.kill("SIGKILL");
        await proc.exited;
        return { code: null, ms: Math.round(performance.now() - t0) };
      }
      return { code, ms: Math.round(performance.now() - t0) };
    },
  };
}

/** Runs a command to its end (for configuration errors): exit code and combined output. */
export async function runToEnd(cmd: string[], opts: { cwd: string; env: Record<string, string>; timeoutMs?: number }) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...QUIET_DAEMONS, ...opts.env };
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 15_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/**
 * A browser-like HTTP client: keeps the session cookie and CSRF token, sends the organisation header.
 * `selfSigned`: accept the appliance's first-boot self-signed certificate (the boot tests check the certificate
 * on their own); every request then also gives up after 30 s, as a qemu guest may stall.
 */
export class HttpClient {
  cookie: string | null = null;
  csrf: string | null = null;
  org: string | null = null;
  constructor(
    readonly base: string,
    readonly opts: { selfSigned?: boolean } = {},
  ) {}

  /** Headers an authenticated browser request carries (also used to configure wrk). */
  authHeaders(json = false): Record<string, string> {
    const h: Record<string, string> = {};
    if (json) h["content-type"] = "application/json";
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf) h["x-csrf-token"] = this.csrf;
    if (this.org) h["x-guichet-org"] = this.org;
    return h;
  }

  async req(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string; headers: Headers }> {
    const res = await fetch(this.base + path, {
      method,
      headers: this.authHeaders(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(this.opts.selfSigned ? { redirect: "manual" as const, tls: { rejectUnauthorized: false }, signal: AbortSignal.timeout(30_000) } : {}),
    });
    const set = res.headers.get("set-cookie");
    const m = set && /guichet_session=([^;]*)/.exec(set);
    if (m) this.cookie = m[1] ? `guichet_session=${m[1]}` : null;
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  }
  get = (p: string) => this.req("GET", p);
  post = (p: string, b: unknown = {}) => this.req("POST", p, b);
  patch = (p: string, b: unknown = {}) => this.req("PATCH", p, b);

  /** Reads /api/auth/me and keeps its CSRF token and first organisation, as the UI does after login. */
  async refresh() {
    const me = await this.get("/api/auth/me");
    if (me.status !== 200) throw new Error(`/api/auth/me : ${me.status} ${me.text}`);
    this.csrf = me.body.csrfToken;
    this.org ??= me.body.organisations?.[0]?.id ?? null;
    return me.body;
  }
}

/** The first organisation and administrator used by the binary test and the benchmark. */
export const SETUP = {
  organisation: { name: "Mairie de Saint-Binaire", siret: "21470001600014", address: "1 place de la Mairie, 47000 Agen" },
  admin: { name: "Alice Martin", email: "alice@mairie.test", password: "correct horse battery staple" },
};

/** Completes the first-boot setup through the API; returns a logged-in client bound to the new organisation. */
export async function completeSetup(base: string) {
  const c = new HttpClient(base);
  const r = await c.post("/api/setup", SETUP);
  if (r.status !== 200) throw new Error(`POST /api/setup : ${r.status} ${r.text}`);
  c.org = r.body.orgId;
  await c.refresh();
  return c;
}
