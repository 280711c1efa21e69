#!/usr/bin/env bash
# train-trial short of memory: under an address-space limit (`ulimit -v`, as batch systems set
# it) every run ends, whatever the limit: COMPLETE, or FAIL with reason "oom" and exit 0, and a
# result line; the trial is never left RUNNING. OpenBLAS retries a failed mmap of its work buffers
# forever, so before train-trial mapped them up front (nn_reserve_blas) some limits hung it
# mid-epoch, the first time two GEMMs ran at once, while the heartbeat kept the trial alive.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
can_limit_address_space "train-trial under ulimit -v" train-trial || exit 0
make_tone_cache tones
tone_study_config c0.json
# Wide enough that both threads run GEMMs at once (the pool splits only sizeable ones).
jq '.budget.epochs = 1 | .fixed += {"channels": 64, "blocks": 2, "batch_size": 32}' c0.json >c.json
mkdir runs
hung= bad= n=0 oom=0 complete=0
for kb in $(seq 160000 40000 1000000); do
  suggest --db runs/s.db --config c.json >line
  ( ulimit -v "$kb"; exec timeout 60 "$WS_BIN/train-trial" --db runs/s.db --features tones.feat --threads 2 --quiet line ) >res 2>err
  rc=$?
  n=$((n + 1))
  if [ "$rc" = 124 ]; then hung="$hung $kb"; continue; fi
  state=$(jq -r .state res 2>/dev/null)
  if [ "$rc" = 0 ] && [ "$state" = COMPLETE ]; then complete=$((complete + 1))
  elif [ "$rc" = 0 ] && [ "$state" = FAIL ] && [ "$(jq -r .reason res)" = oom ]; then oom=$((oom + 1))
  else bad="$bad $kb(rc=$rc,state=$state:$(head -c 200 err))"; fi
done
test_expect_success "no limit hangs it ($n limits from 160 MB to 1 GB)" '[ -z "$hung" ] || { echo "hung at:$hung KB" >&2; false; }'
test_expect_success "each run COMPLETE, or FAIL oom with exit 0 and a result line" '[ -z "$bad" ] || { echo "$bad" >&2; false; }'
test_expect_success "the ladder covers both outcomes (oom $oom, complete $complete)" '[ "$oom" -gt 0 ] && [ "$complete" -gt 0 ]'
test_expect_success "no trial left RUNNING, each one's reason recorded" '
  [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trials WHERE state = \"RUNNING\"")" = 0 ] &&
  [ "$(sqlite3 runs/s.db "SELECT count(*) FROM trials t JOIN trial_system_attributes a USING (trial_id)
                          WHERE t.state = \"FAIL\" AND a.key = \"wakesweep:reason\" AND a.value_json LIKE \"%oom%\"")" = "$oom" ]'
# No batch is larger than its split: the CPU path took buffers for the whole batch_size (65536 x
# 101 frames x 40 mels of floats, twice: over 2 GB on the tone cache's 48 clips), so such a trial
# failed "oom" under a limit that trains it easily with a batch of the split's size.
jq '.budget.epochs = 1 | .fixed.batch_size = 65536' c0.json >big.json
suggest --db big.db --config big.json >bigline
test_expect_code 0 "batch_size 65536 on 48 clips under ulimit -v 1.5 GB" \
  bash -c 'ulimit -v 1500000 && exec timeout 60 "$WS_BIN/train-trial" --db big.db --features tones.feat --threads 2 --quiet bigline'
test_expect_success "... COMPLETE, not FAIL oom" '[ -s out ] && jq -e ".state == \"COMPLETE\"" out'
