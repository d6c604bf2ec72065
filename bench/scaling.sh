#!/usr/bin/env bash
# Indicative write and read capacity of one primary plus one hot standby on this machine, the inputs of
# docs/operations/scaling.md: short wrk runs against the service (Release) over scripts/standby.sh's pair.
#
#   bench/scaling.sh        SCALE_DURATION (s a run, default 10), SCALE_CONNECTIONS (default 16)
#
# Starts everything in a temporary directory and removes it on exit, failure included.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/caseapi-scaling.XXXXXX)
service=""
cleanup() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi
  scripts/standby.sh destroy "$dir"
}
trap cleanup EXIT

owner=$(scripts/standby.sh start "$dir" primary)
scripts/standby.sh start "$dir" >/dev/null
primary=$(PG_USER=caseapi_service scripts/standby.sh start "$dir" primary)
standby=$(PG_USER=caseapi_service scripts/standby.sh start "$dir" standby)
key=cak_scaling-bench-admin-key-0123456789
port=5180
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
url=http://127.0.0.1:$port

dotnet build src/CaseApi -c Release -nologo -v quiet >/dev/null
# Limits off: this measures the service and the database, not the rate limiter.
ConnectionStrings__Cases="$primary" ConnectionStrings__CasesOwner="$owner" ConnectionStrings__CasesReadOnly="$standby" \
  ASPNETCORE_ENVIRONMENT=Production AllowedHosts='*' Auth__BootstrapAdminKey=$key Database__SeedSample=true \
  RateLimits__PermitLimit=100000000 RateLimits__BulkPermitLimit=100000000 RateLimits__BulkConcurrencyLimit=1000 \
  Serilog__MinimumLevel__Default=Warning \
  dotnet src/CaseApi/bin/Release/net10.0/CaseApi.dll --urls "$url" >"$dir/service.log" 2>&1 &
service=$!
until curl -sf "$url/health/ready" >/dev/null; do
  kill -0 "$service" 2>/dev/null || { cat "$dir/service.log" >&2; exit 1; }
  sleep 0.5
done

run() {
  local name=$1; shift
  echo "== $name"
  wrk -t2 -c"${SCALE_CONNECTIONS:-16}" -d"${SCALE_DURATION:-10}s" --latency "$@" | grep -E "Requests/sec|  50%|  99%|Non-2xx|Socket errors"
}
slug=$(curl -sf -H "X-Api-Key: $key" "$url/api/v1/cases?limit=1" | sed -E 's/.*"slug":"([^"]*)".*/\1/')
echo "cases in the store: $(curl -sf -H "X-Api-Key: $key" "$url/api/v1/cases?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')"
run "writes: POST /api/v1/cases (primary)" -s bench/wrk/create-case.lua "$url" -- "$key"
echo "standby right after the writes: $(curl -s "$url/health/ready")"
run "list reads: GET /api/v1/cases?limit=20 (standby)" -H "X-Api-Key: $key" "$url/api/v1/cases?limit=20"
run "point reads: GET /api/v1/cases/{slug} (primary)" -H "X-Api-Key: $key" "$url/api/v1/cases/$slug"
scripts/standby.sh stop "$dir" standby
until curl -s "$url/health/ready" | grep -q unavailable; do sleep 0.2; done
run "list reads with the standby down: GET /api/v1/cases?limit=20 (primary)" -H "X-Api-Key: $key" "$url/api/v1/cases?limit=20"
echo "== routed reads"
curl -s -H "X-Api-Key: $key" "$url/metrics" | grep '^caseapi_reads' || true
