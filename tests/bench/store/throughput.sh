#!/usr/bin/env bash
# tests/bench/store/throughput.sh — finished trials per second with P concurrent workers, each
# running L loops of ask -> 5 x (report + should-prune) -> tell against one study, on SQLite and
# on PostgreSQL, wakesweep's tools next to Optuna 3.1 (Debian's python3-optuna, psycopg2) on the
# same store kind, in the same run. PostgreSQL is a throwaway server (tests/cluster/pg.sh) in a
# temporary directory, removed afterwards; both sides use it through its Unix socket.
# Usage: [WORKERS="2 8 32"] [TRIALS=320] bash tests/bench/store/throughput.sh
#   TRIALS: trials per measurement, split between the workers (L = TRIALS / P).
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=${WS_BIN:-$root/bin}
PY=/usr/bin/python3
WORKERS=${WORKERS:-2 8 32} TRIALS=${TRIALS:-320}
. "$root/tests/cluster/pg.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-tput.XXXXXX")
chmod 0755 "$work"
port=${WS_PG_PORT:-55440}
trap 'pg_stop "$work/pg"; rm -rf "$work"' EXIT
cd "$work"
mkdir pg && pg_start "$work/pg" "$port" || { echo "bench: PostgreSQL did not start" >&2; exit 1; }
createdb() { pg_as "$PG_BIN/psql" -h "$work/pg" -p "$port" -U postgres -qc "CREATE DATABASE $1" >/dev/null; }
. "$root/tests/bench/store/loop.sh"
write_bench_files
complete() { "$bin/report" --db "$1" --study bench --format json 2>/dev/null | jq '.states.COMPLETE // 0'; }
run() {  # SIDE KIND P -> one table row
  local side=$1 kind=$2 p=$3 l=$(( TRIALS / $3 )) url t0 t1 w done err
  case $kind in
    sqlite) url=sqlite:///$side-$p.db ;;
    postgresql) createdb "${side}_$p"; url="postgresql://postgres@/${side}_$p?host=$work/pg&port=$port" ;;
  esac
  [ "$side" = optuna ] && $PY -W ignore -c "import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR); optuna.create_study(study_name='bench', storage='${url/postgresql:/postgresql+psycopg2:}')"
  t0=$(date +%s.%N)
  for ((w = 0; w < p; w++)); do
    if [ "$side" = wakesweep ]; then ours_worker "$url" "$l" >"$side.$kind.$p.$w" 2>&1 &
    else $PY worker.py "${url/postgresql:/postgresql+psycopg2:}" "$l" >"$side.$kind.$p.$w" 2>&1 & fi
  done
  wait
  t1=$(date +%s.%N)
  done=$(complete "$url"); err=$(cat "$side.$kind.$p".* | grep -c -i -e '^ERR' -e locked)
  awk -v s="$side" -v k="$kind" -v p="$p" -v d="$done" -v e="$err" -v a="$t0" -v b="$t1" \
    'BEGIN { printf "%-10s %-11s %3d %6d %8.1f %9.2f %6d\n", s, k, p, d, b - a, d / (b - a), e }'
}
echo "store throughput: ask -> 5 x report/should-prune -> tell, $TRIALS trials per row; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-10s %-11s %3s %6s %8s %9s %6s\n" side store P done seconds trials/s errors
for kind in sqlite postgresql; do
  for p in $WORKERS; do
    run wakesweep "$kind" "$p"
    run optuna "$kind" "$p"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
