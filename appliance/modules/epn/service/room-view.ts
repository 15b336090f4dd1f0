/** The live room view: one tile per workstation with its state, session, time left and next reservation. */
import type { Ctx } from "../../../core/context";
import { getSettings, type EpnSettings } from "./settings";
import { isMinorBand } from "./categories";

/** What a tile shows, in the order staff look at it. */
export type WorkstationState = "free" | "reserved" | "in_use" | "locked" | "offline" | "maintenance";

/** One workstation as the room view shows it (also the payload of the live `epn.workstation` event). */
export interface Tile {
  id: string;
  name: string;
  roomId: string;
  roomName: string;
  state: WorkstationState;
  online: boolean;
  locked: boolean;
  maintenance: boolean;
  enrolled: boolean;
  lastSeenAt: string | null;
  ip: string | null;
  mac: string | null;
  session: {
    id: string;
    startedAt: string;
    endsAt: string;
    secondsUsed: number;
    secondsLeft: number;
    limitedBy: string;
    guest: boolean;
    /** Minors get the stricter DNS policy (the DNS filter reads it from this event). */
    minor: boolean;
    patron: { id: string; name: string } | null;
    codeLabel: string | null;
  } | null;
  nextReservation: { id: string; startsAt: string; endsAt: string; patronName: string | null } | null;
  pendingCommands: number;
}

/** A reservation starting this soon already shows the workstation as reserved. */
export const RESERVED_AHEAD_MS = 15 * 60_000;

/** Display name of a patron ("Prénom Nom"), or null once erased. */
export function patronName(p: { firstName: string | null; lastName: string | null } | null | undefined) {
  if (!p || (!p.firstName && !p.lastName)) return null;
  return [p.firstName, p.lastName].filter(Boolean).join(" ");
}

/*
 * The tile reads run on every open, end and heartbeat change (one tile pushed live) and on every room-view
 * poll (200 tiles), so they are cached raw statements (bun's query() compiles each text once) returning
 * plain arrays: drizzle's builder and row mapping cost more here than SQLite itself. Measured with this
 * Bun's SQLite: a statement with a join, an ORDER BY, a GROUP BY or a min()/max() costs 3–5 µs more each
 * time new parameters are bound (it is planned again; run again without rebinding it costs 1–2 µs), which
 * is every call from bun:sqlite. Correlated subselects and UNION ALL do not pay it, so names and counts
 * come from subselects, pending commands are counted and the soonest reservation is picked in JS.
 */
// The room name is column 3: a subselect for one tile, a lookup in the organisation's rooms for many.
const wsCols = (roomName: string) => `w.id, w.name, w.room_id, ${roomName}, w.maintenance, w.locked, w.token_hash IS NOT NULL, w.last_seen_at, w.online, w.ip, w.mac`;
const PENDING = `(SELECT count(*) FROM epn_commands c WHERE c.workstation_id = w.id AND c.status = 'pending')
  + (SELECT count(*) FROM epn_commands c WHERE c.workstation_id = w.id AND c.status = 'delivered')`;
const S_COLS = `s.workstation_id, s.id, s.started_at, s.ends_at, s.limited_by, s.guest, s.patron_id, s.age_band,
  (SELECT first_name FROM epn_patrons WHERE id = s.patron_id), (SELECT last_name FROM epn_patrons WHERE id = s.patron_id),
  (SELECT label FROM epn_codes WHERE id = s.code_id)`;
const R_COLS = `r.workstation_id, r.id, r.starts_at, r.ends_at,
  (SELECT first_name FROM epn_patrons WHERE id = r.patron_id), (SELECT last_name FROM epn_patrons WHERE id = r.patron_id)`;
// The reservations a tile may show: booked, not over, starting within a day (the soonest is shown).
const R_NEXT = "r.status = 'booked' AND r.ends_at > ?3 AND r.starts_at < ?4";
const SQL = {
  // One workstation. `+` keeps the organisation filter on its session and reservations without letting
  // SQLite pick the broad organisation index over the workstation's.
  oneWs: `SELECT ${wsCols("(SELECT name FROM epn_rooms WHERE id = w.room_id)")}, ${PENDING} FROM epn_workstations w WHERE w.id = ?2 AND w.org_id = ?1`,
  oneSession: `SELECT ${S_COLS} FROM epn_sessions s WHERE s.workstation_id = ?2 AND s.ended_at IS NULL AND +s.org_id = ?1`,
  oneReservations: `SELECT ${R_COLS} FROM epn_reservations r WHERE r.workstation_id = ?2 AND ${R_NEXT} AND +r.org_id = ?1`,
  // The organisation (or one room): one pass each, keyed by workstation in JS.
  orgRooms: "SELECT id, name FROM epn_rooms WHERE org_id = ?1",
  orgWs: `SELECT ${wsCols("NULL")}, 0 FROM epn_workstations w WHERE w.org_id = ?1 AND (?2 IS NULL OR w.room_id = ?2)`,
  orgSessions: `SELECT ${S_COLS} FROM epn_sessions s WHERE s.org_id = ?1 AND s.ended_at IS NULL`,
  orgReservations: `SELECT ${R_COLS} FROM epn_reservations r WHERE r.org_id = ?1 AND ${R_NEXT}`,
  // Counted in JS (see above: GROUP BY, and an IN or OR list costs ~1 µs more than UNION ALL).
  orgPending: `SELECT workstation_id FROM epn_commands WHERE org_id = ?1 AND status = 'pending'
    UNION ALL SELECT workstation_id FROM epn_commands WHERE org_id = ?1 AND status = 'delivered'`,
};

type WsRow = [id: string, name: string, roomId: string, roomName: string, maintenance: number, locked: number, enrolled: number, lastSeenAt: string | null, online: number, ip: string | null, mac: string | null, pending: number];
type SessionRow = [ws: string, id: string, startedAt: string, endsAt: string, limitedBy: string, guest: number, patronId: string | null, ageBand: string | null, firstName: string | null, lastName: string | null, codeLabel: string | null];
type ReservationRow = [ws: string, id: string, startsAt: string, endsAt: string, firstName: string | null, lastName: string | null];

/** Room then workstation name, "P2" before "P10"; one collator (localeCompare with options is slow per call). */
const collator = new Intl.Collator("fr", { numeric: true });

/** Rows keyed by their first column (the workstation). */
function byWorkstation<R extends [string, ...unknown[]]>(rows: R[]) {
  const m = new Map<string, R>();
  for (const r of rows) m.set(r[0], r);
  return m;
}

/** The soonest reservation of each workstation (ties: the smaller id, as the rows carry no other order). */
function soonestByWorkstation(rows: ReservationRow[]) {
  const m = new Map<string, ReservationRow>();
  for (const r of rows) {
    const cur = m.get(r[0]);
    if (!cur || r[2] < cur[2] || (r[2] === cur[2] && r[1] < cur[1])) m.set(r[0], r);
  }
  return m;
}

/** The instants a tile is compared with, as ISO text (stored times compare as text: same toISOString form). */
interface Bounds {
  now: number;
  /** Seen after this: online. */
  seenAfter: string;
  /** A reservation starting by this shows the workstation reserved. */
  reservedBy: string;
}

function boundsAt(now: number, offlineMs: number): Bounds {
  return { now, seenAfter: new Date(now - offlineMs).toISOString(), reservedBy: new Date(now + RESERVED_AHEAD_MS).toISOString() };
}

/** One tile from its rows; time left and the online flag are computed against `now`. */
function toTile(w: WsRow, s: SessionRow | undefined, r: ReservationRow | undefined, pending: number, b: Bounds): Tile {
  const [id, name, roomId, roomName, maintenance, locked, enrolled, lastSeenAt, onlineFlag, ip, mac] = w;
  const now = b.now;
  // Text comparisons instead of Date.parse: 200 tiles per room-view request.
  const online = !!onlineFlag && !!lastSeenAt && lastSeenAt > b.seenAfter;
  const nextReservation = r ? { id: r[1], startsAt: r[2], endsAt: r[3], patronName: patronName({ firstName: r[4], lastName: r[5] }) } : null;
  let session: Tile["session"] = null;
  if (s) {
    const [, sId, startedAt, endsAt, limitedBy, guest, patronId, ageBand, firstName, lastName, codeLabel] = s;
    session = {
      id: sId,
      startedAt,
      endsAt,
      secondsUsed: Math.max(0, Math.floor((now - Date.parse(startedAt)) / 1000)),
      secondsLeft: Math.max(0, Math.floor((Date.parse(endsAt) - now) / 1000)),
      limitedBy,
      guest: !!guest,
      minor: isMinorBand(ageBand),
      patron: patronId ? { id: patronId, name: patronName({ firstName, lastName }) ?? "Usager" } : null,
      codeLabel,
    };
  }
  let state: WorkstationState = "free";
  if (maintenance) state = "maintenance";
  else if (locked) state = "locked";
  else if (session) state = "in_use";
  else if (!online) state = "offline";
  else if (nextReservation && nextReservation.startsAt <= b.reservedBy) state = "reserved";
  return { id, name, roomId, roomName, state, online, locked: !!locked, maintenance: !!maintenance, enrolled: !!enrolled, lastSeenAt, ip, mac, session, nextReservation, pendingCommands: pending };
}

/** The organisation's (or one room's) rows behind its tiles, before `now` is applied. */
interface OrgRead {
  /** Database state it was read in: `total_changes()` on this connection and `data_version` (other connections). */
  version: string;
  /** Instant of the read: the reservation window read reaches REUSE_MS beyond a day from it. */
  at: number;
  offlineMs: number;
  ws: WsRow[];
  sessions: Map<string, SessionRow>;
  reservations: ReservationRow[];
  pending: Map<string, number>;
}

/**
 * Room-view reads are kept per connection, organisation and room while the database is unchanged, and
 * reused for REUSE_MS at most: twenty staff screens (or a dashboard) asking at once would otherwise
 * materialise the same 300 rows each, the bulk of a request's cost. Unchanged means no change made on
 * this connection (total_changes()), none by another (data_version) and no transaction open (uncommitted
 * rows are never kept); times are applied afresh to every answer, so a reused read gives the very tiles a
 * new one would. Any write anywhere (a heartbeat, an open session) starts a new read.
 */
const REUSE_MS = 60_000;
const DAY_MS = 24 * 3600_000;
const VERSION_SQL = "SELECT total_changes(), (SELECT data_version FROM pragma_data_version())";
const orgReads = new WeakMap<object, Map<string, OrgRead>>();

/** The rows of the organisation's (or one room's) tiles: kept ones when still valid, else a new read. */
function readOrg(ctx: Pick<Ctx, "db" | "org">, roomId: string | null, t: number, settings?: EpnSettings): OrgRead {
  const q = ctx.db.$client;
  const version = q.inTransaction ? null : (q.query(VERSION_SQL).values()[0] as [number, number]).join(":");
  const key = `${ctx.org}|${roomId ?? ""}`;
  let reads = orgReads.get(q);
  const kept = reads?.get(key);
  if (version !== null && kept && kept.version === version && t >= kept.at && t <= kept.at + REUSE_MS && (!settings || settings.offlineAfterSeconds * 1000 === kept.offlineMs)) return kept;
  const rooms = new Map(q.query(SQL.orgRooms).values(ctx.org) as [string, string][]);
  const ws = (q.query(SQL.orgWs).values(ctx.org, roomId) as WsRow[]).filter((w) => rooms.has(w[2]));
  for (const w of ws) w[3] = rooms.get(w[2])!;
  ws.sort((a, b) => collator.compare(a[3], b[3]) || collator.compare(a[1], b[1]));
  const pending = new Map<string, number>();
  for (const [wsId] of q.query(SQL.orgPending).values(ctx.org) as [string][]) pending.set(wsId, (pending.get(wsId) ?? 0) + 1);
  const read: OrgRead = {
    version: version ?? "",
    at: t,
    offlineMs: (settings ?? getSettings(ctx)).offlineAfterSeconds * 1000,
    ws,
    sessions: byWorkstation(q.query(SQL.orgSessions).values(ctx.org) as SessionRow[]),
    // Every reservation that can be shown while this read is reused; each answer keeps its own window.
    reservations: q.query(SQL.orgReservations).values(ctx.org, null, new Date(t).toISOString(), new Date(t + DAY_MS + REUSE_MS).toISOString()) as ReservationRow[],
    pending,
  };
  if (version !== null) {
    if (!reads) orgReads.set(q, (reads = new Map()));
    reads.set(key, read);
  }
  return read;
}

/** Tiles of the organisation's workstations, optionally for one room or some workstations (`settings`: when the caller has them). */
export function roomView(ctx: Pick<Ctx, "db" | "org" | "clock">, filter: { roomId?: string; ids?: string[] } = {}, settings?: EpnSettings): Tile[] {
  if (filter.ids && filter.ids.length !== 1) return filter.ids.flatMap((id) => roomView(ctx, { ids: [id] }, settings));
  const q = ctx.db.$client;
  const now = ctx.clock.now();
  const t = now.getTime();
  const nowIso = now.toISOString();
  const horizon = new Date(t + DAY_MS).toISOString();
  if (filter.ids) {
    const id = filter.ids[0]!;
    const w = q.query(SQL.oneWs).values(ctx.org, id)[0] as WsRow | undefined;
    // A workstation shows with its room only (the room name is never null).
    if (!w || w[3] === null) return [];
    const s = q.query(SQL.oneSession).values(ctx.org, id)[0] as SessionRow | undefined;
    const r = soonestByWorkstation(q.query(SQL.oneReservations).values(ctx.org, id, nowIso, horizon) as ReservationRow[]).get(id);
    return [toTile(w, s, r, w[11], boundsAt(t, (settings ?? getSettings(ctx)).offlineAfterSeconds * 1000))];
  }
  const read = readOrg(ctx, filter.roomId ?? null, t, settings);
  const b = boundsAt(t, read.offlineMs);
  // The same window as the single-tile query: booked, not over, starting within a day.
  const reservations = soonestByWorkstation(read.reservations.filter((r) => r[3] > nowIso && r[2] < horizon));
  return read.ws.map((w) => toTile(w, read.sessions.get(w[0]), reservations.get(w[0]), read.pending.get(w[0]) ?? 0, b));
}

/**
 * The fresh tiles of these workstations, to push with `announceTiles` once committed; null when nobody
 * listens (no browser, no MQTT link: computing them would be wasted work). Hot paths call it at the end of
 * their transaction: the reads then run under the lock already held and see exactly what commits.
 */
export function tilesToPublish(ctx: Pick<Ctx, "db" | "org" | "clock" | "events">, ids: string[], settings?: EpnSettings): Tile[] | null {
  if (!ids.length || (ctx.events as { size?: number }).size === 0) return null;
  return roomView(ctx, { ids: [...new Set(ids)] }, settings);
}

/** Pushes tiles from `tilesToPublish` to the organisation's browsers (call after commit). */
export function announceTiles(ctx: Pick<Ctx, "org" | "events">, tiles: Tile[] | null) {
  for (const tile of tiles ?? []) ctx.events.publish({ orgId: ctx.org, type: "epn.workstation", data: tile });
}

/** Pushes the fresh tiles of these workstations to the organisation's browsers (call after commit). */
export function publishTiles(ctx: Pick<Ctx, "db" | "org" | "clock" | "events">, ids: string[], settings?: EpnSettings) {
  announceTiles(ctx, tilesToPublish(ctx, ids, settings));
}
