#!/usr/bin/env bash
# A study made anew takes its folder over, removing the old study's checkpoints (t0922): each
# trial-N.ckpt and best.ckpt whose header names the study. Its header was read through the path,
# then the path removed: a file put in its place between the two (a FIFO, another program's file)
# was removed as the old study's checkpoint. Now what is removed is what was read (opened once,
# O_NONBLOCK, its header read from that descriptor; moved aside, looked at, removed or put back:
# ws_atomic_remove_same). An LD_PRELOAD shim puts the file named by WS_SWAP_IN in place of the
# checkpoint named by WS_SWAP_AT just before train-trial's unlink() or rename() of it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
swap_in_shim "a checkpoint swapped as a takeover removes it" || exit 0
asan=$(asan_lib train-trial)
make_tone_cache tones
tone_study_config c.json
jq 'del(.constraints) | .budget.epochs = 1' c.json >s.json
jq '.sampler.seed = 3' s.json >s3.json
uid_of() { sqlite3 "$1" "SELECT json_extract(value_json, '$') FROM study_system_attributes WHERE key = 'wakesweep:uid'"; }
# old_study DIR: study 'tones' at DIR/s.db, its trials 0 and 1 kept in DIR (trial-0.ckpt,
# trial-1.ckpt, best.ckpt, its claim), then its study file removed; the new study made there
old_study() {
  mkdir "$1"
  suggest --db "$1/s.db" --config s.json >"$1.l0" && train-trial --db "$1/s.db" --features tones.feat --threads 1 --quiet "$1.l0" >/dev/null 2>&1
  suggest --db "$1/s.db" --config s.json >"$1.l1" && train-trial --db "$1/s.db" --features tones.feat --threads 1 --quiet "$1.l1" >/dev/null 2>&1
  rm -f "$1"/s.db "$1"/s.db-wal "$1"/s.db-shm
  suggest --db "$1/s.db" --config s3.json >"$1.new"
}
swapped() {
  local at=$1; shift
  env LD_PRELOAD="$asan${asan:+ }$PWD/swap.so" WS_SWAP_IN="$PWD/in" WS_SWAP_AT="$at" timeout 60 \
    "$WS_BIN/train-trial" --features tones.feat --threads 1 "$@"
}

# a FIFO put in place of the old study's trial-1.ckpt as the takeover removes it
old_study f
mkfifo in
test_expect_code 0 "a FIFO put in place of the old study's trial-1.ckpt as the takeover removes it: the trial" \
  swapped trial-1.ckpt --db f/s.db f.new
test_expect_success "... takes the folder over, completes" \
  'jq -e ".state == \"COMPLETE\"" out && jq -e --arg u "$(uid_of f/s.db)" ".uid == \$u" f/.study.json'
test_expect_success "... the FIFO is left where it was put, the old study's other checkpoints removed" \
  '[ -p f/trial-1.ckpt ] && [ ! -e in ] && grep -q "taken over from the study .tones.* 2 of its checkpoints removed" err'
test_expect_success "... nothing else left in the folder" '! ls -A f | grep -q "\.tmp\."'

# another program's file put in place of the old study's best.ckpt (a checkpoint of another
# study: written over by no trial of this one) as the takeover removes it
old_study o
ckpt_edit o/trial-0.ckpt in 'h["trial"]["study"] = "other"; h["trial"]["number"] = 9'
cp in in.copy
test_expect_code 0 "another study's checkpoint put in place of the old best.ckpt as the takeover removes it: the trial" \
  swapped best.ckpt --quiet --db o/s.db o.new
test_expect_success "... leaves that file as it is" 'cmp o/best.ckpt in.copy && [ ! -e in ]'
