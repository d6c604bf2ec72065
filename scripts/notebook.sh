#!/usr/bin/env bash
# Runs the study notebook (examples/notebooks/study.ipynb) and fails when any cell fails.
#
#   scripts/notebook.sh [-p NAME VALUE]...
#
# -p sets a value of the notebook's parameters cell (tagged "parameters"), as papermill's -p does: service, key, tag,
# filters, release, lists, figures. The values are put in a cell inserted after it, so the notebook itself is unchanged.
#
# Without -p service: starts a throwaway PostgreSQL and API holding the bundled sample on free ports (stopped and
# removed when done) and writes the charts to docs/images/ (what CI runs). With -p service: runs against that service
# (your own cases; give -p key too) and writes the charts and the executed notebook to notebook-output/ unless
# -p figures or NOTEBOOK_OUT say otherwise.
#
# Needs Debian's python3-nbconvert, python3-pandas, python3-matplotlib and python3-ipykernel (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

names=() values=()
while [ $# -gt 0 ]; do
  case "$1" in
    -p) [ $# -ge 3 ] || { echo "notebook.sh: -p takes a name and a value" >&2; exit 2; }
        case "$2" in service|key|tag|filters|release|lists|figures) ;; *) echo "notebook.sh: no parameter '$2'" >&2; exit 2 ;; esac
        names+=("$2") values+=("$3"); shift 3 ;;
    *) echo "usage: $0 [-p NAME VALUE]..." >&2; exit 2 ;;
  esac
done
# A parameter's value: the last -p that set it.
parameter() { local i v=""; for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && v=${values[$i]}; done; echo "$v"; }

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
cluster="" api_pid=""
cleanup() {
  if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; fi
  [ -z "$cluster" ] || scripts/pg.sh destroy "$cluster"
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$(parameter service)" ]; then
  # As scripts/run.sh: the start-up migration as the owner, the service as its own role, the sample loaded on start.
  cluster=$(mktemp -d /tmp/caseapi-notebook-pg.XXXXXX)
  ConnectionStrings__CasesOwner=$(PG_FAST=1 scripts/pg.sh start "$cluster")
  ConnectionStrings__Cases=$(PG_USER=caseapi_service scripts/pg.sh start "$cluster")
  Auth__BootstrapAdminKey="cak_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  export ConnectionStrings__CasesOwner ConnectionStrings__Cases Auth__BootstrapAdminKey ASPNETCORE_ENVIRONMENT=Development
  port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"

  dotnet build src/CaseApi -c Release -nologo -v quiet
  dotnet src/CaseApi/bin/Release/net10.0/CaseApi.dll --contentRoot "$PWD/src/CaseApi" --urls "$url" >"$work/api.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 90); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
    kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log" >&2; exit 1; }
    sleep 1
  done
  curl -fsS "$url/health/ready" >/dev/null || { echo "notebook.sh: the API never became ready" >&2; cat "$work/api.log" >&2; exit 1; }
  names=(service key "${names[@]}") values=("$url" "$Auth__BootstrapAdminKey" "${values[@]}")
  [ -n "$(parameter figures)" ] || names+=(figures) values+=("$PWD/docs/images")
  out=${NOTEBOOK_OUT:-$work}
else
  [ -n "$(parameter figures)" ] || names+=(figures) values+=("$PWD/notebook-output")
  out=${NOTEBOOK_OUT:-$PWD/notebook-output}
fi
mkdir -p "$(parameter figures)" "$out"

# Papermill's convention: a cell tagged injected-parameters right after the cell tagged parameters, later -p winning.
args=()
for i in "${!names[@]}"; do args+=("${names[$i]}" "${values[$i]}"); done
"$python" - examples/notebooks/study.ipynb "$work/study.ipynb" "${args[@]}" <<'PY'
import json, sys
source, target, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
notebook = json.load(open(source, encoding="utf-8"))
cells = notebook["cells"]
at = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
lines = ["# Parameters set by scripts/notebook.sh -p\n"] + [f"{n} = {json.dumps(v)}\n" for n, v in zip(pairs[::2], pairs[1::2])]
cells.insert(at + 1, {"cell_type": "code", "execution_count": None, "id": "injected-parameters",
                      "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": lines})
json.dump(notebook, open(target, "w", encoding="utf-8"), indent=1, ensure_ascii=False)
PY

# nbconvert exits non-zero when a cell raises.
PYDEVD_DISABLE_FILE_VALIDATION=1 "$python" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
  --output study.ipynb --output-dir "$out" "$work/study.ipynb"
echo "notebook.sh: charts written to $(parameter figures): $(cd "$(parameter figures)" && ls ./*.png 2>/dev/null | tr '\n' ' ')"
[ "$out" = "$work" ] || echo "notebook.sh: the executed notebook is $out/study.ipynb"
