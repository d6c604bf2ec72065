#!/usr/bin/env bash
# Runs the whole test suite with one command: a throwaway PostgreSQL cluster is created, the tests run against
# it (CASEAPI_TEST_POSTGRES), and the cluster is stopped and deleted afterwards, even when tests fail.
# Extra arguments go to dotnet test (e.g. --filter "FullyQualifiedName~Cases").
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=$(mktemp -d /tmp/caseapi-test-pg.XXXXXX)
trap 'scripts/pg.sh destroy "$cluster"' EXIT
CASEAPI_TEST_POSTGRES=$(PG_FAST=1 PG_DATABASE=postgres scripts/pg.sh start "$cluster")
export CASEAPI_TEST_POSTGRES

started=$(date +%s)
status=0
dotnet test CaseApi.sln -c Release "$@" || status=$?
# CI's log shows the suite's wall time (build included), the number to watch when making the tests faster.
echo "Test suite wall time: $(( $(date +%s) - started )) s (dotnet test, build included)"
exit "$status"
