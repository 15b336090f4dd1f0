/** Route-test harness: a fresh real SQLite database, the real app, and helpers to act as a logged-in user. */
import { openTestDb } from "../core/db/client";
import { TestClock } from "../core/clock";
import { silentLogger } from "../core/log";
import { EventBus } from "../core/notify/bus";
import { DEV_DEFAULTS } from "../core/config";
import type { Deps } from "../core/context";
import { buildApp, type AppOptions } from "../app";
import { loginLimiter } from "../core/auth/rate-limit";

export const BASE = "http://guichet.test";

export function testDeps(): Deps & { clock: TestClock } {
  const db = openTestDb();
  return { db, clock: new TestClock("2026-03-02T09:00:00Z"), log: silentLogger, config: { ...DEV_DEFAULTS, dataDir: "/tmp" }, events: new EventBus(), version: "test", startedAt: new Date() };
}

/** A browser-like client: keeps the session cookie and the CSRF token, sends the org header. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  org: string | null = null;
  bearer: string | null = null;
  constructor(readonly app: ReturnType<typeof buildApp>) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h["content-type"] = "application/json";
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && !("x-csrf-token" in h)) h["x-csrf-token"] = this.csrf;
    if (this.org && !("x-guichet-org" in h)) h["x-guichet-org"] = this.org;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await this.app.handle(new Request(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }));
    const set = res.headers.get("set-cookie");
    if (set) {
      const m = /guichet_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `guichet_session=${m[1]}` : null;
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  }
  get = (p: string, h?: Record<string, string>) => this.req("GET", p, undefined, h);
  post = (p: string, b?: unknown, h?: Record<string, string>) => this.req("POST", p, b ?? {}, h);
  patch = (p: string, b?: unknown, h?: Record<string, string>) => this.req("PATCH", p, b ?? {}, h);
  del = (p: string, h?: Record<string, string>) => this.req("DELETE", p, undefined, h);

  /** Loads /api/auth/me and remembers the CSRF token (as the UI does after login). */
  async refresh() {
    const me = await this.get("/api/auth/me");
    if (me.status === 200) this.csrf = me.body.csrfToken;
    return me;
  }
  async login(email: string, password: string) {
    const r = await this.post("/api/auth/login", { email, password });
    if (r.status === 200 && !r.body.mfaRequired) await this.refresh();
    return r;
  }
}

export const ADMIN = { name: "Alice Martin", email: "alice@mairie.test", password: "correct horse battery" };

/** Fresh app with setup done: returns the owner's client and the organisation id. */
export async function setupApp(opts: { extra?: (deps: Deps) => AppOptions["extra"] } = {}) {
  loginLimiter.reset();
  const deps = testDeps();
  const app = buildApp(deps, { extra: opts.extra?.(deps) });
  const owner = new Client(app);
  const r = await owner.post("/api/setup", { organisation: { name: "Mairie de Testville", siret: "21470001600014" }, admin: ADMIN });
  if (r.status !== 200) throw new Error("setup failed: " + JSON.stringify(r.body));
  await owner.refresh();
  owner.org = r.body.orgId;
  return { deps, app, owner, orgId: r.body.orgId as string };
}

/** Adds a user with a role to an organisation directly through the invitation flow; returns their client. */
export async function addMember(ctx: { app: ReturnType<typeof buildApp>; deps: Deps }, inviter: Client, email: string, role: string, moduleRoles: string[] = []) {
  const inv = await inviter.post("/api/org/invitations", { email, role, moduleRoles });
  if (inv.status !== 200) throw new Error("invite failed: " + JSON.stringify(inv.body));
  const row = ctx.deps.db.$client.query("SELECT text FROM mail_outbox WHERE \"to\" = ? ORDER BY created_at DESC LIMIT 1").get(email) as { text: string };
  const token = /#\/invitation\/([\w-]+)/.exec(row.text)![1]!;
  const c = new Client(ctx.app);
  const acc = await c.post(`/api/invitations/${token}/accept`, { name: email.split("@")[0], password: "password-" + email });
  if (acc.status !== 200) throw new Error("accept failed: " + JSON.stringify(acc.body));
  await c.refresh();
  c.org = inviter.org;
  return c;
}
