#!/usr/bin/env bash
# tests/cluster/run.sh — `make check-cluster`: the store tests, and train-trial --grow-threads
# (whose watch asks the study), against a throwaway PostgreSQL server (and, when Slurm is
# installed, a sweep through a one-node Slurm cluster). Starts the
# server in a temporary directory, runs the cases, and stops and removes the server whatever
# happens. Output as tests/run.sh: "ok/FAIL/skip" lines, then "N skipped", last "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
export WS_ROOT=$(cd "$here/../.." && pwd)
export WS_BIN=${WS_BIN:-$WS_ROOT/bin} WS_BUILD=${WS_BUILD:-$WS_ROOT/build}
export PY=/usr/bin/python3
. "$here/pg.sh"
pass=0 fail=0 skip=0
log=$(mktemp -d "${TMPDIR:-/tmp}/ws-cluster.XXXXXX")
chmod 0755 "$log"   # the server runs as postgres and must reach its directory
export WS_PG_DIR=$log/pg WS_PG_HOST=$log/pg WS_PG_PORT=${WS_PG_PORT:-55432}
cleanup() { pg_stop "$WS_PG_DIR"; [ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$log"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

RUN_SHOW_OK=1   # every case is listed, as check-cluster always did
. "$WS_ROOT/tests/run-one.sh"

finish() { run_failed_recap; echo "$skip skipped"; echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit; }

if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "skip check-cluster: PostgreSQL is not installed (make deps installs postgresql)"; skip=1; finish
fi
mkdir -p "$WS_PG_DIR"
t0=$(date +%s%N)
if pg_start "$WS_PG_DIR" "$WS_PG_PORT"; then
  echo "ok postgresql: throwaway server started in $((($(date +%s%N) - t0) / 1000000)) ms"; pass=$((pass + 1))
else
  echo "FAIL postgresql: the throwaway server did not start"; tail -n 5 "$WS_PG_DIR/log" 2>/dev/null | sed 's/^/    /'
  fail=1; finish
fi
run_labels=() run_paths=()
for t in t0005 t0007 t0006 t0706; do
  f=$(ls "$WS_ROOT"/tests/cli/$t-*.sh)
  run_labels+=("postgresql $(basename "$f" .sh)") run_paths+=("$f")
done
for f in "$here"/t[0-9]*.sh; do
  [ -e "$f" ] && run_labels+=("$(basename "$f" .sh)") run_paths+=("$f")
done
# one file at a time: they share the one server (and its Slurm cluster)
run_files 1
finish
