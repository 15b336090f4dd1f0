/** Test helpers for the EPN module: a set-up organisation with a room, kiosks and a consenting patron. */
import { setupApp, Client, BASE } from "../../test/harness";

/** Monday 2 March 2026, 10:00 in Paris (UTC+1): the harness clock's start. */
export const MONDAY_10H = "2026-03-02T09:00:00Z";

/** A kiosk calling the API with its own secret, like the agent will. */
export class Kiosk {
  constructor(
    readonly app: Client["app"],
    readonly token: string,
    readonly id: string,
    readonly ip = "192.0.2.10",
  ) {}
  async req(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, "x-forwarded-for": this.ip };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await this.app.handle(new Request(BASE + "/api/epn/kiosk" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  open = (code: string) => this.req("POST", "/sessions", { code });
  end = () => this.req("POST", "/sessions/current/end", {});
  state = () => this.req("GET", "/state");
  heartbeat = (b: Record<string, unknown> = {}) => this.req("POST", "/heartbeat", b);
  commands = () => this.req("GET", "/commands");
}

/** Open every day 00:00–24:00 (for tests that are not about opening hours). */
export const ALWAYS: Record<string, [string, string][]> = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [["00:00", "24:00"]]]));

/** An organisation with a room (given hours), `n` enrolled workstations and helpers to add patrons and codes. */
export async function epnWorld(opts: { hours?: Record<string, [string, string][]>; workstations?: number } = {}) {
  const t = await setupApp();
  const must = (r: { status: number; body: any }, what: string) => {
    if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const room = must(await t.owner.post("/api/epn/rooms", { name: "Salle multimédia", ...(opts.hours ? { hours: opts.hours } : {}) }), "room");
  const kiosks: Kiosk[] = [];
  for (let i = 1; i <= (opts.workstations ?? 2); i++) {
    const ws = must(await t.owner.post("/api/epn/workstations", { name: `P${String(i).padStart(2, "0")}`, roomId: room.id }), "workstation");
    const tok = must(await t.owner.post(`/api/epn/workstations/${ws.id}/token`), "token");
    kiosks.push(new Kiosk(t.app, tok.token, ws.id));
  }
  const patron = async (fields: Record<string, unknown> = {}) =>
    must(await t.owner.post("/api/epn/patrons", { firstName: "Jeanne", lastName: "Durand", birthYear: 1980, commune: "Testville", category: "employe", consent: true, reglement: true, ...fields }), "patron");
  const code = async (body: Record<string, unknown> = {}) => must(await t.owner.post("/api/epn/codes", body), "code").codes[0] as { id: string; code: string; batchId: string | null };
  const settings = async (patch: Record<string, unknown>) => must(await t.owner.patch("/api/epn/settings", patch), "settings");
  return { ...t, room, kiosks, patron, code, settings, must };
}
