#!/usr/bin/env bash
# TFTP throughput, Guichet's daemon beside Debian's tftpd-hpa on this machine, same client (atftp), same run.
# A 50 MB file, blksize 1468 in lockstep, then with RFC 7440 windowsize (tftpd-hpa does not implement it and
# falls back to lockstep). Runs are interleaved so both servers see the same background load; medians printed.
# Usage: scripts/bench/tftp.sh   (RUNS=7 SIZE_MB=50 WINDOWS="16 64" to change). Needs root (tftpd-hpa chroots).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-50}
WINDOWS=${WINDOWS:-"8 16 64"}
BLKSIZE=1468

for bin in atftp in.tftpd; do
  command -v "$bin" >/dev/null || { echo "$bin absent : installez atftp et tftpd-hpa (scripts/debian-packages.txt)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/root"
head -c $((SIZE_MB * 1048576)) /dev/urandom >"$tmp/root/bench.bin"
bytes=$(stat -c %s "$tmp/root/bench.bin")

base=$((20000 + RANDOM % 30000))
port_g=$base
port_h=$((base + 1))
node_modules/.bin/bun scripts/bench/tftp-server.ts "$tmp/root" "$port_g" >"$tmp/guichet.log" 2>&1 &
pids+=($!)
in.tftpd --foreground --listen --address "127.0.0.1:$port_h" --secure --user "$(id -un)" "$tmp/root" &
pids+=($!)
for _ in $(seq 50); do grep -q prêt "$tmp/guichet.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.3

# One download; prints MB/s (10^6 bytes per second) and checks the file arrived whole.
fetch() {
  local port=$1 window=$2 opts=(--option "blksize $BLKSIZE")
  [ "$window" != 1 ] && opts+=(--option "windowsize $window")
  rm -f "$tmp/out"
  local t0 t1
  t0=$(date +%s%N)
  atftp "${opts[@]}" -g -r bench.bin -l "$tmp/out" 127.0.0.1 "$port" >/dev/null 2>&1 || { echo "échec"; return; }
  t1=$(date +%s%N)
  cmp -s "$tmp/out" "$tmp/root/bench.bin" || { echo "corrompu"; return; }
  awk -v b="$bytes" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", b / (ns / 1e9) / 1e6 }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "== TFTP : fichier de $SIZE_MB Mo, blksize $BLKSIZE, $RUNS essais entrelacés, client atftp, $(nproc) cœurs (charge $(cut -d' ' -f1 /proc/loadavg))"
declare -A res
for _ in $(seq "$RUNS"); do
  res[hpa]+=" $(fetch "$port_h" 1)"
  res[g1]+=" $(fetch "$port_g" 1)"
  for w in $WINDOWS; do
    res[g$w]+=" $(fetch "$port_g" "$w")"
    res[hpa$w]+=" $(fetch "$port_h" "$w")"
  done
done

best() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
ref=$(echo "${res[hpa]}" | median)
refbest=$(echo "${res[hpa]}" | best)
# On a shared machine the median shows what a busy box gets, the best run what the code can do.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f×", a / b; else print "-" }'; }
row() {
  local m b
  m=$(echo "$2" | median)
  b=$(echo "$2" | best)
  printf "%-44s %8s Mo/s %6s   %8s Mo/s %6s   (essais :%s)\n" "$1" "$m" "$(ratio "$m" "$ref")" "$b" "$(ratio "$b" "$refbest")" "$2"
}
printf "%-44s %13s %6s   %13s %6s\n" "configuration" "médiane" "ratio" "meilleur" "ratio"
row "tftpd-hpa, blksize $BLKSIZE (référence)" "${res[hpa]}"
row "Guichet, blksize $BLKSIZE" "${res[g1]}"
for w in $WINDOWS; do
  row "tftpd-hpa, windowsize $w demandé (ignoré)" "${res[hpa$w]}"
  row "Guichet, blksize $BLKSIZE + windowsize $w" "${res[g$w]}"
done
echo "Objectif : Guichet ≥ 1.00× en blksize $BLKSIZE, ≥ 1.50× avec windowsize."
