#!/usr/bin/env bash
# train-trial --result-of of a trial that tell finished (trained elsewhere, or not at all) printed
# "epochs":0,"best_epoch":0, as of a trial that trained no epoch, when the study holds nothing on
# how long it trained: they are null then, as "seconds" is. With intermediate values reported
# (prune-check --step), those steps are what it knows: the last and the best.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json   # maximize, one validation per epoch
suggest --db s.db --config c.json --tag told >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.8 >/dev/null
test_expect_code 0 "--result-of a trial tell finished, no intermediate values" train-trial --db s.db --result-of told
test_expect_success "... epochs, best_epoch and seconds are null" \
  'jq -e ".epochs == null and .best_epoch == null and .seconds == null and .value == 0.8" out'
suggest --db s.db --config c.json --tag steps >/dev/null
for sv in 1:0.5 2:0.9 3:0.7; do prune-check --db s.db --study kws --trial 1 --step "${sv%:*}" --value "${sv#*:}" >/dev/null; done
tell --db s.db --study kws --trial 1 --state complete --value 0.9 >/dev/null
test_expect_code 0 "--result-of a trial tell finished after steps 1-3 (best 0.9 at 2)" train-trial --db s.db --result-of steps
test_expect_success "... epochs 3, best_epoch 2, seconds null" 'jq -e ".epochs == 3 and .best_epoch == 2 and .seconds == null" out'
suggest --db s.db --config c.json --tag failed >/dev/null
tell --db s.db --study kws --trial 2 --state fail >/dev/null
test_expect_code 0 "--result-of a trial tell failed" train-trial --db s.db --result-of failed
test_expect_success "... epochs and best_epoch null" 'jq -e ".state == \"FAIL\" and .epochs == null and .best_epoch == null" out'
test_expect_success "train-trial(1) says so" \
  'tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" | sed "s/\\\\f.//g" | grep -qF "epochs and best_epoch are null"'
