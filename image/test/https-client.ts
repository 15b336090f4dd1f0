// A browser-like client for the appliance's self-signed HTTPS: keeps the session cookie, CSRF token and
// organisation header. Certificate verification is skipped on purpose (first-boot self-signed cert);
// the boot test checks the certificate separately.

/** One HTTP answer, body parsed as JSON when it is. */
export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** Session-keeping client over HTTPS without certificate verification. */
export class HttpsClient {
  cookie: string | null = null;
  csrf: string | null = null;
  org: string | null = null;
  constructor(readonly base: string) {}

  async req(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf) headers["x-csrf-token"] = this.csrf;
    if (this.org) headers["x-guichet-org"] = this.org;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
      tls: { rejectUnauthorized: false },
      signal: AbortSignal.timeout(30_000),
    });
    const m = /guichet_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "");
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

  /** Reads /api/auth/me and keeps its CSRF token and first organisation, as the UI does after login. */
  async refresh() {
    const me = await this.get("/api/auth/me");
    if (me.status !== 200) throw new Error(`/api/auth/me : ${me.status} ${me.text}`);
    this.csrf = me.body.csrfToken;
    this.org ??= me.body.organisations?.[0]?.id ?? null;
    return me.body;
  }
}
