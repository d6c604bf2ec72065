# Shared by backup.sh and restore.sh (sourced, not run).
# refuse_password CONNINFO: exits 2 when the connection string carries a password. Anything on a command line is
# visible to every user of the machine in `ps` and lands in shell history; libpq reads PGPASSWORD and ~/.pgpass
# instead, which never show there.
refuse_password() {
  local conninfo=$1
  # key=value form (password=..., any case, spaces around '='), a URI's user:password@ part, or its ?password=.
  if [[ "$conninfo" =~ (^|[[:space:]])[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd][[:space:]]*= ]] \
    || [[ "$conninfo" =~ ^postgres(ql)?://[^/@?]*:[^/@?]*@ ]] \
    || [[ "$conninfo" =~ ^postgres(ql)?://[^?]*\?(.*&)?[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]= ]]; then
    echo "$(basename "$0"): CONNINFO holds a password, which every user of this machine can read in ps; remove it and" \
      "give it through PGPASSWORD or ~/.pgpass" >&2
    exit 2
  fi
}
