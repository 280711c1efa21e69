#!/usr/bin/env bash
# Store benchmark, side by side with Optuna 3.1 on SQLite in the same run:
#  1. throughput: P workers x L loops of ask -> 5 x (report + should-prune) -> tell, against one
#     study; finished trials per second, errors ("database is locked"), integrity;
#  2. cost per call with 1000 trials in the study: suggest and tell (ours) next to the
#     `optuna ask` / `optuna tell` CLI.
# Usage: tests/bench/store/run.sh [P] [L]     (defaults 8 200, the issue's full size)
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=${WS_BIN:-$root/bin}
PY=/usr/bin/python3
P=${1:-8} L=${2:-200}
work=$(mktemp -d /tmp/ws-bench-store.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >c.json <<'J'
{"study": "bench", "direction": "minimize", "sampler": {"name": "random", "seed": 1},
 "pruner": {"name": "median", "n_startup_trials": 5},
 "space": {"x": {"type": "float", "low": -5, "high": 5}, "k": {"type": "int", "low": 1, "high": 9}}}
J
. "$root/tests/bench/store/loop.sh"
write_optuna_worker
echo "== throughput: $P workers x $L loops of ask -> 5 x report/should-prune -> tell =="
t0=$(date +%s.%N)
for ((w = 0; w < P; w++)); do ours_worker ours.db "$L" >"ours.err.$w" 2>&1 & done; wait
t1=$(date +%s.%N)
ours_done=$(sqlite3 ours.db "SELECT count(*) FROM trials WHERE state='COMPLETE'")
ours_err=$(cat ours.err.* | grep -c -i -e ERR -e locked)
ours_ok=$(sqlite3 ours.db "PRAGMA integrity_check")
ours_dense=$(sqlite3 ours.db "SELECT count(DISTINCT number) = count(*) AND max(number) + 1 = count(*) FROM trials")
$PY -W ignore -c "import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR); optuna.create_study(study_name='bench', storage='sqlite:///optuna.db')"
t2=$(date +%s.%N)
for ((w = 0; w < P; w++)); do $PY worker.py sqlite:///optuna.db "$L" >"py.out.$w" 2>"py.err.$w" & done; wait
t3=$(date +%s.%N)
py_done=$(sqlite3 optuna.db "SELECT count(*) FROM trials WHERE state='COMPLETE'")
py_err=$(cat py.err.* | grep -c '^ERR')
py_locked=$(cat py.err.* | grep -c -i locked)
py_dense=$(sqlite3 optuna.db "SELECT count(DISTINCT number) = count(*) AND max(number) + 1 = count(*) FROM trials")
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v od="$ours_done" -v pd="$py_done" -v oe="$ours_err" -v pe="$py_err" \
    -v pl="$py_locked" -v ok="$ours_ok" -v dn="$ours_dense" -v pdn="$py_dense" 'BEGIN {
  ro = od / (b - a); rp = pd / (d - c);
  printf "wakesweep: %d trials complete in %.1f s = %.1f trials/s; errors %d; integrity %s; numbers dense %s\n", od, b - a, ro, oe, ok, dn == 1 ? "yes" : "no";
  printf "optuna 3.1 (sqlite): %d trials complete in %.1f s = %.1f trials/s; failed calls %d (database is locked: %d); numbers dense %s\n", pd, d - c, rp, pe, pl, pdn == 1 ? "yes" : "no";
  printf "ratio (wakesweep / optuna trials/s): %.1fx\n", ro / rp }'

echo "== cost per call with 1000 trials in the study =="
"$bin/suggest" --db big.db --config c.json --n 1000 >lines
$PY -W ignore - <<'PYF'
import sqlite3
db = sqlite3.connect("big.db")
ids = [r[0] for r in db.execute("SELECT trial_id FROM trials")]
db.executemany("UPDATE trials SET state='COMPLETE', datetime_complete=datetime_start WHERE trial_id=?", [(i,) for i in ids])
db.executemany("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, 0, ?, 'FINITE')", [(i, i * 0.001) for i in ids])
db.commit()
PYF
cp big.db bigpy.db
N=50
t0=$(date +%s.%N)
for ((i = 0; i < N; i++)); do "$bin/suggest" --db big.db --config c.json >>new.lines; done
t1=$(date +%s.%N)
for n in $(seq 1000 $((1000 + N - 1))); do "$bin/tell" --db big.db --study bench --trial "$n" --state complete --value 0.5 >/dev/null; done
t2=$(date +%s.%N)
M=5
t3=$(date +%s.%N)
for ((i = 0; i < M; i++)); do optuna ask --storage sqlite:///bigpy.db --study-name bench --sampler RandomSampler \
    --search-space '{"x": {"name": "FloatDistribution", "attributes": {"low": -5, "high": 5}}}' >/dev/null 2>&1; done
t4=$(date +%s.%N)
for n in $(seq 1000 $((1000 + M - 1))); do optuna tell --storage sqlite:///bigpy.db --study-name bench --trial-number "$n" --values 0.5 >/dev/null 2>&1; done
t5=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" -v n="$N" -v m="$M" 'BEGIN {
  printf "suggest: %.1f ms/call    tell: %.1f ms/call   (wakesweep, %d calls each)\n", (b - a) / n * 1000, (c - b) / n * 1000, n;
  printf "optuna ask: %.0f ms/call  optuna tell: %.0f ms/call   (Optuna 3.1 CLI, %d calls each)\n", (e - d) / m * 1000, (f - e) / m * 1000, m;
  printf "ratio: suggest %.0fx faster than optuna ask, tell %.0fx faster than optuna tell\n", ((e - d) / m) / ((b - a) / n), ((f - e) / m) / ((c - b) / n) }'
