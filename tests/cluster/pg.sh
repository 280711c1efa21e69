# tests/cluster/pg.sh — a throwaway PostgreSQL server in a temporary directory: initdb, then
# pg_ctl on a private Unix socket (no TCP). initdb refuses to run as root, so as root the
# server runs as the postgres user. Sourced by tests/cluster/run.sh.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# pg_start DIR PORT: a new cluster in DIR/data, socket in DIR, log in DIR/log.
pg_start() {
  local dir=$1 port=$2
  [ "$(id -u)" != 0 ] || chown postgres: "$dir"
  chmod 0755 "$dir"
  pg_as "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 || {
    tail -n 5 "$dir/initdb.log" >&2; return 1; }
  pg_ctl_start "$dir" "$port"
}

pg_ctl_start() {
  local dir=$1 port=$2
  # fsync off: a test server that is thrown away need not survive a power cut
  pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null
}

# pg_restart DIR PORT DOWN_S: stops the server (fast: clients are disconnected), waits DOWN_S
# seconds, starts it again.
pg_restart() {
  pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null && sleep "$3" && pg_ctl_start "$1" "$2"
}

# pg_stop DIR: stops the server if it runs (immediate: nothing in it is kept).
pg_stop() {
  [ -f "$1/data/postmaster.pid" ] || return 0
  pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m immediate -w stop >/dev/null 2>&1
}
