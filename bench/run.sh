#!/usr/bin/env bash
# The performance benchmark of docs/design.md, with its references measured in the same run.
#
#   bench/run.sh            1,000,000 cases: measures at 100,000, grows the store to 1,000,000, measures again
#   bench/run.sh --quick    100,000 cases only (about 10 minutes on 2 cores); growth is then not measured
#
# Installs wrk when missing, starts its own PostgreSQL (bench/work/postgres) and the service (Release) on a free
# 127.0.0.1 port with an admin key, runs the driver (bench/CaseApi.Bench), writes bench/results/latest.{json,md},
# and stops everything it started on exit, failure included. Generated data stays in bench/work/data for reuse.
# Knobs (environment): BENCH_STAGES (e.g. 2000,20000), BENCH_DURATION (s, default 10),
# BENCH_WARMUP (s, default 10: one warm-up window; under wrk they repeat until two in a row agree within 5 %, since the JIT
# keeps promoting hot code for a while), BENCH_REPETITIONS (3), BENCH_CONNECTIONS (16), BENCH_CHUNK (50000),
# BENCH_NODE (1; 0 skips the Node.js comparison), BENCH_MIXED_CONNECTIONS (8: the dashboards polling during the mixed phase),
# BENCH_PHASES (all; or a subset of get,list,stats,export,mixed,link,history: the import always runs, since the others need its data),
# BENCH_KEEP_DB (0; 1 leaves the PostgreSQL cluster and its data running afterwards, to study a query at that size).
# A smoke test of every phase at a tiny scale: BENCH_STAGES=2000 BENCH_DURATION=2 BENCH_WARMUP=1 BENCH_REPETITIONS=1 BENCH_NODE=0 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

stages=100000,1000000
command="bench/run.sh"
if [ "${1:-}" = "--quick" ]; then stages=100000; command="bench/run.sh --quick"; fi
# BENCH_STAGES=2000,20000 runs a smoke test of the harness itself.
stages=${BENCH_STAGES:-$stages}

log() { echo "bench/run.sh: $*" >&2; }
work=bench/work
mkdir -p "$work"

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >&2
fi

service_pid=""
node_pid=""
cleanup() {
  if [ -n "$node_pid" ]; then kill -- "-$node_pid" 2>/dev/null || true; fi
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP_DB:-0}" = 1 ]; then
    log "BENCH_KEEP_DB=1: PostgreSQL keeps running on port $(cat "$work/postgres/port" 2>/dev/null) (scripts/pg.sh destroy $work/postgres stops it)"
  else
    scripts/pg.sh destroy "$work/postgres" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh cluster every run: the import must start from an empty store. Durability is off (PG_FAST): the
# reference COPY and the service write to the same cluster, so the comparison stays fair.
scripts/pg.sh destroy "$work/postgres" 2>/dev/null || true
# The service creates the database and its schema at start-up (Database:ApplyMigrations).
connection=$(PG_FAST=1 PG_DATABASE=caseapi_bench scripts/pg.sh start "$work/postgres")
pg_port=$(cat "$work/postgres/port")

log "building the service and the driver (Release)"
dotnet build src/CaseApi -c Release -nologo -v quiet
dotnet build bench/CaseApi.Bench -c Release -nologo -v quiet

port=5180
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
url="http://127.0.0.1:$port"
api_key=$(head -c 32 /dev/urandom | base64 | tr -d '=+/\n')

# Run from the output folder so that its appsettings.json (log levels) applies, as in a deployment.
# Production settings, except: no sample, a bootstrap admin key, import bodies up to 1 GB, and per-key rate limits
# high enough not to throttle a load generator (they are budgets for real clients; the bench's one key does the work
# of many): every request and every bulk request per window, and bulk requests in flight at once (16 connections of
# wrk, or 8 dashboards plus an import). The report lists them.
permit_limit=1000000000
bulk_permit_limit=1000000000
bulk_concurrency_limit=1000
limits="PermitLimit=$permit_limit, BulkPermitLimit=$bulk_permit_limit, BulkConcurrencyLimit=$bulk_concurrency_limit (per 60 s window)"
ConnectionStrings__Cases="$connection" \
Database__SeedSample=false \
Auth__BootstrapAdminKey="$api_key" \
Imports__MaxBodyBytes=1073741824 \
RateLimits__PermitLimit=$permit_limit \
RateLimits__BulkPermitLimit=$bulk_permit_limit \
RateLimits__BulkConcurrencyLimit=$bulk_concurrency_limit \
RateLimits__WindowSeconds=60 \
ASPNETCORE_ENVIRONMENT=Production \
  bash -c 'cd src/CaseApi/bin/Release/net10.0 && exec dotnet CaseApi.dll --urls "$1"' _ "$url" >"$work/service.log" 2>&1 &
service_pid=$!  # exec: the subshell becomes the service, so this is the pid whose memory is sampled

for _ in $(seq 1 120); do
  curl -fs "$url/health/ready" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { tail -50 "$work/service.log" >&2; log "the service did not start"; exit 1; }
  sleep 0.5
done
curl -fs "$url/health/ready" >/dev/null || { tail -50 "$work/service.log" >&2; log "the service is not ready"; exit 1; }
log "service pid $service_pid on $url; PostgreSQL on port $pg_port"

# docs/design.md also wants GET /cases/{id} at least as fast as the leading Node.js auto-REST layers: Platformatic DB
# (pinned in bench/node) serves the same table from the same database. It starts after the service has created the
# schema it introspects. Skipped, with a note, without Node.js 20+ and npm, or with BENCH_NODE=0.
node_args=()
if [ "${BENCH_NODE:-1}" != 0 ] && command -v npm >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' 2>/dev/null; then
  [ -d bench/node/node_modules/@platformatic/db ] || (cd bench/node && npm ci --no-audit --no-fund --loglevel=error >&2)
  node_port=$((port + 1))
  while (echo >"/dev/tcp/127.0.0.1/$node_port") 2>/dev/null; do node_port=$((node_port + 1)); done
  # setsid: its own process group, so that cleanup stops whatever it spawns.
  PLT_PORT=$node_port PLT_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/caseapi_bench" \
    setsid bench/node/node_modules/.bin/plt-db start -c bench/node/platformatic.json >"$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$node_port/cases?limit=1" >/dev/null 2>&1 && break
    sleep 0.5
  done
  if curl -fs "http://127.0.0.1:$node_port/cases?limit=1" >/dev/null 2>&1; then
    node_label="Platformatic DB $(node -p 'require("./bench/node/node_modules/@platformatic/db/package.json").version') on Node.js $(node --version)"
    node_args=(--node-url "http://127.0.0.1:$node_port" --node-label "$node_label")
    log "$node_label on port $node_port"
  else
    tail -20 "$work/node.log" >&2; log "Platformatic DB did not start: the Node.js comparison is skipped"
  fi
else
  log "no Node.js 20+ with npm (or BENCH_NODE=0): the Node.js comparison is skipped"
fi

status=0
dotnet bench/CaseApi.Bench/bin/Release/net10.0/CaseApi.Bench.dll \
  --url "$url" --api-key "$api_key" --connection "$connection" --pid "$service_pid" \
  --work "$work" --results bench/results --wrk bench/wrk --stages "$stages" --command "$command" \
  --duration "${BENCH_DURATION:-10}" --warmup "${BENCH_WARMUP:-10}" --repetitions "${BENCH_REPETITIONS:-3}" \
  --connections "${BENCH_CONNECTIONS:-16}" --chunk "${BENCH_CHUNK:-50000}" \
  --mixed-connections "${BENCH_MIXED_CONNECTIONS:-8}" --phases "${BENCH_PHASES:-all}" --limits "$limits" "${node_args[@]}" || status=$?

cat bench/results/latest.md 2>/dev/null || true
[ "$status" = 0 ] || log "some targets were not met (or the run failed): exit $status"
exit "$status"
