#!/usr/bin/env bash
# Two studies whose trials start at once in one checkpoint folder both passed the look at whose
# it is (trainer_ckpt_dir_check: no best.ckpt, no trial-0.ckpt, no claim yet) before either wrote
# anything: a look, then writes later, the claim (.study.json) among them, renamed into place,
# the last one winning. Both trained, both wrote trial-0.ckpt; the first to finish copied that
# file, maybe the other study's weights, to best.ckpt as its own best. The claim is now linked
# into place only where there is none (ws_atomic_commit_new): the later trial finds the earlier's
# and is refused before training (exit 2, the trial FAIL). An LD_PRELOAD shim makes the claim's
# write (a temporary: its fchmod) take a second, so that both trials meet there.
# runner: waits (trials started at once, waited for)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
slow_fchmod_shim "two studies' trials starting at once in one folder" || exit 0
make_tone_cache tones
tone_study_config c.json
jq '.study = "sa" | del(.constraints) | .budget.epochs = 1' c.json >sa.json
jq '.study = "sb" | del(.constraints) | .budget.epochs = 1' c.json >sb.json
asan=$(asan_lib train-trial)
mkdir sh
suggest --db sh/a.db --config sa.json >a.l0
suggest --db sh/b.db --config sb.json >b.l0
# both started together, each slowed at its first temporary
for s in a b; do
  LD_PRELOAD="$asan${asan:+ }$PWD/slow.so" timeout 120 "$WS_BIN/train-trial" --db sh/$s.db --features tones.feat \
    --threads 1 --quiet $s.l0 >$s.out 2>$s.err &
  eval "pid_$s=\$!"
done
wait "$pid_a"; echo $? >a.rc
wait "$pid_b"; echo $? >b.rc
won=$(grep -l '^0$' a.rc b.rc | head -1); won=${won%.rc}
lost=$([ "$won" = a ] && echo b || echo a)
test_expect_success "two studies' trials 0 at once in one folder: one trains, the other is refused (exit 2)" '
  [ "$(cat a.rc b.rc | sort | tr "\n" " ")" = "0 2 " ]'
test_expect_success "... the refused one naming the claim and both studies" \
  'grep -qF "train-trial: sh/.study.json: the folder holds the checkpoints of study '"'"'s$won'"'"' of $TMP/sh/$won.db" $lost.err'
test_expect_success "... its trial FAIL, nothing of it in the folder" '
  [ "$(sqlite3 sh/$lost.db "SELECT state FROM trials WHERE number = 0")" = FAIL ] && jq -e ".study == \"s$won\"" sh/.study.json'
test_expect_success "... trial-0.ckpt and best.ckpt the weights of the study that trained" '
  train-trial --evaluate sh/trial-0.ckpt --features tones.feat >ev && jq -e ".trial.study == \"s$won\"" ev &&
  cmp sh/best.ckpt sh/trial-0.ckpt && [ "$(sqlite3 sh/$won.db "SELECT state FROM trials WHERE number = 0")" = COMPLETE ]'
