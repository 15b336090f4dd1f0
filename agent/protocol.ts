/**
 * The kiosk ↔ appliance MQTT protocol: topic layout and every payload schema, imported by both sides.
 *
 * Topics: `guichet/<orgId>/ws/<workstationId>/<kind>`
 *   agent → appliance: status (retained, also the last will), heartbeat, event, inventory, req, ack
 *   appliance → agent: cmd (commands), res (answers to req)
 * A workstation may publish only its own "up" kinds and subscribe only to its own "down" kinds.
 * Every payload is JSON with `v: 1`; anything that fails its schema is logged and dropped.
 */
import { Type as T, type Static, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";

/** Bumped when a payload changes incompatibly; both sides check it. */
export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = "guichet";

/** Kinds a workstation publishes. */
export const UP_KINDS = ["status", "heartbeat", "event", "inventory", "req", "ack"] as const;
/** Kinds the appliance publishes to one workstation. */
export const DOWN_KINDS = ["cmd", "res"] as const;
export type UpKind = (typeof UP_KINDS)[number];
export type DownKind = (typeof DOWN_KINDS)[number];
export type Kind = UpKind | DownKind;

/** The topic of one workstation's channel. */
export function topic(orgId: string, workstationId: string, kind: Kind) {
  return `${TOPIC_ROOT}/${orgId}/ws/${workstationId}/${kind}`;
}

/** Every workstation channel; the appliance subscribes with the last level set to each up kind. */
export const ALL_UP = `${TOPIC_ROOT}/+/ws/+/+`;

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Splits a topic; null when it is not a workstation channel (or names an unknown kind). */
export function parseTopic(t: string): { orgId: string; workstationId: string; kind: Kind } | null {
  const p = t.split("/");
  if (p.length !== 5 || p[0] !== TOPIC_ROOT || p[2] !== "ws") return null;
  const [, orgId, , workstationId, kind] = p as [string, string, string, string, string];
  if (!ID_RE.test(orgId) || !ID_RE.test(workstationId)) return null;
  if (!(UP_KINDS as readonly string[]).includes(kind) && !(DOWN_KINDS as readonly string[]).includes(kind)) return null;
  return { orgId, workstationId, kind: kind as Kind };
}

const V = T.Literal(PROTOCOL_VERSION);
const Iso = T.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?(Z|[+-]\\d{2}:\\d{2})$", maxLength: 40 });
const Id = T.String({ pattern: ID_RE.source, maxLength: 64 });
/** Longest duration a message carries (a week): time left, idle time. */
export const MAX_SECONDS = 7 * 24 * 3600;
const Seconds = T.Integer({ minimum: 0, maximum: MAX_SECONDS });
const Text = (max: number) => T.String({ maxLength: max });

/** What the kiosk shows: free (code prompt), in_use, locked (by staff); offline is the last will. */
export const WorkstationState = T.Union([T.Literal("free"), T.Literal("in_use"), T.Literal("locked"), T.Literal("offline")]);

/** Retained on `status`; the last will carries `{ v: 1, state: "offline" }`. */
export const Status = T.Object({
  v: V,
  state: WorkstationState,
  at: T.Optional(Iso),
  sessionId: T.Optional(T.Union([Id, T.Null()])),
  remainingS: T.Optional(Seconds),
  agentVersion: T.Optional(Text(40)),
  ip: T.Optional(Text(64)),
  mac: T.Optional(Text(32)),
});

/**
 * Sent every few seconds; `seq` grows by one per heartbeat since the agent started (loss detection).
 * `idleSeconds`: while a session is open, seconds since the patron's last key, pointer or touch input; absent when
 * the kiosk cannot tell (no readable input device): the appliance then never ends the session for inactivity.
 */
export const Heartbeat = T.Object({
  v: V,
  seq: T.Integer({ minimum: 0 }),
  at: Iso,
  uptimeS: T.Integer({ minimum: 0 }),
  session: T.Union([T.Object({ id: Id, remainingS: Seconds }), T.Null()]),
  idleSeconds: T.Optional(Seconds),
});

/** Why a session ended, as the agent saw it. */
export const EndReason = T.Union([T.Literal("time"), T.Literal("logout"), T.Literal("command"), T.Literal("inactivity")]);
export const ProblemCategory = T.Union([T.Literal("materiel"), T.Literal("logiciel"), T.Literal("internet"), T.Literal("imprimante"), T.Literal("autre")]);

/** Facts the agent reports; `eventId` makes replays (after an offline period) idempotent. */
export const Event = T.Union([
  T.Object({ v: V, eventId: Id, type: T.Literal("session.ended"), sessionId: Id, reason: EndReason, endedAt: Iso, offline: T.Boolean() }),
  T.Object({ v: V, eventId: Id, type: T.Literal("wipe.done"), sessionId: T.Union([Id, T.Null()]), ok: T.Boolean(), removed: T.Integer({ minimum: 0 }), errors: T.Array(Text(300), { maxItems: 20 }) }),
  T.Object({ v: V, eventId: Id, type: T.Literal("problem.reported"), sessionId: T.Union([Id, T.Null()]), category: ProblemCategory, text: Text(2000), at: Iso }),
]);

/** Requests the agent makes; answered on `res` with the same id. */
export const Request = T.Union([
  T.Object({ v: V, id: Id, op: T.Literal("session.open"), code: T.String({ minLength: 1, maxLength: 40 }) }),
  T.Object({ v: V, id: Id, op: T.Literal("session.sync"), sessionId: T.Union([Id, T.Null()]) }),
  T.Object({ v: V, id: Id, op: T.Literal("ping") }),
]);

/** A session as the agent needs it: the server's time left is the truth, the agent counts it down. */
export const SessionInfo = T.Object({ id: Id, remainingS: Seconds, endsAt: Iso, label: Text(200) });

/** Answer to a request: the result depends on the op (see RequestResults), or a French error. */
export const Response = T.Union([
  T.Object({ v: V, id: Id, ok: T.Literal(true), result: T.Unknown() }),
  T.Object({ v: V, id: Id, ok: T.Literal(false), error: T.Object({ code: Text(60), message: Text(500) }) }),
]);

/** What each op answers with. */
export const SessionOpenResult = SessionInfo;
export const SessionSyncResult = T.Object({ session: T.Union([SessionInfo, T.Null()]), locked: T.Boolean() });

export const CommandType = T.Union([
  T.Literal("lock"),
  T.Literal("unlock"),
  T.Literal("message"),
  T.Literal("extend"),
  T.Literal("logout"),
  T.Literal("reboot"),
  T.Literal("shutdown"),
  T.Literal("ping"),
]);

/** A command from the animateur; `remainingS` (extend) is the server's new time left. */
export const Command = T.Object({
  v: V,
  id: Id,
  type: CommandType,
  text: T.Optional(Text(500)),
  remainingS: T.Optional(Seconds),
  sessionId: T.Optional(T.Union([Id, T.Null()])),
});

/** The agent's confirmation that it applied (or could not apply) a command. */
export const Ack = T.Object({ v: V, id: Id, ok: T.Boolean(), error: T.Optional(Text(300)) });

const Str = (max = 500) => T.Optional(T.String({ maxLength: max }));
// GLPI's schema types these counts as integers (MB, MHz, bytes).
const Num = T.Optional(T.Integer({ minimum: 0 }));

/**
 * Inventory in the GLPI agent format (glpi-project/inventory_format): the sections Guichet fills.
 * Extra fields are allowed so that a newer agent can send more without being dropped.
 */
export const Inventory = T.Object({
  v: V,
  deviceid: T.String({ minLength: 1, maxLength: 200 }),
  itemtype: T.Literal("Computer"),
  action: T.Literal("inventory"),
  content: T.Object({
    versionclient: T.String({ maxLength: 100 }),
    hardware: T.Object({ name: Str(200), uuid: Str(100), memory: Num, swap: Num, vmsystem: Str(50), chassis_type: Str(50) }),
    bios: T.Optional(T.Object({ bdate: Str(40), bmanufacturer: Str(), bversion: Str(), smanufacturer: Str(), smodel: Str(), ssn: Str(), mmanufacturer: Str(), mmodel: Str(), msn: Str() })),
    operatingsystem: T.Object({ name: Str(), version: Str(), full_name: Str(), arch: Str(50), kernel_name: Str(50), kernel_version: Str(), fqdn: Str(), boot_time: Str(40), timezone: T.Optional(T.Object({ name: Str(50), offset: Str(10) })) }),
    cpus: T.Optional(T.Array(T.Object({ name: Str(), manufacturer: Str(), core: Num, thread: Num, speed: Num }), { maxItems: 64 })),
    memories: T.Optional(T.Array(T.Object({ capacity: Num, type: Str(50), speed: Str(50) }), { maxItems: 64 })),
    networks: T.Optional(T.Array(T.Object({ description: Str(100), mac: Str(32), ipaddress: Str(64), ipmask: Str(64), ipaddress6: Str(64), status: Str(10), virtualdev: T.Optional(T.Boolean()), type: Str(30) }), { maxItems: 256 })),
    drives: T.Optional(T.Array(T.Object({ volumn: Str(), type: Str(), filesystem: Str(50), total: Num, free: Num }), { maxItems: 256 })),
    softwares: T.Optional(T.Array(T.Object({ name: T.String({ maxLength: 300 }), version: Str(200), arch: Str(30), publisher: Str(300), filesize: Num, from: Str(20), comments: Str(1000) }), { maxItems: 20000 })),
  }),
});

export type Status = Static<typeof Status>;
export type Heartbeat = Static<typeof Heartbeat>;
export type Event = Static<typeof Event>;
export type Request = Static<typeof Request>;
export type Response = Static<typeof Response>;
export type SessionInfo = Static<typeof SessionInfo>;
export type SessionSyncResult = Static<typeof SessionSyncResult>;
export type Command = Static<typeof Command>;
export type CommandType = Static<typeof CommandType>;
export type Ack = Static<typeof Ack>;
export type Inventory = Static<typeof Inventory>;
export type WorkstationState = Static<typeof WorkstationState>;

/** Payload type carried by each kind. */
export interface Payloads {
  status: Status;
  heartbeat: Heartbeat;
  event: Event;
  inventory: Inventory;
  req: Request;
  ack: Ack;
  cmd: Command;
  res: Response;
}

const SCHEMAS: Record<Kind, TSchema> = { status: Status, heartbeat: Heartbeat, event: Event, inventory: Inventory, req: Request, ack: Ack, cmd: Command, res: Response };
/** Largest payload accepted per kind, in bytes (an inventory lists every installed package). */
export const MAX_BYTES: Record<Kind, number> = { status: 2048, heartbeat: 1024, event: 8192, inventory: 4 * 1024 * 1024, req: 1024, ack: 1024, cmd: 2048, res: 4096 };

// Compiled once: validation runs for every message the broker receives.
const CHECKERS = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, TypeCompiler.Compile(s)])) as Record<Kind, ReturnType<typeof TypeCompiler.Compile>>;

const VARIANTS = new Map<string, ReturnType<typeof TypeCompiler.Compile>>();

/** The union member whose `type`/`op` literal matches the message's, compiled once. */
function variantFor(kind: Kind, value: unknown) {
  const anyOf = (SCHEMAS[kind] as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf || !value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  for (const [i, s] of anyOf.entries()) {
    const props = (s as { properties?: Record<string, { const?: unknown }> }).properties ?? {};
    const tag = props.type?.const ?? props.op?.const;
    if (tag === undefined || (tag !== v.type && tag !== v.op)) continue;
    const key = `${kind}:${i}`;
    if (!VARIANTS.has(key)) VARIANTS.set(key, TypeCompiler.Compile(s));
    return VARIANTS.get(key)!;
  }
  return null;
}

/** Parses and validates a payload of `kind`; the reason is short and safe to log (no payload echo). */
export function decode<K extends Kind>(kind: K, payload: Uint8Array | string): { ok: true; value: Payloads[K] } | { ok: false; reason: string } {
  const size = typeof payload === "string" ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_BYTES[kind]) return { ok: false, reason: `trop volumineux (${size} octets > ${MAX_BYTES[kind]})` };
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8"));
  } catch {
    return { ok: false, reason: "JSON illisible" };
  }
  const c = CHECKERS[kind];
  if (!c.Check(value)) {
    // For unions (event, req), report against the variant the message claims to be: a useful log line.
    const claimed = variantFor(kind, value);
    const first = (claimed ?? c).Errors(value).First();
    return { ok: false, reason: first ? `${first.path || "/"} : ${first.message}` : "schéma non respecté" };
  }
  return { ok: true, value: value as Payloads[K] };
}

/** Serialises a payload after checking it against its schema (a bug on our side fails loudly here). */
export function encode<K extends Kind>(kind: K, value: Payloads[K]): string {
  if (!CHECKERS[kind].Check(value)) {
    const first = CHECKERS[kind].Errors(value).First();
    throw new Error(`message ${kind} invalide : ${first?.path} ${first?.message}`);
  }
  return JSON.stringify(value);
}

/** A fresh id for requests, commands and events. */
export function newId() {
  return crypto.randomUUID();
}
