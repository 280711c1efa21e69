#!/usr/bin/env bash
# tests/bench/store/scale.sh — each tool on a study kept for weeks: N trials (2/3 COMPLETE, 1/3
# PRUNED, 20 RUNNING) of 36 parameters of every kind, 100 intermediate values each (PRUNED ones
# fewer), and gpu-monitor rows (1 device + 2 process rows a second, 36 s a trial). Made with
# suggest (random) and sqlite3, then timed: suggest --n 2 (random, TPE, multivariate TPE with
# constant liar), prune-check under each pruner, report (text, json, html) and study-copy; CPU
# seconds and peak KB (GNU time). With OPTUNA=1, Optuna 3.1 on the same file in the same run:
# load_study + ask (and all 36 suggest_* calls) once, the TPE sampler of each config.
# Usage: [N=2000] [OPTUNA=0|1] [WS_BIN=bin] bash tests/bench/store/scale.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
bin=${WS_BIN:-$root/bin}
N=${N:-2000} OPTUNA=${OPTUNA:-0}
PY=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/ws-bench-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
python3 - <<'PYEOF'
import json
space = {}
for i in range(8): space[f"fl{i}"] = {"type": "float", "low": 1e-5, "high": 1e-1, "log": True}
for i in range(6): space[f"fu{i}"] = {"type": "float", "low": 0.0, "high": 1.0}
for i in range(4): space[f"fs{i}"] = {"type": "float", "low": 0.0, "high": 0.5, "step": 0.05}
for i in range(4): space[f"ii{i}"] = {"type": "int", "low": 1, "high": 256}
for i in range(3): space[f"il{i}"] = {"type": "int", "low": 1, "high": 4096, "log": True}
for i in range(3): space[f"is{i}"] = {"type": "int", "low": 16, "high": 512, "step": 16}
for i in range(5): space[f"c{i}"] = {"type": "categorical", "choices": ["a", "b", "c", "d", "e"][:2 + i % 4]}
space["cn"] = {"type": "categorical", "choices": [32, 64, 128, 256]}
space["opt"] = {"type": "categorical", "choices": ["adam", "sgd"]}
space["mom"] = {"type": "float", "low": 0.8, "high": 0.99, "when": {"opt": ["sgd"]}}
median = {"name": "median", "n_startup_trials": 5, "n_warmup_steps": 2}
def put(name, sampler, pruner=median):
    json.dump({"study": "big", "direction": "maximize", "objective": "f1", "sampler": sampler, "pruner": pruner,
               "budget": {"epochs": 100}, "space": space}, open(name + ".json", "w"))
put("random", {"name": "random", "seed": 1})
put("tpe", {"name": "tpe", "seed": 1, "n_startup_trials": 10})
put("tpe-mv-cl", {"name": "tpe", "seed": 1, "n_startup_trials": 10, "multivariate": True, "constant_liar": True})
put("p-percentile", {"name": "random", "seed": 1}, {"name": "percentile", "percentile": 25, "n_startup_trials": 5})
put("p-halving", {"name": "random", "seed": 1}, {"name": "successive_halving"})
put("p-hyperband", {"name": "random", "seed": 1}, {"name": "hyperband", "min_resource": 1, "max_resource": 100})
PYEOF
"$bin/suggest" --db big.db --config random.json --n "$N" >/dev/null
"$bin/gpu-monitor" --db big.db --count 1 --quiet >/dev/null 2>&1 || true
R=$((N - 20))
sqlite3 big.db "
BEGIN;
UPDATE trials SET state = CASE WHEN number >= $R THEN 'RUNNING' WHEN number % 3 = 0 THEN 'PRUNED' ELSE 'COMPLETE' END,
  datetime_start = strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || (36 * number) || ' seconds') || '.000000',
  datetime_complete = CASE WHEN number >= $R THEN NULL
    ELSE strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || (36 * number + 70) || ' seconds') || '.000000' END;
INSERT INTO trial_values (trial_id, objective, value, value_type)
  SELECT trial_id, 0, (SELECT sum(param_value) FROM trial_params p WHERE p.trial_id = t.trial_id
    AND param_name IN ('fu0', 'fu1', 'fs0')) + (number % 97) / 1000.0, 'FINITE' FROM trials t WHERE state != 'RUNNING';
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 99)
INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
  SELECT trial_id, i, ((trial_id * 7919 + i * 104729) % 1000) / 1000.0 + i / 100.0, 'FINITE' FROM trials, k
  WHERE (trials.state != 'PRUNED' OR i < 20 + number % 50) AND (trials.state != 'RUNNING' OR i < 30);
UPDATE trial_heartbeats SET heartbeat = datetime('now', '+1 day');
DELETE FROM wakesweep_gpu_samples;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 36 * $N)
INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, util, mem_used_bytes, mem_total_bytes)
  SELECT i, 1772323200 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || i || ' seconds') || '.000000',
  'nvml', 'device', 0, i % 100, 1000000 * (i % 50), 80000000000 FROM k;
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 72 * $N - 1)
INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, device, pid, trial_id, util, mem_used_bytes)
  SELECT i / 2, 1772323200 + i / 2, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || (i / 2) || ' seconds') || '.000000',
  'nvml', 'process', 0, 1000 + i % 2, 1 + (i / 2) / 36 - (i % 2), 50, 1000000 FROM k;
COMMIT;"
rows=$(sqlite3 big.db "SELECT (SELECT count(*) FROM trial_intermediate_values) || ' reports, ' ||
  (SELECT count(*) FROM trial_params) || ' params, ' || (SELECT count(*) FROM wakesweep_gpu_samples) || ' samples'")
echo "study: $N trials, $rows, $(stat -c %s big.db) bytes"
# timed NAME CMD...: on a fresh copy of the study (s.db), one line "NAME: CPU s, peak KB"
timed() {
  local name=$1; shift
  cp big.db s.db; rm -f s.db-wal s.db-shm copy.db
  /usr/bin/time -q -f "%U %S %M" -o t.out "$@" >out 2>/dev/null || true
  read -r u s kb <t.out
  printf '%-28s %6.2f s CPU %8d KB\n' "$name" "$(echo "$u + $s" | bc)" "$kb"
}
for c in random tpe tpe-mv-cl; do
  cp big.db s.db; "$bin/suggest" --db s.db --config $c.json --force --n 0 2>/dev/null; cp s.db big-$c.db
  cp big-$c.db s.db; /usr/bin/time -q -f "%U %S %M" -o t.out "$bin/suggest" --db s.db --config $c.json --n 2 >/dev/null
  read -r u s kb <t.out; printf '%-28s %6.2f s CPU %8d KB\n' "suggest $c --n 2" "$(echo "$u + $s" | bc)" "$kb"
done
for p in random p-percentile p-halving p-hyperband; do
  cp big.db s.db; "$bin/suggest" --db s.db --config $p.json --force --n 0 2>/dev/null
  /usr/bin/time -q -f "%U %S %M" -o t.out "$bin/prune-check" --db s.db --study big --trial $((N - 5)) --step 30 --value 0.5 >/dev/null || true
  read -r u s kb <t.out; printf '%-28s %6.2f s CPU %8d KB\n' "prune-check $([ $p = random ] && echo median || echo ${p#p-})" "$(echo "$u + $s" | bc)" "$kb"
done
for f in text json html; do
  timed "report --format $f" "$bin/report" --db s.db --format $f
  echo "  output: $(stat -c %s out) bytes"
done
timed "study-copy" "$bin/study-copy" --from s.db --to copy.db
[ "$OPTUNA" = 1 ] || exit 0
cat >ask.py <<'PYEOF'
import json, sys, time, warnings, optuna
warnings.filterwarnings("ignore"); optuna.logging.set_verbosity(optuna.logging.ERROR)
db, name = sys.argv[1], sys.argv[2]
cfg = json.load(open(name + ".json")); s = cfg["sampler"]
sampler = optuna.samplers.RandomSampler(seed=1) if s["name"] == "random" else optuna.samplers.TPESampler(
    seed=1, n_startup_trials=s["n_startup_trials"], multivariate=s.get("multivariate", False),
    constant_liar=s.get("constant_liar", False))
t0 = time.process_time()
study = optuna.load_study(study_name="big", storage="sqlite:///" + db, sampler=sampler)
tr = study.ask()
for k, d in cfg["space"].items():
    if "when" in d and not all(tr.params.get(kk) in v for kk, v in d["when"].items()): continue
    if d["type"] == "float": tr.suggest_float(k, d["low"], d["high"], log=d.get("log", False), step=d.get("step"))
    elif d["type"] == "int": tr.suggest_int(k, d["low"], d["high"], log=d.get("log", False), step=d.get("step", 1))
    else: tr.suggest_categorical(k, d["choices"])
print("%-28s %6.2f s CPU" % ("optuna ask %s (n=1)" % name, time.process_time() - t0))
PYEOF
for c in random tpe tpe-mv-cl; do cp big-$c.db o.db; $PY ask.py o.db $c; done
