#!/usr/bin/env bash
# A project-local PostgreSQL cluster, no Docker needed.
#
#   scripts/pg.sh start DIR     create (first time) and start a cluster in DIR; prints its connection string
#   scripts/pg.sh stop DIR      stop it, keeping the data
#   scripts/pg.sh destroy DIR   stop it and delete DIR
#
# The cluster has the service's two login roles (docs/operations/security.md): caseapi_owner, which the migration
# makes the owner of the schema, and caseapi_service, the API's own login. PG_USER=caseapi_service (or
# caseapi_owner) prints a connection string for that role instead of the superuser's.
#
# Finds the server binaries under /usr/lib/postgresql (installing Debian's postgresql package when missing),
# listens on 127.0.0.1 only, on PG_PORT when set, else on a random free port, remembered in DIR/port. As root the
# server runs as the postgres user, since postgres refuses to run as root. PG_FAST=1 turns off durability for
# throwaway test clusters.
set -euo pipefail

log() { echo "pg.sh: $*" >&2; }

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

ensure_bin() {
  PG_BIN=$(find_bin) && return 0
  log "PostgreSQL server binaries not found; installing Debian's postgresql package"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  PG_BIN=$(find_bin) || { log "still no initdb after installing postgresql"; exit 1; }
}

# postgres will not run as root: run the server tools as the postgres user then.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

port_in_use() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A random free port, not the first free one: clusters started one after another (the test suite starts several)
# would otherwise get the same port, hence the same connection string, and a client's connection pool keyed by that
# string would hand the new server's callers idle connections to the old one, which it terminated on shutdown (57P01).
free_port() {
  local p attempt
  for attempt in $(seq 200); do
    p=$(( 20000 + RANDOM % 12000 ))   # below Linux's ephemeral range (32768+), where outgoing connections take theirs
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  return 1
}

running() { [ -f "$DATA/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  ensure_bin
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "creating a cluster in $DIR"
    as_owner "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! running; then
    local port; port=$(cat "$DIR/port" 2>/dev/null || true)
    if [ -n "${PG_PORT:-}" ]; then
      port_in_use "$PG_PORT" && { log "PG_PORT=$PG_PORT is in use"; exit 1; }
      port=$PG_PORT
    elif [ -z "$port" ] || port_in_use "$port"; then port=$(free_port); fi
    echo "$port" >"$DIR/port"
    local fast=""
    [ "${PG_FAST:-0}" = 1 ] && fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 $fast" start >/dev/null \
      || { cat "$DIR/server.log" >&2; exit 1; }
    log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port ($DIR)"
  fi
  local db=${PG_DATABASE:-caseapi} port; port=$(cat "$DIR/port")
  if [ -n "${PG_PORT:-}" ] && [ "$PG_PORT" != "$port" ]; then
    log "the cluster in $DIR already runs on port $port, not PG_PORT=$PG_PORT (stop it first)"; exit 1
  fi
  # Local trust authentication: the roles need no password here (compose and Kubernetes give them one).
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_owner') THEN CREATE ROLE caseapi_owner LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'caseapi_service') THEN CREATE ROLE caseapi_service LOGIN; END IF;
END $$;
SQL
  # Create the database up front (EF could create it too, but logs a frightening connection error first), owned by
  # caseapi_owner so that the migration may run as that role.
  if [ -z "$("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres -O caseapi_owner "$db"
  fi
  echo "Host=127.0.0.1;Port=$port;Username=${PG_USER:-postgres};Database=$db"
}

stop() {
  PG_BIN=$(find_bin) || return 0
  if running; then as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && log "stopped the cluster in $DIR"; fi
}

cmd=${1:-}; DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start|stop|destroy DIR" >&2; exit 2; }
DIR=$(mkdir -p "$DIR" && cd "$DIR" && pwd)
DATA="$DIR/data"
case "$cmd" in
  start) start ;;
  stop) stop ;;
  destroy) stop; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|destroy DIR" >&2; exit 2 ;;
esac
