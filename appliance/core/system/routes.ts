/** /api/health (public) and /api/system (admins): version, uptime, database size, services, memory, disk. */
import { Elysia } from "elysia";
import { statfsSync, statSync, existsSync } from "node:fs";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import type { ServiceStatus } from "../service";
import { dbFileOf } from "../db/client";

export function systemRoutes(deps: Deps, services: () => ServiceStatus[]) {
  return new Elysia({ name: "core-system" })
    .use(authPlugin(deps))
    .get("/api/health", () => ({ status: "ok", version: deps.version }), { detail: { summary: "État de marche (sans authentification)", tags: ["système"] } })
    .get(
      "/api/system",
      ({ auth }) => {
        auth.ctx({ role: "admin" });
        const file = dbFileOf(deps.config.dataDir);
        const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
        let disk: { total: number; free: number } | null = null;
        try {
          const s = statfsSync(deps.config.dataDir);
          disk = { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
        } catch {
          disk = null;
        }
        const mem = process.memoryUsage();
        return {
          version: deps.version,
          startedAt: deps.startedAt.toISOString(),
          uptimeSeconds: Math.round((Date.now() - deps.startedAt.getTime()) / 1000),
          database: { file, bytes: size(file) + size(file + "-wal") },
          memory: { rss: mem.rss, heapUsed: mem.heapUsed },
          disk,
          services: services(),
          runtime: `Bun ${Bun.version}`,
        };
      },
      { detail: { summary: "État du système", tags: ["système"] } },
    );
}
