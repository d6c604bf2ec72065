#!/usr/bin/env bash
# A logical backup of the CaseApi database: one pg_dump archive in custom format (compressed, restorable table by
# table with pg_restore), written to a temporary name, checked readable, then renamed, with a .sha256 beside it.
#
#   scripts/backup.sh CONNINFO [FILE]
#
# CONNINFO is a libpq connection string or URI naming the database, e.g. "host=db dbname=caseapi user=caseapi_owner"
# or postgresql://caseapi_owner@db/caseapi; give the password through PGPASSWORD or ~/.pgpass: a CONNINFO with a
# password is refused, since ps shows it to every user. The archive holds key hashes and the audit trail, so it is
# written 0600 (umask 077) into a folder made 0700. Back up as the owner role (or a superuser): it can read every
# table, the append-only audit log included.
# FILE defaults to backups/caseapi-<UTC time>.dump. Prints the file's path. docs/operations/README.md says how often
# and where to keep the archives, and how to rehearse a restore (scripts/restore.sh).
set -euo pipefail
umask 077
. "$(dirname "$0")/lib/conninfo.sh"

conninfo=${1:-}
[ -n "$conninfo" ] || { echo "usage: $0 CONNINFO [FILE]" >&2; exit 2; }
refuse_password "$conninfo"
file=${2:-backups/caseapi-$(date -u +%Y%m%dT%H%M%SZ).dump}

# The newest client tools installed: pg_dump must be at least as new as the server.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
PATH="${bin:+$bin:}$PATH"

folder=$(dirname "$file")
if [ ! -d "$folder" ]; then mkdir -p "$folder" && chmod 700 "$folder"; fi
# A folder the operator chose is left as it is (it may be shared on purpose), but said when others can list it.
if [ -n "$(find "$folder" -maxdepth 0 -perm /077)" ]; then
  echo "backup.sh: warning: $folder is open to other users (chmod 700 it); the archive itself is 0600" >&2
fi
partial="$file.partial"
trap 'rm -f "$partial"' EXIT
# One consistent snapshot of the whole database (pg_dump runs in a single repeatable-read transaction), so an
# archive never holds a case without its audit rows or the other way round.
pg_dump --dbname="$conninfo" --format=custom --compress=6 --no-password --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$file"
(cd "$(dirname "$file")" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
echo "backup.sh: $(du -h "$file" | cut -f1) written to $file" >&2
echo "$file"
