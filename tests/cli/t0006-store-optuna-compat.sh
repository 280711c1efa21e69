#!/usr/bin/env bash
# Compatibility both ways with Debian's python3-optuna (3.1): a study written by our tools loads
# in Optuna with the same numbers, states, params, values, intermediate values and best trial;
# a study made and partly run by Optuna is continued by suggest/tell and Optuna reads the rest.
# The database is SQLite, or PostgreSQL under `make check-cluster` (tests/cluster/db.sh).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
py_warm optuna pywarm_optuna   # (need_python's server; old.py's alembic and a storage's first-use costs too: pywarm_optuna.py)
need_python "optuna compatibility" optuna
if [ -n "${WS_PG_HOST:-}" ] && ! "$PY" -c 'import psycopg2' 2>/dev/null; then
  test_skip "optuna compatibility" "python3-psycopg2 is not installed (make deps installs it)"; exit 0
fi
DB=$(db_new s) && ODB=$(db_new o) || exit 1
export S_URL=$(db_sqlalchemy "$DB") O_URL=$(db_sqlalchemy "$ODB")
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db "$DB" --config c.json --n 6 >lines
for t in 0 1 2 3 4; do
  for s in 0 1; do prune-check --db "$DB" --study kws --trial $t --step $s --value "0.$t$s" >/dev/null; done
done
tell --db "$DB" --study kws --trial 0 --state complete --value 0.81 >/dev/null
tell --db "$DB" --study kws --trial 1 --state complete --value 0.92 >/dev/null
tell --db "$DB" --study kws --trial 2 --state pruned >/dev/null
tell --db "$DB" --study kws --trial 3 --state fail >/dev/null
tell --db "$DB" --study kws --trial 4 --state complete --value 0.35 >/dev/null
report --db "$DB" --format json >ours.json
cat >read.py <<'P'
import json, os, sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="kws", storage=os.environ["S_URL"])
ours = json.load(open("ours.json"))
lines = [json.loads(l) for l in open("lines")]
bad = []
by_num = {t["trial"]: t for t in ours["trials"]}
for t in s.trials:
    o = by_num[t.number]
    if t.state.name != o["state"]: bad.append(("state", t.number, t.state.name, o["state"]))
    if t.value != o["value"]: bad.append(("value", t.number, t.value, o["value"]))
    if t.params != lines[t.number]["params"]: bad.append(("params", t.number, t.params, lines[t.number]["params"]))
    ivs = {int(k): v for k, v in o["intermediate_values"]}
    if t.intermediate_values != ivs: bad.append(("ivs", t.number, t.intermediate_values, ivs))
if [t.number for t in s.trials] != list(range(6)): bad.append(("numbers", [t.number for t in s.trials]))
if s.best_trial.number != ours["best"]["trial"] or s.best_value != ours["best"]["value"]:
    bad.append(("best", s.best_trial.number, ours["best"]["trial"]))
if s.direction.name != "MAXIMIZE": bad.append(("direction", s.direction.name))
print(bad if bad else "same")
sys.exit(1 if bad else 0)
P
test_expect_success "Optuna reads our study: numbers, states, params, values, intermediate values, best" '"$PY" read.py'

# The other way: Optuna creates the study and runs 3 trials; we continue; Optuna reads ours.
cat >make.py <<'P'
import os, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage=os.environ["O_URL"], direction="maximize",
                        sampler=optuna.samplers.RandomSampler(seed=1))
def f(t):
    lr = t.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
    t.suggest_categorical("batch_size", [32, 64, 128])
    t.suggest_int("channels", 16, 128, step=16)
    t.report(0.5, 0)
    return lr * 10
s.optimize(f, n_trials=3)
s.enqueue_trial({"learning_rate": 0.001, "batch_size": 64, "channels": 32})
P
cat >cont.py <<'P'
import os, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="kws", storage=os.environ["O_URL"])
t = s.trials
assert [x.number for x in t] == [0, 1, 2, 3, 4], [x.number for x in t]
assert t[3].params == {"learning_rate": 0.001, "batch_size": 64, "channels": 32}, t[3].params
assert t[3].state.name == "COMPLETE" and t[3].value == 0.77 and t[3].intermediate_values == {0: 0.6}
assert t[4].state.name == "COMPLETE" and t[4].value == 0.5, (t[4].state, t[4].value)
assert s.best_trial.number == 3, s.best_trial.number
s.optimize(lambda tr: tr.suggest_float("learning_rate", 1e-4, 1e-2, log=True), n_trials=1)
print("ok")
P
jq 'del(.space.dropout, .space.optimizer, .space.momentum) | .space.channels = {"type":"int","low":16,"high":128,"step":16}' c.json >c3.json
test_expect_success "Optuna makes and partly runs a study" '"$PY" make.py'
if [ -z "${WS_PG_HOST:-}" ]; then
  # SQLite: our indexes (sqlite_open.c) come with the first tool that may write, not a reader:
  # by state and by number (numbering, max(number), read every trial of Optuna's file without it).
  state_index() { sqlite3 "$ODB" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE name LIKE 'ws\_trials\_%' ESCAPE '\' ORDER BY name)"; }
  test_expect_success "report leaves Optuna's file without our index" '
    report --db "$ODB" >/dev/null && [ -z "$(state_index)" ]'
fi
test_expect_success "suggest claims Optuna's enqueued trial first" '
  suggest --db "$ODB" --config c3.json >l3 && [ "$(jq -c "[.trial,.params.learning_rate,.params.batch_size,.params.channels]" l3)" = "[3,0.001,64,32]" ]'
[ -n "${WS_PG_HOST:-}" ] || test_expect_success "suggest gave Optuna's file our two indexes, by number and by state" '
  [ "$(state_index)" = ws_trials_study_number,ws_trials_study_state ]'
test_expect_success "prune-check and tell continue it" '
  prune-check --db "$ODB" --study kws --trial 3 --step 0 --value 0.6 >/dev/null; [ $? = 1 ] &&
  tell --db "$ODB" --study kws --trial 3 --state complete --value 0.77 >/dev/null &&
  suggest --db "$ODB" --config c3.json >l4 && [ "$(jq .trial l4)" = 4 ] &&
  tell --db "$ODB" --study kws --trial 4 --state complete --value 0.5 >/dev/null'
test_expect_success "Optuna reads the trials we added and goes on" '"$PY" cont.py'
test_expect_success "our report reads Optuna's trial 5" '[ "$(report --db "$ODB" --format jsonl | jq -s "map(.trial) | max")" = 5 ]'

# An Optuna study with two objectives: every tool refuses it (exit 2, saying why) and leaves it
# as it was, rather than read or write one objective of it.
MDB=$(db_new m) || exit 1
export M_URL=$(db_sqlalchemy "$MDB")
cat >multi.py <<'P'
import os, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage=os.environ["M_URL"], directions=["maximize", "minimize"])
s.optimize(lambda t: (t.suggest_float("learning_rate", 1e-4, 1e-2, log=True), 1.0), n_trials=2)
s.enqueue_trial({"learning_rate": 0.001})
P
test_expect_success "Optuna makes a study with two objectives" '"$PY" multi.py'
before=$(dbq "$MDB" "SELECT count(*), sum(CASE WHEN state = 'COMPLETE' THEN 1 ELSE 0 END) FROM trials")
test_expect_code 2 "report refuses it" report --db "$MDB"
test_expect_success "... saying it has 2 objectives" 'grep -q "study .kws. has 2 objectives" err'
test_expect_code 2 "suggest refuses it" suggest --db "$MDB" --config c3.json
test_expect_code 2 "tell refuses it" tell --db "$MDB" --study kws --trial 0 --state complete --value 1
test_expect_code 2 "prune-check refuses it" prune-check --db "$MDB" --study kws --trial 2 --step 0 --value 1
test_expect_success "... and the study is as it was" '
  [ "$(dbq "$MDB" "SELECT count(*), sum(CASE WHEN state = '"'"'COMPLETE'"'"' THEN 1 ELSE 0 END) FROM trials")" = "$before" ]'

# Constraints Optuna wrote with Python's bare Infinity (not strict JSON): read as infeasible.
CDB=$(db_new c) || exit 1
export C_URL=$(db_sqlalchemy "$CDB")
cat >cons.py <<'P'
import math, os, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
cons = {0: [math.inf], 1: [0.5], 2: [-1.0]}
s = optuna.create_study(study_name="oc", storage=os.environ["C_URL"], direction="maximize",
                        sampler=optuna.samplers.TPESampler(constraints_func=lambda t: cons[t.number], seed=1))
for v in (0.9, 0.95, 0.1):
    s.tell(s.ask({"x": optuna.distributions.FloatDistribution(0, 1)}), v)
P
test_expect_success "Optuna makes a study with constraints [inf], [0.5], [-1]" '"$PY" cons.py'
test_expect_code 0 "report --best on it" report --db "$CDB" --best
test_expect_success "... is trial 2, the one feasible trial" '[ "$(jq .trial out)" = 2 ]'

# A WAITING trial that already holds params: Optuna's RetryFailedTrialCallback queues a failed
# trial's params so (add_trial), and Optuna's ask then returns them unsampled. Two twin studies
# made alike: Optuna asks in one, suggest in the other; both must give the held params.
RDB=$(db_new r) || exit 1
export R_URL=$(db_sqlalchemy "$RDB")
cat >retry.py <<'P'
import json, os, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.storages import RetryFailedTrialCallback
optuna.logging.set_verbosity(optuna.logging.ERROR)
def space(t):
    t.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
    t.suggest_categorical("batch_size", [32, 64, 128])
for name in ("kws", "twin"):
    s = optuna.create_study(study_name=name, storage=os.environ["R_URL"], direction="maximize",
                            sampler=optuna.samplers.RandomSampler(seed=3))
    t = s.ask(); space(t); s.tell(t, state=optuna.trial.TrialState.FAIL)
    RetryFailedTrialCallback()(s, s.trials[0])
t = optuna.load_study(study_name="twin", storage=os.environ["R_URL"]).ask(); space(t)
print(json.dumps(t.params, sort_keys=True))
P
test_expect_success "Optuna queues a failed trial again, with its params" '"$PY" retry.py >optuna_retry'
test_expect_code 0 "suggest claims it" suggest --db "$RDB" --config c3.json --study kws
test_expect_success "... with the params it holds, as Optuna's ask (channels sampled)" '
  [ "$(jq -cS "[.trial, (.params | {learning_rate, batch_size})]" out)" = "[1,$(jq -cS . optuna_retry)]" ] &&
  jq -e ".params.channels | type == \"number\"" out >/dev/null'
test_expect_success "... and Optuna reads that trial" '
  "$PY" -W ignore -c "
import optuna, os; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=os.environ[\"R_URL\"]).trials[1]
assert t.state.name == \"RUNNING\" and sorted(t.params) == [\"batch_size\", \"channels\", \"learning_rate\"], t"'

# A study database at an older Optuna schema revision (version_info says 12 for all of them):
# Optuna 3.1 refuses it until `optuna storage upgrade`, and so does every tool (exit 2), before
# writing: suggest used to add a trial to it, and tell and report then failed (exit 3) on the
# value_type column that revision v3.0.0.c lacks.
ADB=$(db_new a) || exit 1
export A_URL=$(db_sqlalchemy "$ADB")
cat >old.py <<'P'
import os, sys, warnings
warnings.simplefilter("ignore")
import alembic.command, optuna
from optuna.storages import RDBStorage
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    st = RDBStorage(os.environ["A_URL"])
    s = optuna.create_study(study_name="kws", storage=st, direction="maximize")
    s.optimize(lambda t: t.suggest_float("learning_rate", 1e-4, 1e-2, log=True), n_trials=2)
    alembic.command.downgrade(st._version_manager._create_alembic_config(), "v3.0.0.c")
    try:
        optuna.load_study(study_name="kws", storage=os.environ["A_URL"])
        sys.exit("Optuna read it")
    except RuntimeError as e:
        assert "optuna storage upgrade" in str(e), e
else:
    RDBStorage(os.environ["A_URL"], skip_compatibility_check=True).upgrade()
P
test_expect_success "Optuna makes a study file at revision v3.0.0.c and refuses it" '"$PY" old.py make 2>/dev/null'
test_expect_code 2 "suggest refuses it" suggest --db "$ADB" --config c3.json
test_expect_success "... saying to upgrade it, and adds no trial" '
  grep -q "revision v3.0.0.c, older than .*optuna storage upgrade" err && [ "$(dbq "$ADB" "SELECT count(*) FROM trials")" = 2 ]'
test_expect_code 2 "report refuses it" report --db "$ADB"
test_expect_code 2 "tell refuses it" tell --db "$ADB" --study kws --trial 1 --state complete --value 1
test_expect_success "once Optuna upgrades it, suggest continues it" '
  "$PY" old.py upgrade 2>/dev/null && suggest --db "$ADB" --config c3.json >l && [ "$(jq .trial l)" = 2 ]'

# suggest --reap queues a dead trial again with Optuna's RetryFailedTrialCallback attributes: a
# retry that dies too is queued with the attributes Optuna's callback gives its failed trial
# (failed_trial stays the first trial of the chain: Optuna's retried_trial_number).
KDB=$(db_new k) || exit 1
export K_URL=$(db_sqlalchemy "$KDB")
sh -c 'exit 0' & dead=$!; wait $dead
suggest --db "$KDB" --config c3.json --pid "$dead" >/dev/null && suggest --db "$KDB" --config c3.json --reap -n 0 2>/dev/null &&
  suggest --db "$KDB" --config c3.json --pid "$dead" >/dev/null && suggest --db "$KDB" --config c3.json --reap -n 0 2>/dev/null
cat >reap.py <<'P'
import os, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.storages import RetryFailedTrialCallback as R
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="kws", storage=os.environ["K_URL"])
ref = optuna.create_study(study_name="ref", storage=os.environ["K_URL"])
R()(ref, s.trials[1])   # what Optuna queues for the failed retry, trial 1
want = {k: ref.trials[-1].system_attrs[k] for k in ("failed_trial", "retry_history")}
got = {k: s.trials[2].system_attrs.get(k) for k in want}
assert [t.state.name for t in s.trials] == ["FAIL", "FAIL", "WAITING"], s.trials
assert got == want and R.retried_trial_number(s.trials[2]) == 0, (got, want)
P
test_expect_success "a retry that died is queued again with Optuna's callback's attributes" '"$PY" reap.py'

# Optuna's steps are Python ints, 64 bits in SQLite's INTEGER (PostgreSQL's column holds 32):
# a step past 2^31 (one counted in samples) is read and copied whole, not wrapped.
if [ -z "${WS_PG_HOST:-}" ]; then
  cat >steps.py <<'P'
import json, sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    s = optuna.create_study(study_name="kws", storage="sqlite:///big.db", direction="maximize")
    def f(t):
        t.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
        for v, step in ((0.1, 1000), (0.2, 3000000000), (0.3, 5000000000)): t.report(v, step)
        return 0.3
    s.optimize(f, n_trials=1)
t = optuna.load_study(study_name="kws", storage="sqlite:///" + sys.argv[2]).trials[0]
print(json.dumps(sorted([k, v] for k, v in t.intermediate_values.items())))
P
  test_expect_success "Optuna reports steps past 2^31" '"$PY" steps.py make big.db >big.optuna'
  test_expect_code 0 "report reads them" report --db big.db --format json
  test_expect_success "... as Optuna does" '[ "$(jq -c ".trials[0].intermediate_values" out)" = "$(jq -c . big.optuna)" ]'
  test_expect_success "study-copy copies them, as Optuna reads the copy" '
    study-copy --from big.db --to bigc.db >/dev/null && [ "$("$PY" steps.py read bigc.db)" = "$(cat big.optuna)" ]'
fi

# A held param that the config's conditions leave inactive (momentum under adam) is the trial's
# all the same: the trial line carries the params Optuna reads for the trial, which train-trial
# checks its line against.
HDB=$(db_new h) || exit 1
export H_URL=$(db_sqlalchemy "$HDB")
cat >held.py <<'P'
import json, os, sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    s = optuna.create_study(study_name="kws", storage=os.environ["H_URL"], direction="maximize")
    s.add_trial(optuna.trial.create_trial(state=optuna.trial.TrialState.WAITING,
        params={"optimizer": "adam", "momentum": 0.9},
        distributions={"optimizer": CategoricalDistribution(["adam", "adamw", "sgd"]), "momentum": FloatDistribution(0.8, 0.99)}))
else:
    print(json.dumps(optuna.load_study(study_name="kws", storage=os.environ["H_URL"]).trials[0].params, sort_keys=True))
P
test_expect_success "Optuna queues a trial holding momentum under adam" '"$PY" held.py make'
test_expect_code 0 "suggest claims it" suggest --db "$HDB" --config c.json
test_expect_success "... its line carries the params Optuna reads for it, momentum too" '
  [ "$(jq -cS .params out)" = "$("$PY" held.py read | jq -cS .)" ] && [ "$(jq .params.momentum out)" = 0.9 ]'

# Attributes Python wrote with NaN and Infinity (not strict JSON): study-copy copies their text
# as Optuna's copy_study does; it wrote their stand-ins (null, +-1.7976931348623157e+308).
NDB=$(db_new n) || exit 1
export N_URL=$(db_sqlalchemy "$NDB")
cat >nan.py <<'P'
import math, os, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="kws", storage=os.environ["N_URL"], direction="maximize")
s.set_user_attr("su", {"n": math.nan, "i": -math.inf, "s": "NaN"}); s.set_system_attr("ss", math.inf)
def f(t):
    t.suggest_float("learning_rate", 1e-4, 1e-2, log=True)
    t.set_user_attr("u", [math.nan, math.inf, "Infinity"]); t.set_system_attr("constraints", [math.inf])
    return 1.0
s.optimize(f, n_trials=1)
optuna.copy_study(from_study_name="kws", from_storage=os.environ["N_URL"], to_storage="sqlite:///nan_optuna.db")
P
attrs() { sqlite3 "$1" "SELECT 't', key, value_json FROM trial_user_attributes UNION ALL SELECT 'ts', key, value_json
  FROM trial_system_attributes UNION ALL SELECT 's', key, value_json FROM study_user_attributes UNION ALL
  SELECT 'ss', key, value_json FROM study_system_attributes ORDER BY 1, 2"; }
test_expect_success "Optuna writes NaN and Infinity attributes and copies the study" '"$PY" nan.py'
test_expect_code 0 "study-copy copies it" study-copy --from "$NDB" --to nan_ours.db
test_expect_success "... with the attributes Optuna's copy_study writes" '
  [ "$(attrs nan_ours.db)" = "$(attrs nan_optuna.db)" ] && attrs nan_ours.db | grep -q "NaN, Infinity"'

# Optuna's RetryFailedTrialCallback copies the failed trial's system attributes into its retry,
# wakesweep:pid and :host of a trial of ours among them. suggest (no --pid) claims that retry:
# a later suggest --reap must not take the dead process for the retry's and fail it running.
PDB=$(db_new p) || exit 1
export P_URL=$(db_sqlalchemy "$PDB")
sh -c 'exit 0' & dead=$!; wait $dead
suggest --db "$PDB" --config c3.json --pid "$dead" >/dev/null
cat >inherit.py <<'P'
import os, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.storages import RetryFailedTrialCallback
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.load_study(study_name="kws", storage=os.environ["P_URL"])
s._storage.set_trial_state_values(s.trials[0]._trial_id, optuna.trial.TrialState.FAIL)   # as fail_stale_trials
RetryFailedTrialCallback()(s, s.trials[0])
assert "wakesweep:pid" in s.trials[1].system_attrs, s.trials[1].system_attrs
P
test_expect_success "Optuna's callback queues our dead trial again, its pid with it" '"$PY" inherit.py'
test_expect_success "suggest claims it; suggest --reap leaves it running" '
  suggest --db "$PDB" --config c3.json >/dev/null && suggest --db "$PDB" --config c3.json --reap -n 0 &&
  [ "$(dbq "$PDB" "SELECT state FROM trials WHERE number = 1")" = RUNNING ]'

# A space that gives a parameter another kind, another log or other choices than the study's
# trials store for that name is refused (exit 2, naming the parameter and both distributions)
# before anything is written, as Optuna's storage refuses it; another range is not. Optuna itself
# is asked which of the configs' distributions it takes.
XDB=$(db_new x) || exit 1
export X_URL=$(db_sqlalchemy "$XDB")
cat >xmake.py <<'P'
import json, os, sys, warnings
warnings.simplefilter("ignore")
import optuna
from optuna.distributions import FloatDistribution as F, IntDistribution as I, CategoricalDistribution as C
optuna.logging.set_verbosity(optuna.logging.ERROR)
if sys.argv[1] == "make":
    s = optuna.create_study(study_name="kws", storage=os.environ["X_URL"], direction="maximize",
                            sampler=optuna.samplers.RandomSampler(seed=1))
    s.optimize(lambda t: t.suggest_float("lr", 1e-4, 1e-1) + t.suggest_int("ch", 8, 64)
               + len(t.suggest_categorical("opt", ["adam", "sgd"])), n_trials=2)
    sys.exit(0)
# does Optuna take the distributions of config FILE for this study? "FILE takes" or "FILE refuses",
# a line for each of argv[2:] (the ask is not told; its trial is failed after)
s = optuna.load_study(study_name="kws", storage=os.environ["X_URL"])
for f in sys.argv[2:]:
    t = s.ask()
    space = json.load(open(f))["space"]
    try:
        for name, d in space.items():
            if d["type"] == "float": t._suggest(name, F(d["low"], d["high"], log=d.get("log", False)))
            elif d["type"] == "int": t._suggest(name, I(d["low"], d["high"], log=d.get("log", False)))
            else: t._suggest(name, C(d["choices"]))
        ok = True
    except ValueError:
        ok = False
    s._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
    print(f, "takes" if ok else "refuses")
P
jq -n '{study:"kws",direction:"maximize",sampler:{name:"random",seed:1},budget:{epochs:2},
  space:{lr:{type:"float",low:1e-4,high:1e-1},ch:{type:"int",low:8,high:64},opt:{type:"categorical",choices:["adam","sgd"]}}}' >x0.json
jq '.space.lr.log = true' x0.json >xlog.json
jq '.space.ch = {type:"float",low:8,high:64}' x0.json >xkind.json
jq '.space.opt.choices = ["adam","sgd","adamw"]' x0.json >xchoices.json
jq '.space.lr.high = 0.5 | .space.ch.low = 4' x0.json >xrange.json
test_expect_success "Optuna makes a study of lr (float, not log), ch (int) and opt (adam|sgd)" '"$PY" xmake.py make'
# Optuna is asked about the four configs in one run (a python run each was 4 storages' start-ups);
# the cases below read its answers. Its asks come before suggest's: each case's "writes nothing"
# compares the counts around suggest alone.
"$PY" xmake.py ask xlog.json xkind.json xchoices.json xrange.json >xanswers 2>xanswers.err
xcount() { dbq "$XDB" "SELECT (SELECT count(*) FROM trials) || '/' || (SELECT count(*) FROM study_system_attributes)"; }
for x in log:lr:another.log kind:ch:another.kind choices:opt:other.choices; do
  IFS=: read -r f p why <<<"$x"
  test_expect_success "Optuna refuses x$f.json's $p for it" 'cat xanswers.err >&2; grep -qx "x$f.json refuses" xanswers'
  before=$(xcount)
  test_expect_code 2 "suggest refuses x$f.json" suggest --db "$XDB" --config x$f.json
  test_expect_success "... naming $p, $why and both distributions" '
    grep -q "x$f.json: space.$p: .*has $why than .*which trial 0 of study .kws." err &&
    [ "$(grep -o "{\"name\": \"[A-Za-z]*Distribution\"" err | wc -l)" = 2 ]'
  test_expect_success "... and writes nothing" '[ "$(xcount)" = "$before" ]'
done
test_expect_success "Optuna takes another range (xrange.json)" 'cat xanswers.err >&2; grep -qx "xrange.json takes" xanswers'
test_expect_code 0 "suggest takes it too" suggest --db "$XDB" --config xrange.json
# a study of ours, its config replaced with --force: the same check
test_expect_code 2 "suggest --force refuses another log for our study's lr" suggest --db "$XDB" --config xlog.json --force
test_expect_success "... naming it" 'grep -q "space.lr: .*another log" err'
