#!/usr/bin/env bash
# The README's ask/tell loop (its block taken from README.md, run as written) with a trainer that
# fails. The loop took any exit of prune-check but 0 for "keep training": 1 (go on), and also 2
# (bad input: the empty value a failed trainer left) and 3; and a trainer that failed left $value
# empty, so tell was refused and the trial stayed RUNNING until its heartbeat's grace (120 s) ran
# out. Now a trainer that fails, or a prune-check that errs (exit 2 or 3, prune-check(1)), ends
# the loop and tells the trial FAIL; a healthy trainer's trial is COMPLETE as before.
. "$WS_ROOT/tests/cli/lib.sh"
readme_loop >loop.sh
test_expect_success "README.md holds the ask/tell loop" 'grep -q "/prune-check " loop.sh && grep -q "/tell " loop.sh'
# my-trainer: 0.5 at each epoch, until epoch $2 of run.sh, where it does what $3 says:
# crash (exit 1, no value), empty (exit 0, no value) or word (exit 0, a value that is no number)
cat >run.sh <<'EOF'
my-trainer() {
  cat >/dev/null
  [ "$2" -lt "$fail_at" ] && { echo 0.5; return; }
  case $how in crash) echo "my-trainer: out of memory" >&2; return 1 ;; empty) return 0 ;; word) echo nan-ish ;; esac
}
db=$1 fail_at=$2 how=$3
cd "$WS_ROOT" && . "$OLDPWD/loop.sh"
EOF
state_of() { sqlite3 s.db "SELECT state FROM trials WHERE number = $1"; }
steps_of() { sqlite3 s.db "SELECT count(*) FROM trial_intermediate_values JOIN trials USING (trial_id) WHERE number = $1"; }

bash run.sh "$TMP/s.db" 99 crash >o0 2>e0
test_expect_success "a trainer that never fails: its trial is COMPLETE" '[ "$(state_of 0)" = COMPLETE ]'
bash run.sh "$TMP/s.db" 3 crash >o1 2>e1
test_expect_success "a trainer that fails at epoch 3: its trial is FAIL, not left RUNNING" '
  cat e1 >&2; [ "$(state_of 1)" = FAIL ]'
test_expect_success "... and the loop stopped there: two values reported" '[ "$(steps_of 1)" = 2 ]'
bash run.sh "$TMP/s.db" 2 empty >o2 2>e2
test_expect_success "a trainer that prints no value (prune-check: exit 2): FAIL" '
  cat e2 >&2; [ "$(state_of 2)" = FAIL ] && [ "$(steps_of 2)" = 1 ]'
bash run.sh "$TMP/s.db" 1 word >o3 2>e3
test_expect_success "a trainer that prints no number (prune-check: exit 2): FAIL" '
  cat e3 >&2; [ "$(state_of 3)" = FAIL ] && [ "$(steps_of 3)" = 0 ]'
test_expect_success "no trial is left RUNNING" '[ "$(sqlite3 s.db "SELECT count(*) FROM trials WHERE state = '\''RUNNING'\''")" = 0 ]'
