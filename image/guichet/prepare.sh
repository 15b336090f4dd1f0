#!/usr/bin/env bash
# Prepares the LinuxKit package context in dist/linuxkit-pkg/guichet: Dockerfile, build.yml, the
# compiled binary (npm run build) and the rootfs scripts the service runs. Docker is needed only after.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CTX="$ROOT/dist/linuxkit-pkg/guichet"
[ -x "$ROOT/dist/guichet" ] || (cd "$ROOT" && npm run build --silent)
rm -rf "$CTX" && mkdir -p "$CTX/lib"
cp "$ROOT/image/guichet/Dockerfile" "$ROOT/image/guichet/build.yml" "$ROOT/image/guichet/container-start" "$CTX/"
cp "$ROOT/dist/guichet" "$CTX/guichet"
cp "$ROOT"/rootfs/usr/lib/guichet/{lib.sh,supervise,boot-tls} "$CTX/lib/"
echo "contexte prêt : $CTX (linuxkit pkg build --org guichet $CTX)"
