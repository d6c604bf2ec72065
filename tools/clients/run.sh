#!/usr/bin/env bash
# The client generator harness: generates C# clients from the committed contract with Kiota and NSwag
# (versions pinned in .config/dotnet-tools.json), counts every generator warning, compiles both clients, and, when
# CASEAPI_URL and CASEAPI_KEY (an admin key) name a running service, runs the integrator's flows through each:
# page the cases, create and patch with If-Match including a 412 recovery, poll with a 304, import a CSV file, read a
# 400's field errors.
#
#   tools/clients/run.sh                                     generate, count warnings, compile
#   CASEAPI_URL=http://127.0.0.1:5080 CASEAPI_KEY=$(cat .local/admin-key) tools/clients/run.sh
#
# Findings are the generators' warnings, the compiler's warnings in generated code, and the glue the flows needed
# where the contract let a generated call down (what a generator lacks by design is reported, not judged). Any
# finding fails the run: there is no allowance (the list phase 1 started with shrank to nothing and was removed).
# Generated code goes to */Generated/ (not committed).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_CLI_TELEMETRY_OPTOUT=true KIOTA_TUTORIAL_ENABLED=false
contract=../../src/CaseApi/openapi/v1.json
work=$(mktemp -d /tmp/caseapi-clients.XXXXXX)
trap 'rm -rf "$work"' EXIT

dotnet tool restore >/dev/null

echo "== Clients: generate from $(realpath --relative-to=../.. "$contract")"
dotnet kiota generate --language CSharp --openapi "$contract" --output Kiota/Generated --namespace-name CaseApi.Client.Kiota \
  --class-name CaseApiClient --clean-output --log-level Warning >"$work/kiota.log" 2>&1 || { cat "$work/kiota.log" >&2; exit 1; }
# Wrapped responses give the headers (ETag) of a success; System.Text.Json as in the service.
dotnet nswag openapi2csclient /input:"$contract" /output:NSwag/Generated/CaseApiClient.cs /namespace:CaseApi.Client.NSwag \
  /className:CaseApiClient /jsonLibrary:SystemTextJson /generateOptionalParameters:true /wrapResponses:true \
  >"$work/nswag.log" 2>&1 || { cat "$work/nswag.log" >&2; exit 1; }

# Kiota logs a warning as "warn: <category>" followed by the message's first line. Its update check cannot reach the
# network here; that says nothing about the contract.
awk '/^warn:/ { getline; sub(/^ +/, ""); print "kiota: " $0 }' "$work/kiota.log" | grep -v '^kiota: Unable to check for updates' >"$work/findings" || true
grep -i 'warn' "$work/nswag.log" | sed 's/^/nswag: /' >>"$work/findings" || true

echo "== Clients: compile both (generated code as an integrator compiles it) and the flows (house rules)"
dotnet build Flows -nologo -v q -clp:NoSummary >"$work/build.log" 2>&1 || { grep -E ': (error|warning) ' "$work/build.log" | sort -u >&2; exit 1; }
# "…/Kiota/Generated/Models/X.cs(12,5): warning CS8618: … [/…/X.csproj]" -> "compile kiota: Models/X.cs: CS8618: …"
grep -E ': warning [A-Z]+[0-9]+' "$work/build.log" | sed -E 's| \[[^]]*\]$||; s|\([0-9]+,[0-9]+\)||' \
  | sed -E 's#^.*/(Kiota|NSwag)/Generated/#compile \L\1\E: #; s#: warning #: #' | sort -u >>"$work/findings" || true
echo "$(grep -c '^kiota: ' "$work/findings" || true) Kiota warning(s), $(grep -c '^nswag: ' "$work/findings" || true) NSwag warning(s)," \
  "$(grep -c '^compile ' "$work/findings" || true) compiler warning(s) in generated code"

status=0
if [ -n "${CASEAPI_URL:-}" ] && [ -n "${CASEAPI_KEY:-}" ]; then
  echo "== Clients: the integrator's flows against $CASEAPI_URL"
  dotnet Flows/bin/Debug/net10.0/CaseApi.ClientFlows.dll | tee "$work/flows.log" || status=1
  grep '^glue ' "$work/flows.log" >>"$work/findings" || true
else
  echo "== Clients: no CASEAPI_URL and CASEAPI_KEY, so no flows (generation and compilation only)"
fi

sort -u -o "$work/findings" "$work/findings"
echo "Findings: $(wc -l <"$work/findings") ($(grep -vc '^glue ' "$work/findings" || true) warnings, $(grep -c '^glue ' "$work/findings" || true) glue)"
if [ -s "$work/findings" ]; then
  echo "Findings (fix the contract):" >&2; sed 's/^/  /' "$work/findings" >&2; status=1
fi
[ "$status" = 0 ] && echo "Clients: passed." || { echo "Clients: failed." >&2; exit 1; }
