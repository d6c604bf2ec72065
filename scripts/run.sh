#!/usr/bin/env bash
# Runs CaseApi locally with one command: a project-local PostgreSQL in .local/postgres (created on first run,
# reused after), migrations, the bundled sample of public cases, and the API on a printed URL.
#
#   scripts/run.sh [--no-sample] [--no-build] [API arguments]
#                             start (or reuse) the database and run the API until Ctrl+C, SIGINT or SIGTERM
#   scripts/run.sh --stop     stop what run.sh started: the API (if still running) and the local database
#                             (its data stays in .local/postgres)
#
#   --no-sample               start empty: the bundled sample is not loaded (Database__SeedSample=false); it is
#                             loaded only into an empty store anyway, and its cases carry the tag "sample"
#   --no-build                run the Release build as it is (CI and the tests build it first)
#
# Environment, to run beside other work:
#   CASEAPI_PORT       the API's port (default 5080, or the next free port); CASEAPI_URL overrides the whole address
#   CASEAPI_DB_PORT    the local database's port (default: the one it had, or a free one); an error if it is taken
#   CASEAPI_LOCAL      the folder for the cluster, the admin key and the API's pid (default .local)
#   ConnectionStrings__Cases   use that server instead; no local cluster is started (or stopped)
set -euo pipefail
# A shell started in the background (`scripts/run.sh &`) inherits SIGINT ignored, and POSIX shells may not trap a
# signal ignored on entry, nor would dotnet see it: restart once with the default disposition so that SIGINT stops
# a backgrounded run exactly as SIGTERM does.
if [ -z "${CASEAPI_RUN_SIGNALS:-}" ]; then CASEAPI_RUN_SIGNALS=1 exec env --default-signal=INT,TERM "$0" "$@"; fi
cd "$(dirname "$0")/.."


local_dir=${CASEAPI_LOCAL:-.local}
pid_file="$local_dir/api.pid"

# The pid file names the API only while that process is the CaseApi this script started (pids are reused).
api_running() { [ -f "$pid_file" ] && tr '\0' ' ' <"/proc/$(cat "$pid_file")/cmdline" 2>/dev/null | grep -q 'CaseApi.dll'; }

if [ "${1:-}" = "--stop" ]; then
  if api_running; then
    kill -TERM "$(cat "$pid_file")"
    # The API drains for up to Shutdown:DrainSeconds; wait for it so that the database goes after its clients.
    while api_running; do sleep 0.2; done
    echo "run.sh: stopped the API" >&2
  fi
  rm -f "$pid_file"
  exec scripts/pg.sh stop "$local_dir/postgres"
fi

seed=true build=true args=()
for arg in "$@"; do
  case "$arg" in
    --no-sample) seed=false ;;
    --no-build) build=false ;;
    *) args+=("$arg") ;;
  esac
done
api_running && { echo "run.sh: an API started by run.sh is still running (pid $(cat "$pid_file")); scripts/run.sh --stop first" >&2; exit 1; }

# The API's port first: a port in use stops the run before it starts a database.
if [ -z "${CASEAPI_URL:-}" ]; then
  port=${CASEAPI_PORT:-}
  if [ -z "$port" ]; then
    port=5080
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  elif (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: CASEAPI_PORT=$port is in use" >&2; exit 1
  fi
  CASEAPI_URL="http://127.0.0.1:$port"
fi

# Two logins, as in production: the start-up migration runs with the owner's rights (the local superuser, so that
# a cluster made before the roles existed is handed over too), the API serves as caseapi_service.
if [ -z "${ConnectionStrings__Cases:-}" ]; then
  ConnectionStrings__CasesOwner=$(PG_PORT=${CASEAPI_DB_PORT:-} scripts/pg.sh start "$local_dir/postgres")
  ConnectionStrings__Cases=$(PG_PORT=${CASEAPI_DB_PORT:-} PG_USER=caseapi_service scripts/pg.sh start "$local_dir/postgres")
  export ConnectionStrings__Cases ConnectionStrings__CasesOwner
fi

# A development admin key, made once and kept in the ignored .local folder, so Swagger UI can be used at once.
mkdir -p "$local_dir"
[ -f "$local_dir/admin-key" ] || (umask 077; printf 'cak_%s' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" >"$local_dir/admin-key")
# Its place is printed below, never the key itself: terminal output ends up in scrollback, logs and screen shares.
key_source="$local_dir/admin-key"
if [ -n "${Auth__BootstrapAdminKey:-}" ]; then key_source='$Auth__BootstrapAdminKey (set by you)'; fi
export Auth__BootstrapAdminKey=${Auth__BootstrapAdminKey:-$(cat "$local_dir/admin-key")}
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Database__SeedSample=${Database__SeedSample:-$seed}
[ "$seed" = false ] && Database__SeedSample=false

[ "$build" = true ] && dotnet build src/CaseApi -c Release -nologo -v quiet
cat <<MSG

  CaseApi:     $CASEAPI_URL/api/v1/cases
  Swagger UI:  $CASEAPI_URL/swagger
  Admin key:   in $key_source   (Authorize in Swagger UI, or: curl -H "X-Api-Key: <key>" ...)
  Sample:      $([ "$Database__SeedSample" = true ] && echo 'loaded into an empty store (tag "sample"; --no-sample starts empty)' || echo 'not loaded')
  Stop the API and the database with Ctrl+C then scripts/run.sh --stop (or just scripts/run.sh --stop)

MSG
# The API runs as a child whose pid is kept, so that --stop from another shell can stop it, and this shell forwards
# SIGINT and SIGTERM to it and waits for its drain. The content root is the project, as with `dotnet run`.
dotnet src/CaseApi/bin/Release/net10.0/CaseApi.dll --contentRoot "$PWD/src/CaseApi" --urls "$CASEAPI_URL" "${args[@]}" &
api=$!
echo "$api" >"$pid_file"
stop_api() { kill -TERM "$api" 2>/dev/null || true; }
trap stop_api INT TERM
status=0
wait "$api" || status=$?
# wait returns early when a trapped signal arrives: wait again for the API itself to finish.
while kill -0 "$api" 2>/dev/null; do wait "$api" || status=$?; done
rm -f "$pid_file"
exit "$status"
