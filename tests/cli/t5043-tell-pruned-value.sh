#!/usr/bin/env bash
# tell --state pruned --value V: Optuna 3.1's tell refuses a value with state PRUNED ("Values were
# told. Values cannot be specified when state is TrialState.PRUNED or TrialState.FAIL."), and
# its CLI's `optuna tell --state pruned --values V` with it; tell takes one, kept in place of the
# last intermediate value, because README's ask/tell loop (t0823) tells a pruned trial the value
# it last reported. A difference kept on purpose, and said so in tell(1): this pins it, with
# Optuna as the reference for its side of it and for reading what tell wrote.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "tell --state pruned --value" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 1 >/dev/null &&
  prune-check --db s.db --study kws --trial 0 --step 1 --value 0.4 >/dev/null; cp s.db o.db
test_expect_success "Optuna's CLI refuses --state pruned --values 0.4, the trial left RUNNING" '
  ! /usr/bin/optuna tell --storage sqlite:///o.db --study-name kws --trial-number 0 --state pruned --values 0.4 >o.out 2>o.err &&
  grep -q "Values cannot be specified when state is TrialState.PRUNED" o.err &&
  [ "$(sqlite3 o.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
test_expect_code 0 "tell takes it (README's ask/tell loop passes the value last reported)" \
  tell --db s.db --study kws --trial 0 --state pruned --value 0.4
test_expect_success "... PRUNED with that value, which Optuna reads" '
  [ "$(jq -c "[.state,.value]" out)" = "[\"PRUNED\",0.4]" ] && "$PY" -W ignore -c "
import optuna; optuna.logging.set_verbosity(optuna.logging.ERROR)
t = optuna.load_study(study_name=\"kws\", storage=\"sqlite:///s.db\").trials[0]
assert t.state.name == \"PRUNED\" and t.value == 0.4, t"'
test_expect_success "tell(1) says Optuna refuses it and why tell takes it" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/tell.1" | grep -q "Optuna.s tell refuses a value with state PRUNED.*README.s ask/tell loop"'
