/** Request schemas of the EPN API (Elysia `t`); business checks with precise French messages live in the services. */
import { t } from "elysia";

const Str = (max: number) => t.String({ maxLength: max });
const OptStr = (max: number) => t.Optional(t.Nullable(t.String({ maxLength: max })));
const Hours = t.Record(t.String({ maxLength: 1 }), t.Array(t.Array(t.String({ maxLength: 5 }), { maxItems: 2 }), { maxItems: 6 }));

export const IdParam = t.Object({ id: Str(64) });

export const RoomBody = t.Object({ name: Str(200), hours: t.Optional(Hours) });
export const RoomPatch = t.Object({ name: t.Optional(Str(200)), hours: t.Optional(Hours) });
export const ClosureBody = t.Object({ roomId: OptStr(64), fromDay: Str(10), toDay: OptStr(10), label: Str(200) });

export const WorkstationBody = t.Object({ name: Str(100), roomId: Str(64) });
export const WorkstationPatch = t.Object({ name: t.Optional(Str(100)), roomId: t.Optional(Str(64)), maintenance: t.Optional(t.Boolean()) });
export const ControlBody = t.Object({ type: Str(20), text: OptStr(1000), minutes: t.Optional(t.Nullable(t.Number())) });
export const RoomViewQuery = t.Object({ roomId: t.Optional(Str(64)) });

const PatronFields = {
  firstName: t.Optional(Str(200)),
  lastName: t.Optional(Str(200)),
  birthYear: t.Optional(t.Nullable(t.Number())),
  commune: OptStr(200),
  category: t.Optional(Str(40)),
  sex: OptStr(2),
  email: OptStr(300),
  phone: OptStr(40),
  notes: OptStr(2000),
};
export const PatronBody = t.Object({ ...PatronFields, consent: t.Boolean(), reglement: t.Optional(t.Boolean()) });
export const PatronPatch = t.Object(PatronFields);
export const PatronQuery = t.Object({ q: t.Optional(Str(100)), limit: t.Optional(t.Numeric()), offset: t.Optional(t.Numeric()), includeErased: t.Optional(t.BooleanString()) });
export const AcceptBody = t.Object({ kind: Str(20) });
export const ExportQuery = t.Object({ format: t.Optional(Str(10)) });

export const CodesBody = t.Object({
  patronId: OptStr(64),
  count: t.Optional(t.Number()),
  label: OptStr(200),
  validFrom: OptStr(40),
  validUntil: OptStr(40),
  allowanceMinutes: t.Optional(t.Nullable(t.Number())),
  multiUse: t.Optional(t.Boolean()),
});
export const CodesQuery = t.Object({ patronId: t.Optional(Str(64)), batchId: t.Optional(Str(64)), active: t.Optional(t.BooleanString()), limit: t.Optional(t.Numeric()), offset: t.Optional(t.Numeric()) });
export const TicketsBody = t.Object({ ids: t.Optional(t.Array(Str(64), { maxItems: 500 })), batchId: t.Optional(Str(64)), layout: t.Optional(Str(10)) });

export const ReservationBody = t.Object({
  workstationId: Str(64),
  patronId: Str(64),
  startsAt: Str(40),
  endsAt: OptStr(40),
  durationMinutes: t.Optional(t.Nullable(t.Number())),
  note: OptStr(500),
});
export const DayQuery = t.Object({ day: t.Optional(Str(10)), minutes: t.Optional(t.Numeric()) });

export const StatsQuery = t.Object({ from: t.Optional(Str(10)), to: t.Optional(Str(10)), kind: t.Optional(Str(20)) });
export const LogQuery = t.Object({ from: t.Optional(Str(30)), to: t.Optional(Str(30)), workstationId: t.Optional(Str(64)), q: t.Optional(Str(100)), limit: t.Optional(t.Numeric()), offset: t.Optional(t.Numeric()) });

export const SettingsPatch = t.Record(Str(40), t.Union([t.String({ maxLength: 64 }), t.Number(), t.Boolean()]));
export const TextBody = t.Object({ body: Str(20_000) });
export const KindParam = t.Object({ kind: Str(20) });

/** Kiosk side. */
export const OpenSessionBody = t.Object({ code: Str(40) });
export const HeartbeatBody = t.Object({ idleSeconds: t.Optional(t.Nullable(t.Number())), ip: OptStr(45), mac: OptStr(17), agentVersion: OptStr(40) });
export const AckBody = t.Object({ ok: t.Boolean(), error: OptStr(500) });

export type PatronInput = typeof PatronBody.static;
export type CodesInput = typeof CodesBody.static;
export type ReservationInput = typeof ReservationBody.static;
export type ControlInput = typeof ControlBody.static;
