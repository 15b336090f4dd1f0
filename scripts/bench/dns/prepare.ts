/**
 * Benchmark inputs for scripts/bench/dns.sh: a 1,000,000-domain blocklist (plain and hosts format, for
 * Guichet and for dnsmasq), and dnsperf query files for blocked and cached names.
 * Usage: bun scripts/bench/dns/prepare.ts <dir>
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: prepare.ts <dossier>");
mkdirSync(dir, { recursive: true });

// Deterministic pseudo-random names: looks like real tracker lists (varied lengths, several levels).
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
const alpha = "abcdefghijklmnopqrstuvwxyz0123456789";
const word = (n: number) => Array.from({ length: n }, () => alpha[rand() % alpha.length]).join("");
const tlds = ["com", "net", "org", "fr", "io", "de", "info", "xyz"];

const N = 1_000_000;
const domains: string[] = new Array(N);
for (let i = 0; i < N; i++) domains[i] = `${word(4 + (rand() % 8))}${i.toString(36)}.${word(3 + (rand() % 9))}.${tlds[rand() % tlds.length]}`;
writeFileSync(join(dir, "blocklist.txt"), "# Liste de test : 1 000 000 de domaines\n" + domains.join("\n") + "\n");
writeFileSync(join(dir, "blocklist.hosts"), domains.map((d) => "0.0.0.0 " + d).join("\n") + "\n");

const pick = (k: number) => Array.from({ length: k }, () => domains[rand() % N]!);
writeFileSync(join(dir, "q-blocked.txt"), pick(20_000).map((d) => `${d} A`).join("\n") + "\n");
writeFileSync(join(dir, "q-cached.txt"), Array.from({ length: 1000 }, (_, i) => `c${i}.cache.bench.test A`).join("\n") + "\n");
// Never-seen names: dns.sh writes one file per resolver and round (names nobody asked before).
console.log(`listes et requêtes prêtes dans ${dir}`);
