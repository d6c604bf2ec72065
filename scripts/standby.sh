#!/usr/bin/env bash
# A primary and a hot standby fed by streaming replication, as two project-local clusters (scripts/pg.sh), no Docker.
#
#   scripts/standby.sh start DIR [primary|standby]     start both (creating them the first time), or one of them;
#                                                      prints the primary's connection string, then the standby's
#   scripts/standby.sh stop DIR [primary|standby]      stop both, or one (the data stays)
#   scripts/standby.sh destroy DIR                     stop both and delete DIR
#
# The primary is DIR/primary, made by pg.sh (roles, database caseapi or PG_DATABASE); the standby is DIR/standby, a
# copy taken with pg_basebackup -R (standby.signal and primary_conninfo written for it), so it replays the primary's
# WAL as it streams and answers read-only queries. Each listens on its own free 127.0.0.1 port, remembered across
# restarts. PG_USER selects the login of the printed connection strings, as for pg.sh.
#
# Point the service at the pair with
#   ConnectionStrings__Cases=<first line> ConnectionStrings__CasesReadOnly=<second line>
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "standby.sh: $*" >&2; }

# pg.sh picks a free port, but on a busy machine another server may take it before this one binds it: try again
# (pg.sh then picks another).
pg_start() {
  local attempt
  for attempt in 1 2 3; do
    scripts/pg.sh start "$1" && return 0
    log "starting $1 failed (attempt $attempt); retrying"
  done
  return 1
}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_standby() {
  if [ ! -f "$DIR/standby/data/PG_VERSION" ]; then
    local bin port; bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_basebackup | sort -V -r | head -1)")
    port=$(cat "$DIR/primary/port")
    mkdir -p "$DIR/standby"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR/standby"
    log "copying the primary into $DIR/standby (pg_basebackup -R)"
    # -X stream: the copy carries the WAL written while it was taken, so it starts consistent. -c fast: an immediate
    # checkpoint instead of waiting for the next scheduled one.
    as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$DIR/standby/data" -R -X stream -c fast
  fi
  # pg.sh starts the copy on a port of its own; the roles and the database came with it, so it creates nothing.
  pg_start "$DIR/standby"
}

start() {
  local primary
  primary=$(pg_start "$DIR/primary")
  [ "$WHICH" = primary ] && { echo "$primary"; return; }
  local standby; standby=$(start_standby)
  [ "$WHICH" = standby ] && { echo "$standby"; return; }
  printf '%s\n%s\n' "$primary" "$standby"
}

stop() {
  [ "$WHICH" != primary ] && scripts/pg.sh stop "$DIR/standby"
  [ "$WHICH" != standby ] && scripts/pg.sh stop "$DIR/primary"
  return 0
}

cmd=${1:-}; DIR=${2:-}; WHICH=${3:-both}
usage="usage: $0 start|stop DIR [primary|standby], or $0 destroy DIR"
[ -n "$cmd" ] && [ -n "$DIR" ] && [[ "$WHICH" =~ ^(both|primary|standby)$ ]] || { echo "$usage" >&2; exit 2; }
DIR=$(mkdir -p "$DIR" && cd "$DIR" && pwd)
# The clusters run as postgres, which must be able to enter DIR (mktemp -d makes it private to its creator).
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
case "$cmd" in
  start) start ;;
  stop) stop ;;
  destroy) WHICH=both stop; rm -rf "$DIR" ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
