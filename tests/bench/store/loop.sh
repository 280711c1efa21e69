# tests/bench/store/loop.sh — the worker loop both store benchmarks time (run.sh, throughput.sh):
# ask -> 5 x (report + should-prune) -> tell, as wakesweep's tools from the shell and as Optuna
# 3.1 in one Python process. Sourced; needs $bin (our tools); write_bench_files puts the study
# config (c.json) and the Optuna worker (worker.py) in the working directory.

# ours_worker URL LOOPS: prints "ERR ..." for each failed call.
ours_worker() {
  local db=$1 i n s line
  for ((i = 0; i < $2; i++)); do
    line=$("$bin/suggest" --db "$db" --config c.json) || { echo ERR suggest; continue; }
    [[ $line =~ \"trial\":([0-9]+) ]] && n=${BASH_REMATCH[1]}
    for s in 0 1 2 3 4; do
      "$bin/prune-check" --db "$db" --study bench --trial "$n" --step $s --value "0.$RANDOM" >/dev/null
      [ $? -le 1 ] || echo ERR prune-check
    done
    "$bin/tell" --db "$db" --study bench --trial "$n" --state complete --value "0.$RANDOM" >/dev/null || echo ERR tell
  done
}

# write_bench_files: c.json, the study both sides run (random sampler, median pruner, x and k);
# worker.py STORAGE LOOPS, the same loop through Optuna's API, printing "ERR ..." on stderr for
# each failed loop.
write_bench_files() {
  cat >c.json <<'J'
{"study": "bench", "direction": "minimize", "sampler": {"name": "random", "seed": 1},
 "pruner": {"name": "median", "n_startup_trials": 5},
 "space": {"x": {"type": "float", "low": -5, "high": 5}, "k": {"type": "int", "low": 1, "high": 9}}}
J
  cat >worker.py <<'PYW'
import sys, random, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
storage, loops = sys.argv[1], int(sys.argv[2])
study = optuna.load_study(study_name="bench", storage=storage,
                          sampler=optuna.samplers.RandomSampler(), pruner=optuna.pruners.MedianPruner(n_startup_trials=5))
for _ in range(loops):
    try:
        t = study.ask({"x": optuna.distributions.FloatDistribution(-5, 5), "k": optuna.distributions.IntDistribution(1, 9)})
        for s in range(5):
            t.report(random.random(), s)
            t.should_prune()
        study.tell(t, random.random())
    except Exception as e:
        print("ERR", type(e).__name__, str(e)[:80], file=sys.stderr)
PYW
}
