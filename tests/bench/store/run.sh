#!/usr/bin/env bash
# Store benchmark, side by side with Optuna 3.1 on SQLite in the same run:
#  1. throughput: P workers x L loops of ask -> 5 x (report + should-prune) -> tell, against one
#     study; finished trials per second, errors ("database is locked"), integrity;
#  2. cost per call with 1000 trials in the study: suggest and tell (ours) next to the
#     `optuna ask` / `optuna tell` CLI, each call timed from spawn to exit (median), and a process
#     that does nothing timed the same way as the floor.
# Usage: tests/bench/store/run.sh [P] [L]     (defaults 8 200, the issue's full size)
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=${WS_BIN:-$root/bin}
PY=/usr/bin/python3
P=${1:-8} L=${2:-200}
work=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-store.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$root/tests/bench/store/loop.sh"
write_bench_files
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
# Each call is timed from spawn to exit by one small Python harness (subprocess, no shell), the same
# for both sides: a bash loop would add its own fork of bash (about 8 ms on this VM, as much as a
# whole suggest). The floor is the same harness running /bin/true.
N=50 M=5
$PY - "$bin" "$N" "$M" <<'PYF'
import statistics, subprocess, sys, time
bin, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def timed(argvs):
    ms = []
    for a in argvs:
        t = time.perf_counter()
        r = subprocess.run(a, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms.append((time.perf_counter() - t) * 1000)
        if r.returncode != 0:
            sys.exit("bench: %s failed: %s" % (" ".join(a), r.stderr.decode().strip()))
    return statistics.median(ms), statistics.mean(ms)
space = '{"x": {"name": "FloatDistribution", "attributes": {"low": -5, "high": 5}}}'
floor = timed([["/bin/true"]] * n)
sug = timed([[bin + "/suggest", "--db", "big.db", "--config", "c.json"]] * n)
tel = timed([[bin + "/tell", "--db", "big.db", "--study", "bench", "--trial", str(1000 + i), "--state", "complete",
              "--value", "0.5"] for i in range(n)])
ask = timed([["optuna", "ask", "--storage", "sqlite:///bigpy.db", "--study-name", "bench", "--sampler", "RandomSampler",
              "--search-space", space]] * m)
otell = timed([["optuna", "tell", "--storage", "sqlite:///bigpy.db", "--study-name", "bench", "--trial-number",
                str(1000 + i), "--values", "0.5"] for i in range(m)])
print("suggest: %.1f ms/call (mean %.1f)   tell: %.1f ms/call (mean %.1f)   (wakesweep, %d calls each, median)"
      % (sug[0], sug[1], tel[0], tel[1], n))
print("a process that does nothing (/bin/true), same harness: %.1f ms" % floor[0])
print("optuna ask: %.0f ms/call  optuna tell: %.0f ms/call   (Optuna 3.1 CLI, %d calls each, median)" % (ask[0], otell[0], m))
print("ratio: suggest %.0fx faster than optuna ask, tell %.0fx faster than optuna tell" % (ask[0] / sug[0], otell[0] / tel[0]))
PYF
