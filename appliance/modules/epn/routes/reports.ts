/** Statistics (JSON, CSV) and the connection log with its legal retention. */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin } from "../../../core/http/auth-plugin";
import { LogQuery, StatsQuery } from "../model";
import { connectionLogCsv, connectionLogPurgePreview, listConnectionLog, purgeConnectionLog, statistics, statisticsCsv } from "../service";
import { csvResponse } from "../service/csv";
import { ADMIN, guard, STAFF, TAG } from "./rules";

export function reportRoutes(deps: Deps) {
  return new Elysia({ name: "epn-reports" })
    .use(authPlugin(deps))
    .get("/stats", ({ auth, query }) => statistics(auth.ctx(STAFF), query), { ...guard(STAFF), query: StatsQuery, detail: { summary: "Statistiques d'usage d'une période", tags: TAG } })
    .get(
      "/stats.csv",
      ({ auth, query }) => {
        const r = statisticsCsv(auth.ctx(STAFF), query);
        return csvResponse(r.csv, r.filename);
      },
      { ...guard(STAFF), query: StatsQuery, detail: { summary: "Statistiques en CSV (kind = days, weeks, months, workstations, patrons)", tags: TAG } },
    )
    .get("/connection-log", ({ auth, query }) => listConnectionLog(auth.ctx(ADMIN), query), { ...guard(ADMIN), query: LogQuery, detail: { summary: "Journal des connexions", tags: TAG } })
    .get("/connection-log.csv", ({ auth, query }) => csvResponse(connectionLogCsv(auth.ctx(ADMIN), query), "journal-connexions.csv"), {
      ...guard(ADMIN),
      query: LogQuery,
      detail: { summary: "Journal des connexions en CSV (réquisition)", tags: TAG },
    })
    .get("/connection-log/purge", ({ auth }) => connectionLogPurgePreview(auth.ctx(ADMIN)), { detail: { summary: "Aperçu de la purge du journal des connexions", tags: TAG } })
    .post("/connection-log/purge", ({ auth }) => ({ purged: purgeConnectionLog(auth.ctx(ADMIN)) }), { detail: { summary: "Purger le journal des connexions échu", tags: TAG } });
}
