#!/usr/bin/env bash
# Runs the study notebook (examples/notebooks/study.ipynb) against a throwaway CaseApi holding the bundled sample, and
# writes its charts to docs/images/. Fails when any cell fails. Used by CI; run it by hand after changing the notebook.
#
#   scripts/notebook.sh
#
# Needs Debian's python3-nbconvert, python3-pandas, python3-matplotlib and python3-ipykernel (installed when missing).
# Starts its own PostgreSQL cluster and API on free ports, and stops and removes both when done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's interpreter, where its python3-* packages live (a pyenv or venv python3 earlier on PATH would not see them).
python=${PYTHON:-$([ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)}
missing=()
for module in nbconvert pandas matplotlib ipykernel; do "$python" -c "import $module" 2>/dev/null || missing+=("python3-$module"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "notebook.sh: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

work=$(mktemp -d /tmp/caseapi-notebook.XXXXXX)
cluster=$(mktemp -d /tmp/caseapi-notebook-pg.XXXXXX)
api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  scripts/pg.sh destroy "$cluster"
  rm -rf "$work"
}
trap cleanup EXIT

# As scripts/run.sh: the start-up migration as the owner, the service as its own role, the sample loaded on start.
ConnectionStrings__CasesOwner=$(PG_FAST=1 scripts/pg.sh start "$cluster")
ConnectionStrings__Cases=$(PG_USER=caseapi_service scripts/pg.sh start "$cluster")
Auth__BootstrapAdminKey="cak_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
export ConnectionStrings__CasesOwner ConnectionStrings__Cases Auth__BootstrapAdminKey ASPNETCORE_ENVIRONMENT=Development
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

dotnet build src/CaseApi -c Release -nologo -v quiet
dotnet src/CaseApi/bin/Release/net10.0/CaseApi.dll --urls "$url" >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 90); do
  curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "$url/health/ready" >/dev/null || { echo "notebook.sh: the API never became ready" >&2; cat "$work/api.log" >&2; exit 1; }

mkdir -p docs/images
# nbconvert exits non-zero when a cell raises. The executed copy, outputs and all, goes to NOTEBOOK_OUT when set.
CASEAPI_URL=$url CASEAPI_KEY=$Auth__BootstrapAdminKey CASEAPI_FIGURES="$PWD/docs/images" PYDEVD_DISABLE_FILE_VALIDATION=1 \
  "$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --output-dir "${NOTEBOOK_OUT:-$work}" \
  examples/notebooks/study.ipynb
echo "notebook.sh: charts written to docs/images/: $(cd docs/images && ls ./*.png | tr '\n' ' ')"
