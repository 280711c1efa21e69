#!/usr/bin/env bash
# suggest(1)'s EXAMPLES run as written (taken from the man page; configs/ is the checkout's). The
# staged one, stage 1's best fixed into stage 2 in the same study file, is run twice, as a user
# runs it again for more stage-2 trials: the first run puts stage 2's study in the file, and a
# report --best without --study then refused it ("holds several studies", exit 2), having
# emptied best.json, so that suggest failed on it too.
. "$WS_ROOT/tests/cli/lib.sh"
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/{s/\\-/-/g;p}' "$WS_ROOT/share/man/man1/suggest.1" | grep '^[a-z]' |
  sed "s|configs/|$WS_ROOT/configs/|g" >examples
test_expect_success "suggest(1) holds its examples: --n 4, then report --best and suggest --fixed" '
  [ "$(wc -l <examples)" = 3 ] && sed -n 2p examples | grep -q -- "--best" && sed -n 3p examples | grep -q -- "--fixed best.json"'
test_expect_success "suggest --n 4 | jq .params: four trials' params" '
  bash -o pipefail -c "$(sed -n 1p examples)" >got && [ "$(jq -s length got)" = 4 ] &&
  [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 4 ]'
# study.db: stage 1 (kws-staged-1) with a feasible COMPLETE trial
suggest --db study.db --config "$WS_ROOT/configs/studies/kws-staged-1.json" >/dev/null
tell --db study.db --study kws-staged-1 --trial 0 --state complete --value 0.9 --constraint -0.01 >/dev/null
lr=$("$PY" -c "import sqlite3; print(repr(sqlite3.connect('study.db').execute(\"SELECT param_value FROM trial_params WHERE param_name = 'learning_rate'\").fetchone()[0]))")
# same_lr FILE: FILE's trial line holds the learning rate lr, as a double
same_lr() { "$PY" -c "import json, sys; sys.exit(json.load(open(sys.argv[1]))['params']['learning_rate'] != float(sys.argv[2]))" "$1" "$lr"; }
test_expect_success "the staged example: stage 2's trial gets stage 1's best learning rate" '
  bash -e -o pipefail -c "$(sed -n 2,3p examples)" >got &&
  [ "$(jq -r .study got)" = kws-staged-2 ] && same_lr got'
test_expect_success "... and run again, stage 2's second trial too" '
  bash -e -o pipefail -c "$(sed -n 2,3p examples)" >got &&
  [ "$(jq -r "[.study, .trial] | @tsv" got)" = "kws-staged-2	1" ] && same_lr got'
