// Child of `scripts/bench/agents.ts --probe`: the appliance from sources with a memory sampler beside it, to see
// what a phase of the run allocates. Every 50 ms one line goes to $GUICHET_PROBE_FILE (RSS, JavaScriptCore's heap
// size); on SIGUSR2 (sent by the bench at each phase change) the object counts by type, diffed against the previous
// mark, and /proc/self/smaps_rollup. Options by environment: GUICHET_PROBE_GC, _SNAPSHOT, _PROFILE (see below).
import * as jsc from "bun:jsc";
import { heapSize, heapStats, startSamplingProfiler } from "bun:jsc";
import { appendFileSync, readFileSync } from "node:fs";
import { main } from "../../appliance/main";

const file = process.env.GUICHET_PROBE_FILE!;
const t0 = Date.now();
const mb = (b: number) => Math.round(b / 1048576);
const rssMb = () => Number(readFileSync("/proc/self/statm", "utf8").split(" ")[1]) * 4096 / 1048576;
let prev: Record<string, number> = {};
/** With GUICHET_PROBE_PROFILE=k, JavaScriptCore's sampling profiler runs from mark k to mark k + 1 (stacks to $GUICHET_PROBE_FILE.stacks). */
const profileAt = Number(process.env.GUICHET_PROBE_PROFILE ?? -1);
let marks = 0;

// heapSize() only: heapStats() walks the whole heap (it took three quarters of a profile at 20 calls a second).
setInterval(() => appendFileSync(file, `${Date.now() - t0}\trss ${rssMb().toFixed(0)}\theap ${mb(heapSize())}\n`), 50).unref();

process.on("SIGUSR2", () => {
  marks++;
  // GUICHET_PROBE_GC=1: a full collection first, so that the counts are what is live (it lowers the next phase's peak).
  if (process.env.GUICHET_PROBE_GC) Bun.gc(true);
  // GUICHET_PROBE_SNAPSHOT=k: a heap snapshot (Chrome's format) at mark k, to $GUICHET_PROBE_FILE.heapsnapshot.
  if (marks === Number(process.env.GUICHET_PROBE_SNAPSHOT ?? -1)) Bun.write(`${file}.heapsnapshot`, Bun.generateHeapSnapshot("v8"));
  if (marks === profileAt) startSamplingProfiler();
  if (marks === profileAt + 1) appendFileSync(`${file}.stacks`, summarize((jsc as unknown as { samplingProfilerStackTraces(): Profile }).samplingProfilerStackTraces()));
  const h = heapStats();
  const diff = Object.entries(h.objectTypeCounts)
    .map(([k, v]) => [k, v - (prev[k] ?? 0)] as const)
    .filter(([, d]) => Math.abs(d) >= 500)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 40);
  prev = { ...h.objectTypeCounts };
  const smaps = readFileSync("/proc/self/smaps_rollup", "utf8").split("\n").filter((l) => /^(Rss|Anonymous|Private_Dirty|Shared_Clean|Private_Clean):/.test(l)).join(" ").replace(/\s+/g, " ");
  // Also on stderr, between JavaScriptCore's own lines when BUN_JSC_logGC=1.
  process.stderr.write(`== mark ${Date.now() - t0} ms\n`);
  appendFileSync(file, `== mark ${Date.now() - t0} ms: heap ${mb(h.heapSize)}/${mb(h.heapCapacity)} extra ${mb(h.extraMemorySize)} objects ${h.objectCount}; ${smaps}\n   ${diff.map(([k, d]) => `${k} ${d > 0 ? "+" : ""}${d}`).join(", ")}\n`);
});

interface Profile {
  traces: { frames: { name: string; sourceURL: string; line: number }[] }[];
}

/** Samples by function: self (top of the stack) and total (anywhere in it), the 60 largest of each. */
function summarize(p: Profile) {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const where = (f: Profile["traces"][0]["frames"][0]) => `${f.name || "(anonyme)"} ${(f.sourceURL ?? "").replace(/.*node_modules\//, "~/").replace(/.*\/main\//, "")}:${f.line > 1e9 ? "?" : f.line}`;
  for (const t of p.traces) {
    if (!t.frames.length) continue;
    const top = where(t.frames[0]!);
    self.set(top, (self.get(top) ?? 0) + 1);
    for (const k of new Set(t.frames.map(where))) total.set(k, (total.get(k) ?? 0) + 1);
  }
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 60).map(([k, n]) => `${String(n).padStart(6)}  ${k}`).join("\n");
  return `${p.traces.length} samples\n-- self\n${list(self)}\n-- total\n${list(total)}\n`;
}

await main();
