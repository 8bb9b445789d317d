#!/usr/bin/env bash
# The Dockerfile's steps without a container runtime (none runs on the build machine: see the
# README "Container"): compile, install production dependencies only into a fresh directory,
# then, as an unprivileged user where possible:
#   1. NODE_ENV=production without credentials refuses to start, naming what to set;
#   2. the emulators start from the runtime tree (compose.yaml's sandbox profile);
#   3. the gateway starts against them, /livez and /readyz answer 200, the HEALTHCHECK command
#      passes, a query is answered;
#   4. SIGTERM: /readyz turns 503 during the drain, the process exits 0 before SHUTDOWN_TIMEOUT_MS.
# Usage: scripts/image-smoke.sh   (exit 0: every step held)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/image-smoke.XXXXXX)"
APP="$WORK/app"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# The runtime user: the image runs as `node` (uid 1000); here `nobody` where we are root. setpriv
# execs node itself (no process in between), so node gets the SIGTERM as PID 1 would in the image.
AS=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups); fi

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_http() { # url, what
  for _ in $(seq 1 300); do
    if node -e "fetch('$1').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  fail "$2 never answered at $1"
}
status_of() { node -e "fetch('$1').then((r)=>console.log(r.status),()=>console.log(0))"; }

step "build (dev dependencies): tsc -p tsconfig.build.json"
mkdir -p "$APP"
(cd "$ROOT" && npx tsc -p tsconfig.build.json --outDir "$APP/dist")
mkdir -p "$APP/src/http" && cp -r "$ROOT/src/http/demo" "$APP/src/http/demo"

step "production dependencies only: npm ci --omit=dev"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$APP/" && cp -r "$ROOT/patches" "$APP/"
(cd "$APP" && npm ci --omit=dev --no-audit --no-fund 2>&1 | tail -n 3)
# patches/ (patch-package, npm ci's postinstall) applies to the runtime tree too.
grep -q GatewayResponseHTTP "$APP/node_modules/@apollo/server/dist/cjs/utils/makeGatewayGraphQLRequestContext.js" \
  || fail "patches/@apollo+server+5.5.1.patch is not applied in the runtime tree"
for dev in typescript jest ts-node @graphql-codegen/cli; do
  [ ! -e "$APP/node_modules/$dev" ] || fail "dev dependency $dev is in the runtime tree"
done
chmod -R a+rX "$WORK"

RUNTIME_ENV=(env -i PATH="$PATH" NODE_ENV=production HOST=127.0.0.1 LOG_FORMAT=json)

step "NODE_ENV=production without credentials refuses to start"
set +e
out="$(cd "$APP" && "${AS[@]}" "${RUNTIME_ENV[@]}" PORT=0 node dist/src/main.js 2>&1)"
code=$?
set -e
[ "$code" = 1 ] || fail "expected exit 1, got $code"
grep -q "must be set when NODE_ENV=production" <<<"$out" || fail "no message naming the credentials: $out"
echo "refused: $(grep -m1 'NODE_ENV=production' <<<"$out")"

step "emulators from the runtime tree"
PQ=$(free_port); SH=$(free_port); EX=$(free_port)
(cd "$APP" && exec "${AS[@]}" env -i PATH="$PATH" SANDBOX_PICQER_PORT="$PQ" SANDBOX_SHOPIFY_PORT="$SH" SANDBOX_EXACT_PORT="$EX" \
  SANDBOX_SIMULATOR_PICKS_PER_MINUTE=0 node dist/src/sandbox/standalone.js >"$WORK/emulators.log" 2>&1) &
PIDS+=($!)
wait_http "http://127.0.0.1:$PQ/__sandbox/stats" "the Picqer emulator"

step "gateway against the emulators"
PORT=$(free_port)
(cd "$APP" && exec "${AS[@]}" "${RUNTIME_ENV[@]}" PORT="$PORT" AUTH_DISABLED=true METRICS_TOKEN=image-smoke-metrics-token \
  PICQER_SUBDOMAIN=sandbox PICQER_API_KEY=sandbox-picqer-key-000001 PICQER_BASE_URL="http://127.0.0.1:$PQ/api/v1" \
  SHOPIFY_SHOP=sandbox SHOPIFY_ACCESS_TOKEN=shpat_sandbox_000000000000 SHOPIFY_BASE_URL="http://127.0.0.1:$SH" \
  SHUTDOWN_DRAIN_MS=2000 SHUTDOWN_TIMEOUT_MS=20000 node dist/src/main.js >"$WORK/gateway.log" 2>&1) &
GW=$!
PIDS+=($GW)
BASE="http://127.0.0.1:$PORT"
wait_http "$BASE/livez" "/livez"
[ "$(status_of "$BASE/readyz")" = 200 ] || fail "/readyz is not 200"
# The Dockerfile's HEALTHCHECK command, as written there.
(cd "$APP" && PORT="$PORT" node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))") \
  || fail "the HEALTHCHECK command failed"
answer="$(node -e "fetch('$BASE/graphql',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({query:'query Smoke { products(first: 1) { edges { node { productcode } } } }'})}).then(r=>r.text()).then(console.log)")"
grep -q '"productcode"' <<<"$answer" || fail "no product in the answer: $answer"
echo "livez 200, readyz 200, HEALTHCHECK ok, query answered"

step "SIGTERM: readiness first, then exit 0 within the timeout"
kill -TERM "$GW"
seen=""
for _ in $(seq 1 100); do
  s="$(status_of "$BASE/readyz")"
  if [ "$s" = 503 ]; then seen=503; break; fi
  sleep 0.05
done
[ "$seen" = 503 ] || fail "/readyz never answered 503 during the drain"
set +e
wait "$GW"
code=$?
set -e
[ "$code" = 0 ] || fail "gateway exited with $code (1: SHUTDOWN_TIMEOUT_MS passed)"
[ "$(grep -c '"msg":"shutting down"' "$WORK/gateway.log")" = 1 ] || fail "\"shutting down\" not logged exactly once"
echo "readyz 503 while draining, exit 0, \"shutting down\" logged once"

printf '\nimage-smoke: every step held (as %s)\n' "${AS[*]:-$(id -un)}"
