#!/usr/bin/env bash
# TFTP throughput, Guichet's daemon beside Debian's tftpd-hpa on this machine, same client (atftp), same run.
# A 50 MB file, blksize 1468 in lockstep, then with RFC 7440 windowsize (tftpd-hpa does not implement it: its
# reference is its lockstep figure). Runs are interleaved so all servers see the same background load; medians.
#
# Lockstep throughput on one machine is one round trip per block, and a round trip is mostly two thread
# wakeups; whether client and server share a CPU decides the figure more than the code does (on this VM,
# ~150 MB/s on one CPU, ~15 MB/s across two, where each wakeup of a halted CPU is slow). So besides the free
# placement (the target rows), the same transfers run pinned: both on CPU 0 ("même cœur"), or server on CPU 0
# and client on CPU 1 ("cœurs séparés"). The CPU column is the server's CPU time per block (its cgroup).
#
# Guichet's rows: the default (blocking worker threads through bun:ffi, with a short busy poll for the ACK),
# the same without the busy poll, and the event-loop path (the fallback when bun:ffi is unavailable).
# Usage: scripts/bench/tftp.sh   (RUNS=7 SIZE_MB=50 WINDOWS="16 64" PLACEMENTS="libre" to change). Needs root.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-50}
WINDOWS=${WINDOWS:-"8 16 64"}
PLACEMENTS=${PLACEMENTS:-"libre meme separes"}
BLKSIZE=1468

for bin in atftp in.tftpd taskset; do
  command -v "$bin" >/dev/null || { echo "$bin absent : installez atftp et tftpd-hpa (scripts/debian-packages.txt)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cg=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$cg" ] && for d in "$cg"/*/; do rmdir "$d" 2>/dev/null || true; done && rmdir "$cg" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/root"
head -c $((SIZE_MB * 1048576)) /dev/urandom >"$tmp/root/bench.bin"
bytes=$(stat -c %s "$tmp/root/bench.bin")
blocks=$((bytes / BLKSIZE + 1))

# Servers: g = Guichet (default), gs = workers without busy poll, gl = event loop only, hpa = tftpd-hpa.
base=$((20000 + RANDOM % 30000))
declare -A port=([g]=$base [gs]=$((base + 1)) [gl]=$((base + 2)) [hpa]=$((base + 3))) pid
node_modules/.bin/bun scripts/bench/tftp-server.ts "$tmp/root" "${port[g]}" >"$tmp/g.log" 2>&1 &
pid[g]=$!
node_modules/.bin/bun scripts/bench/tftp-server.ts "$tmp/root" "${port[gs]}" 4 0 >"$tmp/gs.log" 2>&1 &
pid[gs]=$!
node_modules/.bin/bun scripts/bench/tftp-server.ts "$tmp/root" "${port[gl]}" 0 >"$tmp/gl.log" 2>&1 &
pid[gl]=$!
in.tftpd --foreground --listen --address "127.0.0.1:${port[hpa]}" --secure --user "$(id -un)" "$tmp/root" &
pid[hpa]=$!
pids+=("${pid[@]}")
for s in g gs gl; do
  for _ in $(seq 50); do grep -q prêt "$tmp/$s.log" 2>/dev/null && break; sleep 0.1; done
done
sleep 0.3

# Each server in its own CPU-accounting cgroup (tftpd-hpa forks a child per transfer: the cgroup counts it).
cpu_ns() { echo 0; }
if [ -w /sys/fs/cgroup/cpuacct ]; then
  cg=/sys/fs/cgroup/cpuacct/guichet-bench-$$
  cpu_ns() { cat "$cg/$1/cpuacct.usage"; }
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && [ -w /sys/fs/cgroup ]; then
  cg=/sys/fs/cgroup/guichet-bench-$$
  cpu_ns() { awk '$1 == "usage_usec" { print $2 * 1000 }' "$cg/$1/cpu.stat"; }
fi
if [ -n "$cg" ]; then
  for s in "${!pid[@]}"; do mkdir -p "$cg/$s" && echo "${pid[$s]}" >"$cg/$s/cgroup.procs" || true; done
fi

all_cpus="0-$(($(nproc) - 1))"
# One download: "MB/s cpu-ns-per-block" (MB = 10^6 bytes); checks that the file arrived whole.
fetch() {
  local s=$1 window=$2 placement=$3 opts=(--option "blksize $BLKSIZE") client_cpus=$all_cpus server_cpus=$all_cpus
  [ "$window" != 1 ] && opts+=(--option "windowsize $window")
  case $placement in
    meme) server_cpus=0 client_cpus=0 ;;
    separes) server_cpus=0 client_cpus=1 ;;
  esac
  taskset -a -p -c "$server_cpus" "${pid[$s]}" >/dev/null
  rm -f "$tmp/out"
  local t0 t1 c0 c1
  c0=$(cpu_ns "$s" 2>/dev/null || echo 0)
  t0=$(date +%s%N)
  taskset -c "$client_cpus" atftp "${opts[@]}" -g -r bench.bin -l "$tmp/out" 127.0.0.1 "${port[$s]}" >/dev/null 2>&1 || { echo "échec -"; return; }
  t1=$(date +%s%N)
  sleep 0.02 # let tftpd-hpa's child exit so that its CPU time is counted
  c1=$(cpu_ns "$s" 2>/dev/null || echo 0)
  cmp -s "$tmp/out" "$tmp/root/bench.bin" || { echo "corrompu -"; return; }
  awk -v b="$bytes" -v ns=$((t1 - t0)) -v c=$((c1 - c0)) -v n="$blocks" 'BEGIN { printf "%.1f %s", b / (ns / 1e9) / 1e6, (c > 0 ? sprintf("%.1f", c / n / 1000) : "-") }'
}

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
best() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f×", a / b; else print "-" }'; }

echo "== TFTP : fichier de $SIZE_MB Mo, blksize $BLKSIZE, $RUNS essais entrelacés, client atftp, $(nproc) cœurs (charge $(cut -d' ' -f1-3 /proc/loadavg))"
declare -A mbs cpu
record() {
  local r
  r=$(fetch "$2" "$3" "$4")
  mbs[$1]+=" ${r% *}"
  cpu[$1]+=" ${r#* }"
}
for _ in $(seq "$RUNS"); do
  for pl in $PLACEMENTS; do
    record "$pl.hpa" hpa 1 "$pl"
    record "$pl.g" g 1 "$pl"
    record "$pl.gs" gs 1 "$pl"
    record "$pl.gl" gl 1 "$pl"
    if [ "$pl" = libre ]; then
      for w in $WINDOWS; do record "$pl.g$w" g "$w" "$pl"; done
    fi
  done
done

# On a shared machine the median shows what a busy box gets, the best run what the code can do.
printf "%-48s %13s %6s   %13s %6s   %9s\n" "configuration" "médiane" "ratio" "meilleur" "ratio" "µs CPU/bloc"
for pl in $PLACEMENTS; do
  case $pl in libre) title="placement libre (objectif)" ;; meme) title="client et serveur sur le même cœur" ;; separes) title="serveur cœur 0, client cœur 1" ;; esac
  echo "-- $title"
  ref=$(echo "${mbs[$pl.hpa]}" | median)
  refbest=$(echo "${mbs[$pl.hpa]}" | best)
  row() {
    local m b
    m=$(echo "${mbs[$2]}" | median)
    b=$(echo "${mbs[$2]}" | best)
    printf "%-48s %8s Mo/s %6s   %8s Mo/s %6s   %9s   (essais :%s)\n" "$1" "$m" "$(ratio "$m" "$ref")" "$b" "$(ratio "$b" "$refbest")" "$(echo "${cpu[$2]}" | tr ' ' '\n' | grep -v -- '^-$' | median)" "${mbs[$2]}"
  }
  row "tftpd-hpa, blksize $BLKSIZE (référence)" "$pl.hpa"
  row "Guichet, blksize $BLKSIZE" "$pl.g"
  row "Guichet, workers sans attente active" "$pl.gs"
  row "Guichet, boucle d'événements seule (repli)" "$pl.gl"
  if [ "$pl" = libre ]; then
    for w in $WINDOWS; do row "Guichet, blksize $BLKSIZE + windowsize $w" "$pl.g$w"; done
  fi
done
echo "Objectif (placement libre) : Guichet ≥ 1.00× en blksize $BLKSIZE, ≥ 1.50× avec windowsize. Charge à la fin : $(cut -d' ' -f1-3 /proc/loadavg)"
