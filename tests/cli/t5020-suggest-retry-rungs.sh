#!/usr/bin/env bash
# A trial failed as stale (or by --reap) is queued again as Optuna's RetryFailedTrialCallback
# queues it, and that callback copies every system attribute of the failed trial
# (system_attrs={"failed_trial": ..., "retry_history": [], **trial.system_attrs}), the rungs
# successive halving recorded (completed_rung_k) among them: Optuna's pruner then judges the retry
# from the next rung on. suggest copied no rung, so the retry was judged again at the rungs its
# first run had passed, against that run's own values, and pruned where Optuna goes on. The
# reference: Optuna's own fail_stale_trials with the callback, on a copy of the study.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "retry rungs as Optuna's" optuna
jq '.pruner = {"name": "successive_halving", "min_resource": 1, "reduction_factor": 2}' \
  "$WS_ROOT/tests/cli/study.json" >c.json
suggest --db s.db --config c.json >/dev/null
# trial 0 passes rungs 0 and 1 (steps 1 and 2) at 0.5, then its node goes silent
prune-check --db s.db --study kws --trial 0 --step 1 --value 0.5 >/dev/null
prune-check --db s.db --study kws --trial 0 --step 2 --value 0.5 >/dev/null
sqlite3 s.db "UPDATE trial_heartbeats SET heartbeat = datetime('now', '-2 hours')"
cp s.db ref.db
test_expect_code 0 "suggest --n 0 fails trial 0 as stale and queues it again" suggest --db s.db --config c.json --n 0
cat >ref.py <<'P'
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)


def rungs(db):  # the WAITING trials' rungs
    st = optuna.load_study(study_name="kws", storage="sqlite:///" + db)
    return json.dumps([(t.number, {k: v for k, v in t.system_attrs.items() if k.startswith("completed_rung_")})
                       for t in st.trials if t.state == optuna.trial.TrialState.WAITING], sort_keys=True)


if len(sys.argv) > 1:  # rungs DB
    print(rungs(sys.argv[2]))
    sys.exit()
# Optuna fails the stale trial of ref.db and queues it again
s = optuna.storages.RDBStorage("sqlite:///ref.db", heartbeat_interval=1, grace_period=3600,
                               failed_trial_callback=optuna.storages.RetryFailedTrialCallback())
optuna.storages.fail_stale_trials(optuna.load_study(study_name="kws", storage=s))
print(rungs("ref.db"), file=open("want", "w"))
print(rungs("s.db"), file=open("got", "w"))
# the retry reports 0.1 at step 2: prune it?
st = optuna.load_study(study_name="kws", storage="sqlite:///ref.db",
                       pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
t = st.ask()
t.report(0.1, 2)
print(json.dumps([t.number, t.should_prune()]), file=open("judged", "w"))
P
test_expect_success "Optuna's callback gives the retry the failed trial's rungs; suggest the same" '
  "$PY" -W ignore ref.py && cat want got >&2 && grep -q "\"completed_rung_1\": 0.5" want && cmp want got'
test_expect_success "Optuna keeps the retry at 0.1 at step 2 (its next rung is at step 4)" '[ "$(cat judged)" = "[1, false]" ]'
suggest --db s.db --config c.json >/dev/null
test_expect_code 1 "prune-check keeps it too" prune-check --db s.db --study kws --trial 1 --step 2 --value 0.1
# suggest --reap queues a trial whose process is gone the same way
suggest --db d.db --config c.json --pid 999999999 >/dev/null
prune-check --db d.db --study kws --trial 0 --step 1 --value 0.25 >/dev/null
test_expect_code 0 "suggest --reap fails a trial whose process is gone" suggest --db d.db --config c.json --reap --n 0
test_expect_success "... and its retry has the failed trial's rung" '
  "$PY" -W ignore ref.py rungs d.db >got && [ "$(cat got)" = "[[1, {\"completed_rung_0\": 0.25}]]" ]'
