#!/usr/bin/env bash
# An int distribution stored with a bound past +-2^53 (Optuna writes suggest_int("n", 16, 2**63 - 1)
# as it is) was read into a double, and written back by a C cast of 2^63 to long long (undefined;
# -9223372036854775808 on x86): study-copy made a copy whose IntDistribution reads low 16, high
# -9223372036854775808, which Optuna refuses to load (low > high), and suggest's retry of a stale
# trial wrote that distribution into the study itself. wakesweep holds an int parameter's values
# and bounds as doubles, exact within +-2^53 only (as suggest --config and --fixed say), so such a
# study is an input error, exit 2 naming the trial, param and attribute; nothing is written.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "int distribution past 2^53" optuna
cat >big.py <<'P'
import sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
s = optuna.create_study(study_name="big", storage="sqlite:///" + sys.argv[1], direction="maximize",
                        sampler=optuna.samplers.RandomSampler(seed=1))
t = s.ask()
t.suggest_int("n", 16, 32)
t.suggest_int("wide", 16, 2**63 - 1)
s.tell(t, 0.5)
t = s.ask()   # RUNNING, never beating: the stale trial suggest --grace retries
t.suggest_int("n", 16, 32)
P
test_expect_success "Optuna stores a study with an int parameter up to 2^63 - 1" '"$PY" big.py s.db &&
  [ "$(command sqlite3 s.db "SELECT json_extract(distribution_json, \"$.attributes.high\") FROM trial_params WHERE param_name = \"wide\"")" = 9223372036854775807 ]'
# the study's rows (a tool's first open adds wakesweep's indexes to an Optuna file)
dump() { command sqlite3 s.db .dump | grep -v "^CREATE INDEX ws_"; }
dump >before.sql
M="study 'big': trial_params: trial 0, param wide: distribution: attributes.high: expected an integer within +-2^53, got 9223372036854775807"

test_expect_code 2 "study-copy: exit 2" study-copy --from s.db --to copy.db
test_expect_success "... names the attribute, makes no copy" "[ \"\$(cat err)\" = \"study-copy: --from s.db: $M\" ] && [ ! -e copy.db ]"
test_expect_code 2 "report: exit 2" report --db s.db --format json
test_expect_success "... names the attribute, prints nothing" "[ \"\$(cat err)\" = \"report: s.db: $M\" ] && [ ! -s out ]"
printf '{"study": "big", "direction": "maximize", "sampler": {"name": "random", "seed": 1},
  "space": {"n": {"type": "int", "low": 16, "high": 32}}}\n' >c.json
test_expect_code 2 "suggest --force --grace 0.001 (a retry of the stale trial): exit 2" \
  suggest --db s.db --config c.json --force --grace 0.001
test_expect_success "... names the attribute, makes no trial" "grep -qxF \"suggest: s.db: $M\" err && [ ! -s out ]"
test_expect_success "the study unchanged" 'dump >after.sql && cmp before.sql after.sql'
