#!/usr/bin/env bash
# make sweep with a CONFIG whose space lists the kept config's parameters in another order:
# suggest refuses it (t0983: the order they are drawn in), but the check before the sweep
# (check-vars.sh's kept) compared the two with jq's ==, which takes objects whatever their keys'
# order, found them the same and let the sweep start, to be refused in each job slot's first
# trial, after the features were made. Now the space's order is compared too, and the refusal
# comes when make reads the makefiles (exit 2), with suggest's difference.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c0.json sm 1
jq '.space.dropout = {"type": "float", "low": 0.0, "high": 0.3}' c0.json >c.json
jq '.space |= {dropout, learning_rate}' c.json >reordered.json
mkdir m
suggest --db m/study.db --config c.json --n 0 >/dev/null
test_expect_code 2 "the reference: suggest refuses the space in another order" \
  suggest --db m/study.db --config reordered.json --n 0
test_expect_code 0 "make -n sweep with the kept config goes" tone_sweep m -n TRIALS=1
test_expect_code 2 "make -n sweep with its space in another order is refused" tone_sweep m -n TRIALS=1 CONFIG="$TMP/reordered.json"
test_expect_success "... naming CONFIG, the study, DB, both orders and what to give" '
  grep -qF "CONFIG: '\''$TMP/reordered.json'\'': study '\''sm'\'' in DB '\''$TMP/m/study.db'\'' keeps another config: space lists its parameters in another order: [\"dropout\",\"learning_rate\"] in $TMP/reordered.json, [\"learning_rate\",\"dropout\"] in the config the study keeps" err &&
  grep -qF "give the config the study was made with, another STUDY (a study of its own), or SUGGEST_ARGS=--force to replace the kept one" err &&
  [ ! -e m/trial-000.json ]'
test_expect_code 0 "... and goes with SUGGEST_ARGS=--force" tone_sweep m -n TRIALS=1 CONFIG="$TMP/reordered.json" SUGGEST_ARGS=--force
