/** Request schemas of the DNS admin API (Elysia `t`); business checks with French messages live in service/. */
import { t } from "elysia";

export const IdParam = t.Object({ id: t.String({ maxLength: 64 }) });

export const SettingsBody = t.Object({
  blockingMode: t.Optional(t.String({ maxLength: 20 })),
  blockedTtl: t.Optional(t.Number()),
  privacy: t.Optional(t.String({ maxLength: 20 })),
  logRetentionDays: t.Optional(t.Number()),
  cacheMinTtl: t.Optional(t.Number()),
  cacheMaxTtl: t.Optional(t.Number()),
  cacheSize: t.Optional(t.Number()),
  rateLimit: t.Optional(t.Number()),
});

export const ListBody = t.Object({
  name: t.Optional(t.String({ maxLength: 200 })),
  kind: t.Optional(t.String({ maxLength: 10 })),
  mode: t.Optional(t.String({ maxLength: 10 })),
  url: t.Optional(t.Nullable(t.String({ maxLength: 2100 }))),
  content: t.Optional(t.String({ maxLength: 2_000_000 })),
  enabled: t.Optional(t.Boolean()),
  refreshHours: t.Optional(t.Number()),
});

export const GroupBody = t.Object({
  name: t.Optional(t.String({ maxLength: 200 })),
  clients: t.Optional(t.Array(t.String({ maxLength: 100 }), { maxItems: 500 })),
  epnSession: t.Optional(t.Nullable(t.String({ maxLength: 10 }))),
  listIds: t.Optional(t.Array(t.String({ maxLength: 64 }), { maxItems: 200 })),
  safeSearch: t.Optional(t.Boolean()),
  schedule: t.Optional(t.Nullable(t.Record(t.String({ maxLength: 1 }), t.Array(t.Tuple([t.String({ maxLength: 5 }), t.String({ maxLength: 5 })]), { maxItems: 10 })))),
  position: t.Optional(t.Number()),
});

export const RecordBody = t.Object({
  name: t.Optional(t.String({ maxLength: 260 })),
  type: t.Optional(t.String({ maxLength: 10 })),
  value: t.Optional(t.String({ maxLength: 260 })),
  ttl: t.Optional(t.Number()),
});

export const UpstreamBody = t.Object({
  name: t.Optional(t.String({ maxLength: 200 })),
  kind: t.Optional(t.String({ maxLength: 10 })),
  address: t.Optional(t.String({ maxLength: 500 })),
  method: t.Optional(t.String({ maxLength: 10 })),
  position: t.Optional(t.Number()),
  enabled: t.Optional(t.Boolean()),
});

export const LogQueryParams = t.Object({
  before: t.Optional(t.Numeric()),
  after: t.Optional(t.Numeric()),
  limit: t.Optional(t.Numeric()),
  client: t.Optional(t.String({ maxLength: 64 })),
  domain: t.Optional(t.String({ maxLength: 260 })),
  status: t.Optional(t.String({ maxLength: 20 })),
});

export const StatsQuery = t.Object({ hours: t.Optional(t.Numeric()) });

export const ExplainQuery = t.Object({ name: t.String({ maxLength: 260 }), client: t.Optional(t.String({ maxLength: 64 })) });
