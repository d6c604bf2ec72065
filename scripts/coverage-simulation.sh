#!/usr/bin/env bash
# Monte Carlo validation of GET /api/v1/stats/coverage's answer (docs/guides/coverage-method.md): six scenarios of
# three to five lists, seeded, 1,000 replicates each unless REPLICATES says otherwise; prints the Markdown table and writes it to
# coverage-simulation.md. The estimators are pure functions, so no database is needed.
#   scripts/coverage-simulation.sh            # 1,000 replicates a scenario (about half an hour on two cores)
#   REPLICATES=200 scripts/coverage-simulation.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export COVERAGE_SIMULATION_REPLICATES="${REPLICATES:-1000}"
export COVERAGE_SIMULATION_OUTPUT="$PWD/coverage-simulation.md"
dotnet test tests/CaseApi.Tests -c Release --filter "FullyQualifiedName~CoverageSimulationTests.The_full_study" >/dev/null
cat "$COVERAGE_SIMULATION_OUTPUT"
