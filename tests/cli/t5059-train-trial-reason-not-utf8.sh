#!/usr/bin/env bash
# A trial train-trial refuses is failed with the error as its reason (wakesweep:reason). An error
# that quotes input holding bytes that are not UTF-8 (a file name is any bytes: --features
# /data/caf\xe9.feat that is not there, a --ckpt-dir that cannot be made, a WS_CUDA_MEM_MIB of
# such bytes) made a reason JSON cannot hold: json_string gave NULL, and train-trial died of
# SIGSEGV (exit 139) writing it, its trial left RUNNING until a stale-heartbeat suggest. The
# reason is now kept with those bytes as \xNN, as the tools' messages show them: exit 2, the
# trial FAIL with that reason and queued again; Optuna 3.1 reads the study (checked live).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
need_python "optuna" optuna
tone_trial
cp runs/s.db fresh.db
bad=$(printf 'caf\351')   # Latin-1 e-acute: not UTF-8

# each: a fresh copy of the study with trial 0 RUNNING, then train-trial with ARGS...
expect_refused() {
  local name=$1 shown=$2; shift 2
  cp fresh.db runs/s.db
  test_expect_code 2 "$name" "$@"
  test_expect_success "... names it as \\xNN ($shown), trial 0 FAIL with that reason and queued again" "
    grep -qF '$shown' err &&
    [ \"\$(sqlite3 runs/s.db \"SELECT state FROM trials WHERE number = 0\")\" = FAIL ] &&
    sqlite3 runs/s.db \"SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
                        WHERE t.number = 0 AND key = 'wakesweep:reason'\" | jq -r . | grep -qF '$shown' &&
    [ \"\$(sqlite3 runs/s.db \"SELECT count(*) FROM trials WHERE state = 'WAITING'\")\" = 1 ]"
  test_expect_success "... Optuna 3.1 reads the study, the reason as kept" "
    \"\$PY\" -W ignore -c '
import optuna, sys
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
t = optuna.load_study(study_name=\"tones\", storage=\"sqlite:///runs/s.db\").trials[0]
assert t.state.name == \"FAIL\" and sys.argv[1] in t.system_attrs[\"wakesweep:reason\"], t.system_attrs
' '$shown'"
}
expect_refused "--features naming a cache that is not there, its name not UTF-8" 'nowhere/caf\xe9.feat' \
  train-trial --db runs/s.db --features "nowhere/$bad.feat" --threads 1 --quiet line
mkdir -p ro && echo x >ro/file
expect_refused "--ckpt-dir that cannot be made, its name not UTF-8" 'ro/file/caf\xe9' \
  train-trial --db runs/s.db --features tones.feat --ckpt-dir "ro/file/$bad" --threads 1 --quiet line
expect_refused "WS_CUDA_MEM_MIB of bytes that are not UTF-8" 'caf\xe9' \
  env WS_CUDA_MEM_MIB="$bad" train-trial --db runs/s.db --features tones.feat --threads 1 --quiet line
