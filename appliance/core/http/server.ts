/** The HTTP server as a Service: listens on the configured host/port, closes gracefully on stop. */
import type { Service } from "../service";
import type { App } from "../../app";

export class HttpService implements Service {
  readonly name = "http";
  constructor(
    private app: App,
    private host: string,
    private port: number,
  ) {}
  start() {
    this.app.listen({ hostname: this.host, port: this.port });
  }
  /** Address actually bound (port 0 picks a free one). */
  get url() {
    const s = this.app.server;
    return s ? `http://${s.hostname === "0.0.0.0" ? "127.0.0.1" : s.hostname}:${s.port}` : null;
  }
  async stop() {
    // Lets in-flight requests finish (their transactions commit) before the database closes.
    await this.app.stop(false);
  }
}
