#!/usr/bin/env bash
# train-trial --grow-threads: a trial takes more threads while no other trial of its study is
# RUNNING or WAITING (the end of a sweep), and goes back when one is. Its work is split the
# --grow-threads ways throughout, so it trains the same bits as --threads N, grown or not, and
# whenever it grew. The study's "seconds" say to how many threads and for how long. SQLite
# studies; PostgreSQL ones under make check-cluster (tests/cluster/db.sh).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
. "$WS_ROOT/tests/cluster/db.sh"
make_tone_cache tones
tone_study_config tones.json
# a model and batch large enough that every operation splits (the unit test test_nn_train checks
# the bits op by op), and epochs enough for seconds of training on one thread: a trial alone
# grows after three asks of its watch, 1 to 1.5 s in
jq '.budget.epochs = 150 | .fixed.channels = 64 | .fixed.blocks = 2 | .fixed.batch_size = 32 | .fixed.dropout = 0.1' \
  tones.json >g.json
# The trials that never grow (another trial RUNNING or WAITING throughout, or nothing to grow
# to) train a third as long, against a two-thread trial of their own length: still seconds, a
# trial alone grows within 1.5 s, and the same bits as two threads at every epoch either way.
# Those that grow, and when, keep the long training.
jq '.budget.epochs = 50' g.json >s.json

# new NAME [CONFIG]: a new study database (its URL in NAME.url) with one trial line NAME.line
# (the same params in every study of a config: seeded), of g.json or CONFIG; db NAME: its URL
new() { db_new "$1" >"$1.url" && suggest --db "$(db "$1")" --config "${2:-g.json}" >"$1.line"; }
db() { cat "$1.url"; }
# train NAME ARGS...: trains NAME.line into NAME.result with ARGS
train() {
  local n=$1; shift
  train-trial --db "$(db "$n")" --features tones.feat --quiet --keep none "$@" "$n.line" >"$n.result"
}
# secs NAME KEY: the trial's "seconds" KEY as the study holds it (null when absent); never_grew NAME
secs() { dbq "$(db "$1")" "SELECT value_json FROM trial_user_attributes WHERE key = 'seconds'" | jq ".$2"; }
never_grew() { [ "$(secs "$1" grow_threads)" = 2 ] && jq -e -n "$(secs "$1" grown) == 0" >/dev/null; }
# steps NAME: "STEP VALUE" per intermediate value, every digit of the double
steps() {
  case $(db "$1") in
    postgresql://*) dbq "$(db "$1")" "SELECT step || ' ' || intermediate_value FROM trial_intermediate_values ORDER BY step" ;;
    *) study_steps "$(db "$1")" ;;
  esac
}
# same A B: the two trials' result lines (but their seconds) and every intermediate value agree
same() {
  [ "$(jq -c 'del(.seconds)' "$1.result")" = "$(jq -c 'del(.seconds)' "$2.result")" ] &&
    [ "$(steps "$1")" = "$(steps "$2")" ] && [ -n "$(steps "$1")" ]
}

test_expect_success "two threads: trains" '
  new two && train two --threads 2 && [ "$(secs two grow_threads)" = null ] &&
  new twos s.json && train twos --threads 2 && [ "$(secs twos grow_threads)" = null ]'

test_expect_success "one thread, growing to two, alone in its study: trains" 'new alone && train alone --threads 1 --grow-threads 2'
test_expect_success "... grew to two threads for part of its training" '
  [ "$(secs alone grow_threads)" = 2 ] && jq -e --argjson g "$(secs alone grown)" --argjson t "$(secs alone total)" -n "\$g > 0 and \$g < \$t"'
test_expect_success "... the same result and values as two threads throughout" 'same alone two'

test_expect_success "with another trial RUNNING throughout: trains" '
  new peer s.json && suggest --db "$(db peer)" --config s.json >peer.other && train peer --threads 1 --grow-threads 2'
test_expect_success "... never grew" 'never_grew peer'
test_expect_success "... the same result and values as two threads" 'same peer twos'

test_expect_success "with another trial WAITING: never grew" '
  new waiting s.json && jq -c .params waiting.line >queued.jsonl &&
  suggest --db "$(db waiting)" --config s.json --enqueue queued.jsonl >/dev/null && train waiting --threads 1 --grow-threads 2 &&
  never_grew waiting && same waiting twos'

# The other trial ends while this one trains (once it has validated twice): it grows from two
# asks after that on, mid-training, and never before.
test_expect_success "another trial that ends midway: trains" '
  new mid && suggest --db "$(db mid)" --config g.json >mid.other &&
  { train mid --threads 1 --grow-threads 2 & } &&
  until [ "$(dbq "$(db mid)" "SELECT count(*) FROM trial_intermediate_values")" -ge 2 ] || ! kill -0 $! 2>/dev/null; do
    sleep 0.1; done &&
  tell --db "$(db mid)" --study tones --trial "$(jq .trial mid.other)" --state fail >/dev/null && wait'
test_expect_success "... grew after it ended, not before" '
  g=$(secs mid grown) t=$(secs mid total) && jq -e -n "$g > 0 and $g < $t - 0.5"'
test_expect_success "... the same result and values as two threads" 'same mid two'

test_expect_success "--grow-threads equal to --threads: trains, nothing to grow" '
  new flat s.json && train flat --threads 2 --grow-threads 2 && [ "$(secs flat grow_threads)" = null ] && same flat twos'

new bad
test_expect_code 2 "--grow-threads below --threads: refused" \
  train-trial --db "$(db bad)" --features tones.feat --threads 2 --grow-threads 1 bad.line
test_expect_success "... saying why" 'grep -q -- "--grow-threads: expected at least the trial.s threads (2), got 1" err'
test_expect_code 2 "--grow-threads 0: refused" train-trial --db "$(db bad)" --features tones.feat --grow-threads 0 bad.line
test_expect_success "... the trial still RUNNING (a usage error trains nothing)" '
  [ "$(dbq "$(db bad)" "SELECT state FROM trials")" = RUNNING ]'
