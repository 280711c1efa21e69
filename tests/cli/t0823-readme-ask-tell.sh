#!/usr/bin/env bash
# The README's ask/tell loop, run as written (its block taken from README.md) with a stand-in
# for "my-trainer": it must be able to prune. kws-default's median pruner (n_startup_trials 4,
# n_warmup_steps 4) never prunes below step 4, as Optuna's PercentilePruner returns False while
# step < n_warmup_steps; a loop of epochs 1..3 could never prune any trial.
. "$WS_ROOT/tests/cli/lib.sh"
readme_loop >loop.sh
test_expect_success "README.md holds the ask/tell loop" 'grep -q "bin/prune-check" loop.sh && grep -q "bin/tell" loop.sh'
# my-trainer: the value at an epoch, from $base (each round's level) rising a little an epoch
cat >run.sh <<'EOF'
my-trainer() { cat >/dev/null; awk -v b="$base" -v e="$2" "BEGIN { print b + e / 1000 }"; }
db=$1 base=$2
cd "$WS_ROOT" && . "$OLDPWD/loop.sh"
EOF
# four trials that complete (the pruner's n_startup_trials), then one well below them
for b in 0.80 0.81 0.82 0.83; do bash run.sh "$TMP/s.db" "$b" >/dev/null 2>&1; done
test_expect_success "four rounds of the loop: four COMPLETE trials" '
  [ "$(sqlite3 s.db "SELECT group_concat(state) FROM (SELECT state FROM trials ORDER BY number)")" = "COMPLETE,COMPLETE,COMPLETE,COMPLETE" ]'
test_expect_code 0 "a fifth round, its values below the median of the four at every step" bash run.sh "$TMP/s.db" 0.10
test_expect_success "... is pruned, at step 4 (n_warmup_steps), as Optuna's median pruner prunes it" '
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 4")" = PRUNED ] &&
  [ "$(sqlite3 s.db "SELECT max(step) FROM trial_intermediate_values JOIN trials USING (trial_id) WHERE number = 4")" = 4 ]'
