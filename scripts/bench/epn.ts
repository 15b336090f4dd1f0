// `npm run bench:epn`: the EPN module's two speed targets, each beside /api/health in the same run.
//   1. open + close 10,000 sessions through the kiosk API (target: under 10 s), 20 kiosks in parallel,
//      against the time the same number of /api/health round trips takes with the same parallelism;
//      repeated --runs times (medians printed: the machine is shared, single runs are noisy);
//   2. the room view (GET /api/epn/workstations, 200 workstations, half in use) at 20 concurrent readers,
//      p50/p99 with Debian's wrk (target: p99 under 50 ms), alternated with /api/health after a 2 s warm-up.
// The appliance runs as a real process on a temporary data folder, its room open around the clock.
//
// Options: --sessions N (10000), --workstations N (200), --concurrency N (20), --duration S (10), --runs N (3, both parts), --bin PATH.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { completeSetup, startAppliance, type HttpClient } from "../test/appliance-process";
import { Client, testDeps } from "../../appliance/test/harness";
import { buildApp } from "../../appliance/app";
import { authenticateWorkstation, endOwnSession, openSession } from "../../appliance/modules/epn/service";

const { values: opt } = parseArgs({
  options: {
    sessions: { type: "string", default: "10000" },
    workstations: { type: "string", default: "200" },
    concurrency: { type: "string", default: "20" },
    duration: { type: "string", default: "10" },
    runs: { type: "string", default: "3" },
    bin: { type: "string" },
  },
});
const SESSIONS = Number(opt.sessions);
const WS = Number(opt.workstations);
const CONC = Number(opt.concurrency);
const RUNS = Number(opt.runs);
const ROOT = join(import.meta.dir, "../..");
const ALWAYS = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [["00:00", "24:00"]]]));
const fmt = (n: number, d = 0) => n.toLocaleString("fr-FR", { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function must(r: Promise<{ status: number; body: any; text: string }>, what: string) {
  const x = await r;
  if (x.status !== 200) throw new Error(`${what} : ${x.status} ${x.text.slice(0, 300)}`);
  return x.body;
}

/** A kiosk's call with its own secret; throws on anything but 200 so a broken run never looks fast. */
async function kiosk(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + "/api/epn/kiosk" + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path} : ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** CPU seconds (user + system) a process has used so far, from /proc: a figure other load on the machine barely moves. */
function cpuSeconds(pid: number) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Runs `total` jobs with `conc` workers; returns the wall time in ms. */
async function parallel(total: number, conc: number, job: (worker: number, i: number) => Promise<unknown>) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conc }, async (_, w) => {
      for (let i = next++; i < total; i = next++) await job(w, i);
    }),
  );
  return performance.now() - t0;
}

async function ensureWrk() {
  if (Bun.which("wrk")) return;
  if (process.getuid?.() !== 0) throw new Error("wrk est introuvable : installez-le avec « sudo apt-get install -y wrk ».");
  console.log("== installation de wrk (apt-get)");
  const code = await Bun.spawn(["apt-get", "install", "-y", "-q", "wrk"], { stdin: "ignore", stdout: "inherit", stderr: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).exited;
  if (code !== 0 || !Bun.which("wrk")) throw new Error("Impossible d'installer wrk (apt-get install -y wrk).");
}

/** One wrk run at CONC connections: requests/s and p50/p99 in ms; refuses runs with error answers. */
async function wrk(url: string, headers: Record<string, string>, seconds = Number(opt.duration)) {
  const h = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  const p = Bun.spawn(["wrk", "-t2", `-c${CONC}`, `-d${seconds}s`, "--latency", ...h, url], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`wrk a échoué (${code}) : ${err}`);
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (bad) throw new Error(`${bad[1]} réponses en erreur pendant la mesure de ${url}`);
  const lat = (pct: string) => {
    const m = new RegExp(`\\b${pct}%\\s+([\\d.]+)(us|ms|s)\\b`).exec(out);
    if (!m) throw new Error(`Sortie de wrk inattendue :\n${out}`);
    const n = Number(m[1]);
    return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
  };
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), p50: lat("50"), p99: lat("99") };
}

async function prepare(admin: HttpClient) {
  const room = await must(admin.post("/api/epn/rooms", { name: "Salle de mesure", hours: ALWAYS }), "salle");
  const tokens: { id: string; token: string }[] = [];
  for (let i = 0; i < WS; i++) {
    const ws = await must(admin.post("/api/epn/workstations", { name: `M${String(i + 1).padStart(3, "0")}`, roomId: room.id }), "poste");
    tokens.push({ id: ws.id, token: (await must(admin.post(`/api/epn/workstations/${ws.id}/token`), "secret")).token });
  }
  // One guest code per session, as at a real desk (a code reused 10,000 times would measure a quota sum instead).
  const codes: string[] = [];
  const wanted = SESSIONS * RUNS;
  while (codes.length < wanted) {
    const r = await must(admin.post("/api/epn/codes", { count: Math.min(500, wanted - codes.length) }), "codes");
    codes.push(...r.codes.map((c: { code: string }) => c.code));
  }
  return { tokens, codes };
}

/** The same work without HTTP: service calls in this process on a fresh database (what the rules cost alone). */
async function inProcess() {
  const deps = testDeps();
  deps.clock.set(new Date());
  const app = buildApp(deps);
  const c = new Client(app);
  const setup = await c.post("/api/setup", { organisation: { name: "Mesure" }, admin: { name: "A", email: "a@mesure.test", password: "correct horse battery" } });
  c.org = setup.body.orgId;
  await c.refresh();
  const room = (await c.post("/api/epn/rooms", { name: "S", hours: ALWAYS })).body;
  const kiosks = [];
  for (let i = 0; i < CONC; i++) {
    const ws = (await c.post("/api/epn/workstations", { name: `K${i}`, roomId: room.id })).body;
    kiosks.push(authenticateWorkstation(deps, `Bearer ${(await c.post(`/api/epn/workstations/${ws.id}/token`)).body.token}`, null));
  }
  const codes: string[] = [];
  while (codes.length < SESSIONS) codes.push(...(await c.post("/api/epn/codes", { count: Math.min(500, SESSIONS - codes.length) })).body.codes.map((x: { code: string }) => x.code));
  deps.events.subscribe(() => {});
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < SESSIONS; i++) {
    const k = kiosks[i % CONC]!;
    openSession(k.ctx, k.ws.id, { code: codes[i]! });
    endOwnSession(k.ctx, k.ws.id);
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1e6 };
}

await ensureWrk();
const tmp = mkdtempSync("/tmp/guichet-bench-epn-");
const cmd = opt.bin ? [resolve(opt.bin)] : [process.execPath, join(ROOT, "appliance/main.ts")];
const app = await startAppliance(cmd, { cwd: tmp, env: { GUICHET_DATA_DIR: join(tmp, "data")}, timeoutMs: 60_000 });
try {
  console.log(`== appliance : ${opt.bin ?? "bun appliance/main.ts"} sur ${app.url}`);
  const admin = await completeSetup(app.url);
  const { tokens, codes } = await prepare(admin);
  console.log(`== ${WS} postes enregistrés, ${fmt(codes.length)} codes invités (un par session)`);

  // 1. Open + close SESSIONS sessions, RUNS times: kiosk k uses workstation k, one session after another.
  console.log(`\n== 1. ouvrir + fermer ${fmt(SESSIONS)} sessions, ${CONC} postes en parallèle, ${RUNS} passes`);
  // A browser watching the room view: every open and close computes and pushes a tile, as in real use.
  const live = new WebSocket(app.url.replace("http", "ws") + `/api/live?org=${admin.org}`, { headers: { cookie: admin.cookie! } } as unknown as string[]);
  let tiles = 0;
  live.onmessage = (ev) => void (JSON.parse(String(ev.data)).type === "epn.workstation" && tiles++);
  await new Promise((ok, ko) => ((live.onopen = ok), (live.onerror = ko)));
  const passes: { health: number; sessions: number; cpu: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    const health = await parallel(SESSIONS * 2, CONC, async () => {
      const res = await fetch(app.url + "/api/health");
      await res.text();
    });
    const cpu0 = cpuSeconds(app.proc.pid);
    const sessions = await parallel(SESSIONS, CONC, async (w, i) => {
      const t = tokens[w]!.token;
      await kiosk(app.url, t, "POST", "/sessions", { code: codes[r * SESSIONS + i] });
      await kiosk(app.url, t, "POST", "/sessions/current/end", {});
    });
    const cpu = cpuSeconds(app.proc.pid) - cpu0;
    passes.push({ health, sessions, cpu });
    console.log(`   passe ${r + 1} : ${fmt(SESSIONS)} sessions en ${fmt(sessions / 1000, 2)} s (${fmt((cpu * 1000) / SESSIONS, 2)} ms de processeur par ouverture + fermeture) ; ${fmt(SESSIONS * 2)} appels /api/health en ${fmt(health / 1000, 2)} s`);
  }
  await Bun.sleep(200);
  live.close();
  const stats = await must(admin.get("/api/epn/stats"), "statistiques");
  if (stats.totals.sessions < SESSIONS * RUNS) throw new Error(`Seulement ${stats.totals.sessions} sessions comptées sur ${SESSIONS * RUNS}.`);
  const healthRef = median(passes.map((p) => p.health));
  const sessionsMs = median(passes.map((p) => p.sessions));
  const serverCpu = median(passes.map((p) => p.cpu));
  console.log("   médianes :");
  console.log(`   ${fmt(SESSIONS * 2)} appels /api/health (référence) : ${fmt(healthRef / 1000, 2)} s`);
  console.log(`   ${fmt(SESSIONS)} sessions ouvertes + fermées    : ${fmt(sessionsMs / 1000, 2)} s  (${fmt(SESSIONS / (sessionsMs / 1000))} sessions/s ; cible < 10 s)`);
  console.log(`   rapport sessions / santé (même nombre d'allers-retours) : ${fmt(median(passes.map((p) => p.sessions / p.health)), 1)} ×`);
  console.log(`   temps processeur de l'appliance pendant ces sessions : ${fmt(serverCpu, 1)} s (${fmt((serverCpu * 1000) / SESSIONS, 2)} ms par ouverture + fermeture)`);
  console.log(`   tuiles reçues en direct par le navigateur témoin : ${fmt(tiles)} (2 par session attendues : ${fmt(2 * SESSIONS * RUNS)})`);
  const inProc = await inProcess();
  console.log(`   sans HTTP (appels directs aux services, un abonné aux événements) : ${fmt(inProc.ms / 1000, 2)} s, dont ${fmt(inProc.cpu, 2)} s de processeur`);

  // 2. Room view: half the workstations in use, then wrk at CONC connections, alternated with /api/health.
  const more = (await must(admin.post("/api/epn/codes", { count: WS / 2 }), "codes")).codes;
  for (let i = 0; i < WS / 2; i++) await kiosk(app.url, tokens[i]!.token, "POST", "/sessions", { code: more[i].code });
  for (const t of tokens) await kiosk(app.url, t.token, "POST", "/heartbeat", { idleSeconds: 3 });
  const view = await must(admin.get("/api/epn/workstations"), "vue de salle");
  console.log(`\n== 2. vue de salle : ${view.length} postes dont ${view.filter((x: { state: string }) => x.state === "in_use").length} occupés ; wrk ${CONC} connexions × ${opt.duration} s, ${opt.runs} passes`);
  const targets = [
    { name: "/api/health", url: app.url + "/api/health", headers: {} as Record<string, string> },
    { name: "/api/epn/workstations (authentifié)", url: app.url + "/api/epn/workstations", headers: admin.authHeaders() },
  ];
  const res = targets.map(() => [] as { rps: number; p50: number; p99: number }[]);
  // Not measured: 2 s on each route first, so the passes see a warmed-up process (JIT, heap sized) as in use.
  for (const t of targets) await wrk(t.url, t.headers, 2);
  for (let r = 0; r < Number(opt.runs); r++)
    for (const [i, t] of targets.entries()) {
      const w = await wrk(t.url, t.headers);
      res[i]!.push(w);
      console.log(`   passe ${r + 1} ${t.name.padEnd(38)} ${fmt(w.rps).padStart(7)} req/s  p50 ${fmt(w.p50, 2)} ms  p99 ${fmt(w.p99, 2)} ms`);
    }
  const med = res.map((rs) => ({ rps: median(rs.map((x) => x.rps)), p50: median(rs.map((x) => x.p50)), p99: median(rs.map((x) => x.p99)) }));
  console.log("   médianes :");
  for (const [i, t] of targets.entries()) console.log(`   ${t.name.padEnd(46)} ${fmt(med[i]!.rps).padStart(7)} req/s  p50 ${fmt(med[i]!.p50, 2)} ms  p99 ${fmt(med[i]!.p99, 2)} ms`);
  console.log(`   rapport vue de salle / santé : ${fmt(med[1]!.rps / med[0]!.rps, 3)} × le débit, ${fmt(med[1]!.p99 / med[0]!.p99, 1)} × la latence p99 (cible p99 < 50 ms)`);
} finally {
  await app.stop("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
}
