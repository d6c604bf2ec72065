#!/usr/bin/env bash
# Runs CaseApi locally with one command: a project-local PostgreSQL in .local/postgres (created on first run,
# reused after), migrations, the bundled sample of public cases, and the API on a printed URL.
#
#   scripts/run.sh            start (or reuse) the database and run the API until Ctrl+C
#   scripts/run.sh --stop     stop the local database (its data stays in .local/postgres)
#
# With ConnectionStrings__Cases set, that server is used instead and no local cluster is started.
# CASEAPI_URL overrides the listen address (default: http://127.0.0.1:5080, or the next free port).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--stop" ]; then exec scripts/pg.sh stop .local/postgres; fi

# Two logins, as in production: the start-up migration runs with the owner's rights (the local superuser, so that
# a cluster made before the roles existed is handed over too), the API serves as caseapi_service.
if [ -z "${ConnectionStrings__Cases:-}" ]; then
  ConnectionStrings__CasesOwner=$(scripts/pg.sh start .local/postgres)
  ConnectionStrings__Cases=$(PG_USER=caseapi_service scripts/pg.sh start .local/postgres)
  export ConnectionStrings__Cases ConnectionStrings__CasesOwner
fi

# A development admin key, made once and kept in the ignored .local folder, so Swagger UI can be used at once.
mkdir -p .local
[ -f .local/admin-key ] || (umask 077; printf 'cak_%s' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" >.local/admin-key)
# Its place is printed below, never the key itself: terminal output ends up in scrollback, logs and screen shares.
key_source=.local/admin-key
if [ -n "${Auth__BootstrapAdminKey:-}" ]; then key_source='$Auth__BootstrapAdminKey (set by you)'; fi
export Auth__BootstrapAdminKey=${Auth__BootstrapAdminKey:-$(cat .local/admin-key)}
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}

if [ -z "${CASEAPI_URL:-}" ]; then
  port=5080
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  CASEAPI_URL="http://127.0.0.1:$port"
fi

dotnet build src/CaseApi -c Release -nologo -v quiet
cat <<MSG

  CaseApi:     $CASEAPI_URL/api/v1/cases
  Swagger UI:  $CASEAPI_URL/swagger
  Admin key:   in $key_source   (Authorize in Swagger UI, or: curl -H "X-Api-Key: <key>" ...)
  Stop the database later with: scripts/run.sh --stop

MSG
exec dotnet run --project src/CaseApi -c Release --no-build --no-launch-profile --urls "$CASEAPI_URL" "$@"
