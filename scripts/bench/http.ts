// `npm run bench:http`: requests/s and latency of an authenticated list endpoint over 100,000 audit rows,
// beside /api/health (the cheapest route: the reference) and /api/org (authenticated, one row) in the same
// run, measured with Debian's wrk.
//
// The appliance runs as a real process on a temporary data folder (from the sources, or the compiled binary
// with `--bin dist/guichet`). The 100,000 rows are written by the appliance's own audit() in one transaction
// from this process, straight into the SQLite file: they form a valid hash chain (the script also times
// GET /api/audit/verify over them once).
//
// Options: --runs N (3), --duration S (10), --threads N (2), --connections N (50), --rows N (100000), --bin PATH.
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { audit } from "../../appliance/core/audit/service";
import { openDb, withTransaction, dbFileOf } from "../../appliance/core/db/client";
import { systemClock } from "../../appliance/core/clock";
import { completeSetup, startAppliance } from "../test/appliance-process";

const { values: opt } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
    threads: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    rows: { type: "string", default: "100000" },
    bin: { type: "string" },
  },
});
const RUNS = Number(opt.runs);
const ROWS = Number(opt.rows);
const ROOT = join(import.meta.dir, "../..");

/** One wrk run's figures. */
interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
}

function toMs(v: string, unit: string) {
  const n = Number(v);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

/** Installs wrk from Debian when missing (benchmarks bring their own tools; the test suite does not need it). */
async function ensureWrk() {
  if (Bun.which("wrk")) return;
  if (process.getuid?.() !== 0) throw new Error("wrk est introuvable : installez-le avec « sudo apt-get install -y wrk ».");
  console.log("== installation de wrk (apt-get)");
  const code = await Bun.spawn(["apt-get", "install", "-y", "-q", "wrk"], { stdin: "ignore", stdout: "inherit", stderr: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).exited;
  if (code !== 0 || !Bun.which("wrk")) throw new Error("Impossible d'installer wrk (apt-get install -y wrk).");
}

/** Runs wrk once against `url` with the given headers; refuses results that contain error answers. */
async function wrk(url: string, headers: Record<string, string>): Promise<WrkResult> {
  const h = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  const p = Bun.spawn(["wrk", `-t${opt.threads}`, `-c${opt.connections}`, `-d${opt.duration}s`, "--latency", ...h, url], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`wrk a échoué (${code}) : ${err}`);
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (bad) throw new Error(`${bad[1]} réponses en erreur pendant la mesure de ${url} :\n${out}`);
  const socketErrors = /Socket errors: .*/.exec(out);
  if (socketErrors) console.warn(`   (wrk) ${socketErrors[0]}`);
  const lat = (pct: string) => {
    const m = new RegExp(`\\b${pct}%\\s+([\\d.]+)(us|ms|s|m)\\b`).exec(out);
    if (!m) throw new Error(`Sortie de wrk inattendue :\n${out}`);
    return toMs(m[1]!, m[2]!);
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`Sortie de wrk inattendue :\n${out}`);
  return { rps: Number(rps[1]), p50: lat("50"), p99: lat("99") };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, d = 0) => n.toLocaleString("fr-FR", { minimumFractionDigits: d, maximumFractionDigits: d });

await ensureWrk();
const tmp = mkdtempSync("/tmp/guichet-bench-http-");
const dataDir = join(tmp, "data");
const cmd = opt.bin ? [resolve(opt.bin)] : [process.execPath, join(ROOT, "appliance/main.ts")];
const app = await startAppliance(cmd, { cwd: tmp, env: { GUICHET_DATA_DIR: dataDir }, timeoutMs: 60_000 });
try {
  console.log(`== appliance : ${opt.bin ?? "bun appliance/main.ts"} sur ${app.url}`);
  const admin = await completeSetup(app.url);
  const me = await admin.get("/api/auth/me");

  // 100,000 audit rows through the real audit(): one transaction, a valid chain.
  const t0 = performance.now();
  const db = openDb(dbFileOf(dataDir));
  const actions = ["membre.modifié", "invitation.created", "organisation.updated", "session.revoked", "token.created"];
  const ctx = { org: admin.org!, ip: "192.0.2.10", clock: systemClock, actor: { userId: me.body.id as string, label: "Alice Martin", role: "owner" as const, moduleRoles: [], via: "session" as const } };
  withTransaction(db, (tx) => {
    for (let i = 0; i < ROWS; i++) audit(tx, ctx, { action: actions[i % actions.length]!, entity: "bench", entityId: String(i), data: { n: i, note: `ligne de mesure ${i}` } });
  });
  // A running appliance checkpoints its WAL little by little; one 100k-row transaction leaves ~35 MB of it,
  // which would slow every read of the measurement (measured: −25 % on the list) and say nothing true.
  db.$client.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.$client.close();
  console.log(`== ${fmt(ROWS)} lignes d'audit insérées (chaîne valide) en ${fmt((performance.now() - t0) / 1000, 1)} s`);

  const list = await admin.get("/api/audit?limit=50");
  if (list.status !== 200 || list.body.items.length !== 50) throw new Error(`GET /api/audit : ${list.status} ${list.text.slice(0, 300)}`);
  const tv = performance.now();
  const verify = await admin.get("/api/audit/verify");
  const verifyMs = performance.now() - tv;
  if (!verify.body?.ok) throw new Error(`La chaîne d'audit ne se vérifie pas : ${verify.text}`);
  console.log(`== GET /api/audit/verify : ${fmt(verify.body.checked)} lignes vérifiées en ${fmt(verifyMs)} ms`);

  const auth = { cookie: admin.cookie!, "x-guichet-org": admin.org! };
  const targets = [
    { name: "/api/health", url: app.url + "/api/health", headers: {} as Record<string, string> },
    // Authenticated but no list: separates the cost of the session/membership checks from the list itself.
    { name: "/api/org (authentifié, sans liste)", url: app.url + "/api/org", headers: auth },
    { name: `/api/audit?limit=50 (authentifié, ${ROWS >= 1000 ? ROWS / 1000 + "k" : ROWS} lignes)`, url: app.url + "/api/audit?limit=50", headers: auth },
  ];
  console.log(`== wrk -t${opt.threads} -c${opt.connections} -d${opt.duration}s, ${RUNS} passes alternées`);
  const results = targets.map(() => [] as WrkResult[]);
  for (let r = 0; r < RUNS; r++) {
    for (const [i, t] of targets.entries()) {
      const w = await wrk(t.url, t.headers);
      results[i]!.push(w);
      console.log(`   passe ${r + 1} ${t.name.padEnd(46)} ${fmt(w.rps).padStart(8)} req/s  p50 ${fmt(w.p50, 2)} ms  p99 ${fmt(w.p99, 2)} ms`);
    }
  }
  const med = results.map((rs) => ({ rps: median(rs.map((x) => x.rps)), p50: median(rs.map((x) => x.p50)), p99: median(rs.map((x) => x.p99)) }));
  console.log("\n== médianes");
  for (const [i, t] of targets.entries()) console.log(`   ${t.name.padEnd(46)} ${fmt(med[i]!.rps).padStart(8)} req/s  p50 ${fmt(med[i]!.p50, 2)} ms  p99 ${fmt(med[i]!.p99, 2)} ms`);
  const [health, org, listing] = med as [WrkResult, WrkResult, WrkResult];
  console.log(`   rapport liste / santé      : ${fmt(listing.rps / health.rps, 3)} × le débit, ${fmt(listing.p99 / health.p99, 1)} × la latence p99`);
  console.log(`   rapport liste / /api/org   : ${fmt(listing.rps / org.rps, 2)} × le débit, ${fmt(listing.p99 / org.p99, 1)} × la latence p99`);
} finally {
  await app.stop("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
}
