#!/usr/bin/env bash
# Values each in range but refused together (snr_low above snr_high; nesterov with SGD and a
# momentum of 0) fail a trial as infeasible (train-trial, exit 0), the sweep going on: right for
# ranges that overlap, where some draws train. A space where every draw is refused together was
# taken all the same: snr_low searched in [15, 20] beside snr_high in [5, 10], or nesterov only
# true beside an optimizer only sgd and a fixed momentum of 0, made a study whose every trial
# ended FAIL. suggest now refuses such a config (exit 2, naming the parameters, no study made):
# each together-check is tried at every end and choice of the searched parameters it reads, and
# a config is refused only when every one of those combinations is. Ranges that meet anywhere
# (snr_low's low end at or below snr_high's high end; sgd beside another optimizer; a momentum
# that reaches above 0) are taken.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
mkdir runs
cfg() { jq "$1" c.json; }
refused() {  # NAME FILE MESSAGE
  test_expect_code 2 "$1" suggest --db "runs/$2.db" --config "$2.json"
  test_expect_success "... says why, makes no study, prints no trial" "
    grep -qxF '$3' err && [ ! -s out ] && { [ ! -e runs/$2.db ] || [ \"\$(sqlite3 runs/$2.db 'SELECT count(*) FROM studies')\" = 0 ]; }"
}
taken() {  # NAME FILE
  test_expect_code 0 "$1" suggest --db "runs/$2.db" --config "$2.json"
  test_expect_success "... prints a trial line" 'jq -e ".trial == 0" out'
}

cfg '.space.snr_low = {"type": "float", "low": 15, "high": 20} | .space.snr_high = {"type": "float", "low": 5, "high": 10}' >snr.json
refused "snr_low in [15, 20], snr_high in [5, 10]: snr_low above snr_high at every draw" snr \
  "suggest: snr.json: space.snr_low and space.snr_high: refused together at every end and choice of their ranges (at the first: params.snr_low: 15 is above snr_high 5): train-trial would fail every trial as infeasible"
cfg '.space.snr_low = {"type": "categorical", "choices": [12, 15]} | .space.snr_high = {"type": "int", "low": 0, "high": 11}' >snrc.json
refused "... snr_low choices [12, 15] beside snr_high int [0, 11]" snrc \
  "suggest: snrc.json: space.snr_low and space.snr_high: refused together at every end and choice of their ranges (at the first: params.snr_low: 12 is above snr_high 0): train-trial would fail every trial as infeasible"
cfg '.space.optimizer = {"type": "categorical", "choices": ["sgd"]} | .space.nesterov = {"type": "categorical", "choices": [true]} | .fixed.momentum = 0' >nest.json
refused "nesterov only true beside optimizer only sgd and a fixed momentum of 0" nest \
  "suggest: nest.json: space.optimizer and space.nesterov, with fixed.momentum: refused together at every end and choice of their ranges (at the first: params.nesterov: needs momentum > 0): train-trial would fail every trial as infeasible"
cfg '.space.optimizer = {"type": "categorical", "choices": ["sgd"]} | .fixed.nesterov = true | .space.momentum = {"type": "float", "low": 0, "high": 0}' >mom.json
refused "a momentum searched at 0 only beside optimizer only sgd and a fixed nesterov" mom \
  "suggest: mom.json: space.optimizer and space.momentum, with fixed.nesterov: refused together at every end and choice of their ranges (at the first: fixed.nesterov: needs momentum > 0): train-trial would fail every trial as infeasible"

cfg '.space.snr_low = {"type": "float", "low": 15, "high": 20} | .space.snr_high = {"type": "float", "low": 5, "high": 15}' >meet.json
taken "snr_low in [15, 20], snr_high in [5, 15]: they meet at 15" meet
cfg '.space.optimizer = {"type": "categorical", "choices": ["sgd", "adam"]} | .space.nesterov = {"type": "categorical", "choices": [true]} | .fixed.momentum = 0' >adam.json
taken "nesterov only true beside optimizer sgd or adam and a fixed momentum of 0" adam
cfg '.space.optimizer = {"type": "categorical", "choices": ["sgd"]} | .space.nesterov = {"type": "categorical", "choices": [true]} | .space.momentum = {"type": "float", "low": 0, "high": 0.9}' >momr.json
taken "... beside optimizer sgd only and momentum in [0, 0.9]" momr
cfg '.space.optimizer = {"type": "categorical", "choices": ["sgd", "adam"]} | .space.nesterov = {"type": "categorical", "choices": [true], "when": {"optimizer": ["sgd"]}} | .fixed.momentum = 0' >when.json
taken "... nesterov drawn only for sgd (a condition), optimizer sgd or adam" when
