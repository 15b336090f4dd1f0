// `npm run bench:agents [-- --agents=2000 --seconds=20]`: N simulated kiosk agents (1 s heartbeats, ping requests)
// against Guichet's embedded broker (the real appliance process, enrolled kiosks, ACL, validation, EPN link) and
// against Debian's mosquitto (anonymous, with a small responder standing in for the appliance), in the same run.
// Prints messages lost, request round trip p50/p99, staff command delivery (Guichet only) and broker RSS.
// Memory investigation: `--probe` runs the appliance from sources beside a sampler (agents-probe.ts: RSS every 50 ms,
// object counts at each phase change; GUICHET_PROBE_GC, _SNAPSHOT, _PROFILE); BUN_JSC_* / BUN_GC_* are passed on
// (BUN_JSC_logGC=1: JavaScriptCore's collections, in /tmp/guichet-agents-probe-out.txt).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { topic } from "../../agent/protocol";
import { prepareEpn, randomPort, startApplianceWithBroker } from "../../appliance/net/mqtt/test/processes";
import type { HttpClient } from "../test/appliance-process";
import { buildBinary } from "../build-binary";

const arg = (name: string, def: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? def);
const N = arg("agents", 2000);
const SECONDS = arg("seconds", 20);
/** Ping requests per second across all agents (each measured end to end). */
const PINGS_PER_S = arg("pings", 100);

interface Kiosk {
  orgId: string;
  workstationId: string;
  username?: string;
  password?: string;
}

interface SimResult {
  slow: [number, number][];
  /** CPU used by the broker process during the load, in % of one core. */
  cpuPct: number;
  /** Agent connections that closed during the load (none expected). */
  disconnects: number;
  connectMs: number;
  sent: number;
  rtt: number[];
  pingTimeouts: number;
  commandDelivery: number[];
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => (Number.isNaN(x) ? "—" : `${x.toFixed(1)} ms`);

function rss(pid: number) {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/**
 * Peak RSS of each phase of a run (enrolment, connection, load): at each change the kernel's high-water mark
 * (VmHWM) is read and reset (`5` > /proc/<pid>/clear_refs, Linux ≥ 4.0, own child process).
 */
function phasePeaks(pid: number, probe = false) {
  const peaks: [string, number][] = [];
  let current = "démarrage";
  const reset = () => {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      // not allowed here: the peaks are then cumulative since the start
    }
  };
  reset();
  return {
    phase(next: string) {
      peaks.push([current, rss(pid).peak]);
      // The probe marks the end of each phase in its file (object counts since the previous mark).
      if (probe) process.kill(pid, "SIGUSR2");
      current = next;
      reset();
    },
    peaks: () => peaks,
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpu(pid: number) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

/** Connects every kiosk (100 at a time), then runs heartbeats and pings for SECONDS. */
async function simulate(url: string, kiosks: Kiosk[], opts: { pid?: number; onCommand?: (k: Kiosk, payload: Buffer) => void; during?: (clients: MqttClient[]) => Promise<void>; phase?: (name: string) => void } = {}): Promise<SimResult> {
  const clients: MqttClient[] = [];
  const pending = new Map<string, number>();
  const rtt: number[] = [];
  /** [seconds since the load started, rtt]: shows whether slow answers come in bursts (pauses) or spread out. */
  const slow: [number, number][] = [];
  let loadStart = 0;
  let closes = 0;
  opts.phase?.("connexion");
  const t0 = performance.now();
  for (let i = 0; i < kiosks.length; i += 100) {
    await Promise.all(
      kiosks.slice(i, i + 100).map(
        (k, j) =>
          new Promise<void>((resolve, reject) => {
            const c = mqtt.connect(url, { clientId: k.workstationId, username: k.username, password: k.password, protocolVersion: 4, keepalive: 30, reconnectPeriod: 0, connectTimeout: 30_000, clean: true, will: { topic: topic(k.orgId, k.workstationId, "status"), payload: Buffer.from('{"v":1,"state":"offline"}'), qos: 1, retain: true } });
            c.once("error", reject);
            c.on("message", (t, p) => {
              if (t.endsWith("/res")) {
                const id = JSON.parse(p.toString()).id as string;
                const s = pending.get(id);
                if (s !== undefined) {
                  rtt.push(performance.now() - s);
                  if (performance.now() - s > 100) slow.push([Math.round((s - loadStart) / 100) / 10, Math.round(performance.now() - s)]);
                  pending.delete(id);
                }
              } else opts.onCommand?.(k, p);
            });
            c.on("close", () => closes++);
            c.once("connect", () => {
              c.subscribe([topic(k.orgId, k.workstationId, "cmd"), topic(k.orgId, k.workstationId, "res")], { qos: 1 }, (err) => {
                if (err) return reject(err);
                c.publish(topic(k.orgId, k.workstationId, "status"), JSON.stringify({ v: 1, state: "free", at: new Date().toISOString() }), { qos: 1, retain: true });
                // By kiosk index, not in order of connection: client i publishes on kiosk i's topics (the ACL
                // closes a client that publishes on another kiosk's, as it should).
                clients[i + j] = c;
                resolve();
              });
            });
          }),
      ),
    );
  }
  const connectMs = performance.now() - t0;
  opts.phase?.("charge");
  loadStart = performance.now();
  const cpu0 = opts.pid ? cpu(opts.pid) : 0;
  let sent = 0;
  const seqs = new Array(kiosks.length).fill(0);
  const started = Date.now();
  // Heartbeats: each agent once per second, spread over the second like real kiosks started at random times.
  const beat = setInterval(() => {
    const slot = Math.floor((Date.now() - started) / 50) % 20;
    for (let i = slot; i < clients.length; i += 20) {
      const k = kiosks[i]!;
      clients[i]!.publish(topic(k.orgId, k.workstationId, "heartbeat"), JSON.stringify({ v: 1, seq: seqs[i]++, at: new Date().toISOString(), uptimeS: 1, session: null }), { qos: 0 });
      sent++;
    }
  }, 50);
  let pingTimeouts = 0;
  const ping = setInterval(() => {
    for (let j = 0; j < PINGS_PER_S / 10; j++) {
      const i = Math.floor(Math.random() * clients.length);
      const k = kiosks[i]!;
      const id = crypto.randomUUID();
      pending.set(id, performance.now());
      clients[i]!.publish(topic(k.orgId, k.workstationId, "req"), JSON.stringify({ v: 1, id, op: "ping" }), { qos: 1 });
    }
  }, 100);
  await Promise.all([Bun.sleep(SECONDS * 1000), opts.during?.(clients)]);
  clearInterval(beat);
  clearInterval(ping);
  const cpuPct = opts.pid ? (100 * (cpu(opts.pid) - cpu0)) / SECONDS : NaN;
  opts.phase?.("fin de charge");
  const disconnects = closes;
  await Bun.sleep(2000); // let the last messages arrive
  pingTimeouts = pending.size;
  opts.phase?.("déconnexion");
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await Bun.sleep(1000);
  opts.phase?.("fin");
  return { connectMs, sent, rtt, pingTimeouts, commandDelivery: [] as number[], slow, cpuPct, disconnects };
}

/** JavaScriptCore and Bun GC settings of the bench's own environment (BUN_JSC_*, BUN_GC_*, GUICHET_PROBE_*), passed on to the appliance. */
const jscEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("BUN_JSC_") || k.startsWith("BUN_GC_") || k.startsWith("GUICHET_PROBE_")) as [string, string][]);

async function guichet() {
  const dir = mkdtempSync(join(tmpdir(), "guichet-bench-agents-"));
  // The shipped form: the compiled binary (running from sources adds the transpiler and an in-memory UI build).
  const source = process.argv.includes("--source") || process.argv.includes("--probe");
  // --probe: from sources with a memory sampler (agents-probe.ts) writing to /tmp/guichet-agents-probe.txt.
  const probe = process.argv.includes("--probe");
  // --smol: Bun's "less memory, more frequent GC" mode (a candidate for the shipped binary's exec argv).
  const smol = process.argv.includes("--smol");
  const cmd = source ? [process.execPath, ...(smol ? ["--smol"] : []), probe ? "scripts/bench/agents-probe.ts" : "appliance/main.ts"] : [(await buildBinary({ outfile: join(dir, "guichet"), workDir: join(dir, "build"), quiet: true })).outfile];
  // --jsc-growth=1.25: JavaScriptCore's heap growth factor for small heaps (default 2): how much garbage may pile
  // up before a collection, hence the height of the peak during a burst of (dis)connections.
  const growth = process.argv.find((a) => a.startsWith("--jsc-growth="))?.split("=")[1];
  const probeFile = "/tmp/guichet-agents-probe.txt";
  if (probe) writeFileSync(probeFile, "");
  const app = await startApplianceWithBroker(join(dir, "appliance"), undefined, cmd, { ...jscEnv(), ...(growth ? { BUN_JSC_smallHeapGrowthFactor: growth } : {}), ...(probe ? { GUICHET_PROBE_FILE: probeFile } : {}) });
  const peaks = phasePeaks(app.proc.pid, probe);
  try {
    const { staff, roomId } = await prepareEpn(app.url);
    peaks.phase("enrôlement");
    const tok = await staff.post("/api/mqtt/enrolment-tokens", { label: "Banc d'essai", roomId, maxUses: N, validHours: 2 });
    const t0 = performance.now();
    const kiosks: Kiosk[] = [];
    for (let i = 0; i < N; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, N - i) }, (_, j) =>
          fetch(`${app.url}/api/mqtt/enrol`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: tok.body.token, hostname: `banc-${i + j}` }) }).then((r) => r.json()),
        ),
      );
      for (const b of batch) kiosks.push({ orgId: b.orgId, workstationId: b.workstationId, username: b.username, password: b.password });
    }
    const enrolMs = performance.now() - t0;
    const before = (await staff.get("/api/mqtt/status")).body;
    const delivery: number[] = [];
    const sentAt = new Map<string, number>();
    const idle = rss(app.proc.pid);
    const r = await simulate(`mqtt://127.0.0.1:${app.mqttPort}`, kiosks, {
      pid: app.proc.pid,
      phase: (p) => peaks.phase(p),
      onCommand: (_k, p) => {
        const c = JSON.parse(p.toString());
        const s = sentAt.get(c.text);
        if (s !== undefined) delivery.push(performance.now() - s);
      },
      // Staff commands through the real API (HTTP → EPN queue → broker → kiosk), 5 per second.
      during: async () => staffCommands(staff, kiosks, sentAt),
    });
    const after = (await staff.get("/api/mqtt/status")).body;
    // Warnings the appliance logged during the run (disconnections, refusals), grouped by message.
    const warns = new Map<string, number>();
    const example = new Map<string, string>();
    for (const line of app.output().split("\n")) {
      const m = / (WARN|ERROR) ([^{]+)/.exec(line);
      if (!m) continue;
      warns.set(m[2]!.trim(), (warns.get(m[2]!.trim()) ?? 0) + 1);
      if (!example.has(m[2]!.trim())) example.set(m[2]!.trim(), line.slice(line.indexOf("{"), line.indexOf("{") + 240));
    }
    for (const [w, n] of warns) if (!w.startsWith("GUICHET_SMTP_URL")) console.log(`   journal : ${n} × ${w} (ex. ${example.get(w)})`);
    const mem = rss(app.proc.pid);
    if (probe) writeFileSync("/tmp/guichet-agents-probe-out.txt", app.output());
    const received = after.link.heartbeats - before.link.heartbeats;
    return { name: `Guichet (aedes, ${source ? "depuis les sources" : "binaire compilé"}${smol ? ", --smol" : ""}${growth ? `, BUN_JSC_smallHeapGrowthFactor=${growth}` : ""})`, enrolMs, ...r, received, dropped: after.broker.dropped, commandDelivery: delivery, idle, mem, peaks: peaks.peaks() };
  } finally {
    await app.stop();
  }
}

async function staffCommands(staff: HttpClient, kiosks: Kiosk[], sentAt: Map<string, number>) {
  const end = Date.now() + (SECONDS - 1) * 1000;
  let n = 0;
  while (Date.now() < end) {
    const k = kiosks[Math.floor(Math.random() * kiosks.length)]!;
    const text = `banc ${n++}`;
    sentAt.set(text, performance.now());
    await staff.post(`/api/epn/workstations/${k.workstationId}/commands`, { type: "message", text });
    await Bun.sleep(200);
  }
}

/** Guichet's broker alone (child process), same load: isolates the broker's cost from the appliance's. */
async function brokerAlone() {
  const port = randomPort();
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "agents-broker.ts"), String(port)], { stdout: "pipe", stderr: "inherit" });
  let out = "";
  void (async () => {
    for await (const c of proc.stdout) out += new TextDecoder().decode(c);
  })();
  while (!out.includes("ready")) await Bun.sleep(50);
  const received = () => Number(/stats (\d+)\n(?![\s\S]*stats)/.exec(out)?.[1] ?? 0);
  const kiosks: Kiosk[] = Array.from({ length: N }, (_, i) => ({ orgId: "org", workstationId: `ws-${i}`, username: `ws-${i}`, password: "x" }));
  try {
    const idle = rss(proc.pid!);
    const before = received();
    const peaks = phasePeaks(proc.pid!);
    const r = await simulate(`mqtt://127.0.0.1:${port}`, kiosks, { pid: proc.pid, phase: (p) => peaks.phase(p) });
    await Bun.sleep(600);
    const mem = rss(proc.pid!);
    return { name: "broker Guichet seul (aedes + ACL + validation, sans l'appliance)", enrolMs: 0, ...r, received: received() - before, dropped: 0, idle, mem, peaks: peaks.peaks() };
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

async function mosquittoRun() {
  const dir = mkdtempSync(join(tmpdir(), "guichet-bench-mosq-"));
  const port = randomPort();
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_connections -1\npersistence false\nlog_dest none\n`);
  const proc = Bun.spawn(["mosquitto", "-c", conf], { stdout: "ignore", stderr: "pipe" });
  await Bun.sleep(300);
  const url = `mqtt://127.0.0.1:${port}`;
  // The "appliance" side: counts heartbeats and answers pings, like the embedded broker's internal subscriber.
  let received = 0;
  const mon = mqtt.connect(url, { clientId: "appliance", protocolVersion: 4 });
  await new Promise((r) => mon.once("connect", r));
  mon.on("message", (t, p) => {
    if (t.endsWith("/heartbeat")) received++;
    else if (t.endsWith("/req")) {
      const id = JSON.parse(p.toString()).id;
      mon.publish(t.slice(0, -3) + "res", JSON.stringify({ v: 1, id, ok: true, result: {} }), { qos: 1 });
    }
  });
  await mon.subscribeAsync(["guichet/+/ws/+/heartbeat", "guichet/+/ws/+/req"], { qos: 1 });
  const kiosks: Kiosk[] = Array.from({ length: N }, (_, i) => ({ orgId: "org", workstationId: `ws-${i}` }));
  try {
    const idle = rss(proc.pid!);
    const peaks = phasePeaks(proc.pid!);
    const r = await simulate(url, kiosks, { pid: proc.pid, phase: (p) => peaks.phase(p) });
    const mem = rss(proc.pid!);
    return { name: "mosquitto 2.0 (Debian)", enrolMs: 0, ...r, received, dropped: 0, idle, mem, peaks: peaks.peaks() };
  } finally {
    await mon.endAsync(true);
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

console.log(`== ${N} agents simulés, battement toutes les secondes pendant ${SECONDS} s, ${PINGS_PER_S} requêtes ping/s`);
const results = [];
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const runs = { guichet, seul: brokerAlone, mosquitto: mosquittoRun };
for (const run of only ? [runs[only as keyof typeof runs]] : Object.values(runs)) {
  const r = await run();
  results.push(r);
  console.log(`\n-- ${r.name}`);
  if (r.enrolMs) console.log(`   enrôlement de ${N} postes (HTTP) : ${(r.enrolMs / 1000).toFixed(1)} s`);
  console.log(`   connexion des ${N} agents : ${(r.connectMs / 1000).toFixed(1)} s`);
  console.log(`   battements envoyés ${r.sent}, reçus ${r.received}, perdus ${r.sent - r.received} ; connexions d'agents tombées pendant la charge : ${r.disconnects}`);
  console.log(`   aller-retour requête→réponse (${r.rtt.length} mesures, ${r.pingTimeouts} sans réponse) : p50 ${ms(pct(r.rtt, 50))}, p99 ${ms(pct(r.rtt, 99))}, max ${ms(Math.max(...r.rtt))}`);
  if (r.slow.length) console.log(`   réponses > 100 ms : ${r.slow.length}, à t = ${[...new Set(r.slow.map(([t]) => Math.floor(t)))].join(", ")} s`);
  if (r.commandDelivery.length) console.log(`   commande de l'animateur (API → poste, ${r.commandDelivery.length} mesures) : p50 ${ms(pct(r.commandDelivery, 50))}, p99 ${ms(pct(r.commandDelivery, 99))}`);
  console.log(`   CPU du broker pendant la charge : ${r.cpuPct.toFixed(0)} % d'un cœur (charge de la machine : ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]})`);
  console.log(`   RSS du broker : ${r.idle.rss.toFixed(0)} Mo au repos, ${r.mem.rss.toFixed(0)} Mo en fin de charge, pic ${Math.max(...r.peaks.map(([, v]: [string, number]) => v)).toFixed(0)} Mo`);
  console.log(`   pic par phase : ${r.peaks.map(([p, v]: [string, number]) => `${p} ${v.toFixed(0)} Mo`).join(", ")}`);
}
if (only) process.exit(0);
const [g, , m] = results as [any, any, any];
const peakOf = (r: any) => Math.max(...r.peaks.map(([, v]: [string, number]) => v));
console.log(`\n== rapport Guichet / mosquitto : p99 aller-retour ×${(pct(g.rtt, 99) / pct(m.rtt, 99)).toFixed(2)}, RSS pic ×${(peakOf(g) / peakOf(m)).toFixed(1)}`);
console.log(`== cibles : 0 perdu (${g.sent - g.received}), p99 < 50 ms (${ms(pct(g.rtt, 99))}), RSS < 200 Mo (${peakOf(g).toFixed(0)} Mo)`);
process.exit(0);
