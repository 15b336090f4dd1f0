#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (scripts/debian-packages.txt) when some are missing.
# Quiet and quick when everything is there; `apt-get update` runs only if something must be installed.
# Without root it prints the exact command to run and fails.
set -euo pipefail

list="$(dirname "$0")/debian-packages.txt"
if [ ! -f "$list" ]; then
  echo "Liste des paquets introuvable : $list" >&2
  exit 1
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "dpkg/apt-get introuvables : ce projet attend une Debian (ou dérivée) pour ses tests." >&2
  exit 1
fi

# One name per line; '#' starts a comment; blank lines ignored.
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$' || true)

missing=()
for p in "${wanted[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "== paquets Debian : ${#wanted[@]} présents"
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Paquets Debian manquants : ${missing[*]}" >&2
  echo "Installez-les en root puis relancez :" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi

echo "== paquets Debian manquants, installation : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q "${missing[@]}" </dev/null
