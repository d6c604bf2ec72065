#!/usr/bin/env bash
# Restores a scripts/backup.sh archive into a new database, all or nothing.
#
#   scripts/restore.sh FILE CONNINFO DATABASE
#
# CONNINFO reaches the target server's maintenance database as a role that may create databases (e.g.
# "host=db dbname=postgres user=postgres"; password through PGPASSWORD or ~/.pgpass: a CONNINFO with a password is
# refused, since ps shows it to every user). DATABASE must not exist yet:
# a restore never overwrites a live store. The script checks the archive against its .sha256 when one is beside it,
# creates the service's two roles where the server lacks them (NOLOGIN: give them passwords and LOGIN as
# docs/operations/security.md says), creates DATABASE owned by caseapi_owner, restores the archive in one transaction
# (any error leaves no half-restored database behind: the script then drops it), and ANALYZEs it so the planner has
# statistics from the first query. Point the service at DATABASE, run `dotnet CaseApi.dll migrate` if the running
# release is newer than the backup, and check /health/ready.
set -euo pipefail
umask 077
. "$(dirname "$0")/lib/conninfo.sh"

file=${1:-}; conninfo=${2:-}; database=${3:-}
[ -n "$file" ] && [ -n "$conninfo" ] && [ -n "$database" ] || { echo "usage: $0 FILE CONNINFO DATABASE" >&2; exit 2; }
refuse_password "$conninfo"
[ -f "$file" ] || { echo "restore.sh: no file $file" >&2; exit 1; }
[[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "restore.sh: the database name must be lower-case letters, digits and _" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
PATH="${bin:+$bin:}$PATH"

if [ -f "$file.sha256" ]; then (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256"); fi

psql_admin() { psql --dbname="$conninfo" --no-password -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ -n "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
  echo "restore.sh: database $database already exists; restore into a new one and switch the service over" >&2
  exit 1
fi
psql_admin <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN CREATE ROLE caseapi_owner NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN CREATE ROLE caseapi_service NOLOGIN; END IF;
END $$;
SQL
psql_admin -c "CREATE DATABASE $database OWNER caseapi_owner"

# The same server, the new database: libpq takes the last dbname given.
target="$conninfo dbname=$database"
if [[ "$conninfo" == postgres://* || "$conninfo" == postgresql://* ]]; then
  target=$(sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/$database#" <<<"$conninfo")
fi
if ! pg_restore --dbname="$target" --no-password --single-transaction --exit-on-error "$file"; then
  psql_admin -c "DROP DATABASE IF EXISTS $database" || true
  echo "restore.sh: the restore failed; $database was dropped" >&2
  exit 1
fi
psql --dbname="$target" --no-password -qc "ANALYZE"
echo "restore.sh: $file restored into $database" >&2
