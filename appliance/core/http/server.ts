/** The HTTP server as a Service: listens on the configured host/port, closes gracefully on stop. */
import type { Server } from "bun";
import type { Service } from "../service";
import type { App } from "../../app";

/** HTTPS settings: PEM files and the port the app is served on; the plain HTTP port then only redirects. */
export interface TlsListen {
  cert: string;
  key: string;
  port: number;
}

/** The 308 answer of the plain HTTP port: same host and path, https scheme, the HTTPS port. */
export function redirectToHttps(req: Request, httpsPort: number): Response {
  const url = new URL(req.url);
  // The Host header is what the browser typed (IP, name); keep it, change only scheme and port.
  const host = (req.headers.get("host") ?? url.host).replace(/:\d+$/, "");
  const port = httpsPort === 443 ? "" : `:${httpsPort}`;
  return new Response(null, { status: 308, headers: { location: `https://${host}${port}${url.pathname}${url.search}` } });
}

/** Paths still answered on the plain HTTP port when HTTPS is on (network boot: iPXE ROMs speak no HTTPS); modules add theirs. */
export const PLAIN_HTTP_PATHS: RegExp[] = [];

function servedOverPlainHttp(req: Request) {
  const path = new URL(req.url).pathname;
  return PLAIN_HTTP_PATHS.some((re) => re.test(path));
}

export class HttpService implements Service {
  readonly name = "http";
  private redirect: Server<unknown> | null = null;
  constructor(
    private app: App,
    private host: string,
    private port: number,
    private tls: TlsListen | null = null,
  ) {}
  start() {
    if (!this.tls) {
      this.app.listen({ hostname: this.host, port: this.port });
      return;
    }
    this.app.listen({ hostname: this.host, port: this.tls.port, tls: { cert: Bun.file(this.tls.cert), key: Bun.file(this.tls.key) } });
    const httpsPort = this.app.server!.port!;
    this.redirect = Bun.serve({ hostname: this.host, port: this.port, fetch: (req) => (servedOverPlainHttp(req) ? this.app.handle(req) : redirectToHttps(req, httpsPort)) });
  }
  /** Address actually bound (port 0 picks a free one). */
  get url() {
    const s = this.app.server;
    return s ? `${this.tls ? "https" : "http"}://${s.hostname === "0.0.0.0" ? "127.0.0.1" : s.hostname}:${s.port}` : null;
  }
  /** The plain HTTP port that redirects to HTTPS, when TLS is on. */
  get redirectUrl() {
    const s = this.redirect;
    return s ? `http://${s.hostname === "0.0.0.0" ? "127.0.0.1" : s.hostname}:${s.port}` : null;
  }
  async stop() {
    this.redirect?.stop(true);
    this.redirect = null;
    // Lets in-flight requests finish (their transactions commit) before the database closes.
    await this.app.stop(false);
  }
}
