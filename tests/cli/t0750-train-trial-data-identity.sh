#!/usr/bin/env bash
# A study's trials must have trained on the same data, else their values do not compare (TPE and
# the pruners compare them). A corpus changed between two sweeps (one clip overwritten: make
# featurizes it again, as it should) had the second sweep's trial train on the new cache in the
# same study, exit 0; so did train-trial --features other.feat by hand. Now the study records the
# data its first trial trained on (wakesweep:data, the cache's data hash: of the clips' features,
# labels and splits, not of its paths) and train-trial refuses a cache of other data: exit 2, the
# trial FAIL, the message naming the study, both hashes and what to do. The same corpus featurized
# again elsewhere (another path, threads: a cache of another checksum) is the same data;
# --evaluate is not concerned; a study without the attribute (an older one) takes the first cache.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones

# --- the sweep: a clip overwritten between two sweeps of one study
tone_sweep_config c.json tones-data 1
test_expect_code 0 "make -j2 sweep of 1 trial" tone_sweep r TRIALS=1
sleep 1
cp tones/yes/clip0.wav tones/yes/clip1.wav   # the same size: the inputs hash cannot tell
test_expect_code 2 "the corpus changed, make sweep TRIALS=2 again: exit 2 (train-trial refuses the new cache)" \
  tone_sweep r TRIALS=2
test_expect_success "... it says why, naming the study and what to do" '
  grep -q "tones-data" err && grep -q "data differ" err && grep -q "new study" err'
# a featurize that computes features otherwise (resampling changed on 2026-12-06) changes the
# data hash of an unchanged corpus: the message names that cause too, and where it is written
test_expect_success "... naming a featurize that computes features otherwise too (featurize(1), HISTORY)" '
  grep -q "a featurize that computes features otherwise made it (featurize(1), HISTORY)" err &&
  grep -q "^\.SH HISTORY" "$WS_ROOT/share/man/man1/featurize.1"'
# (trial 2: trial 1's params queued again, as for every trial train-trial refuses: it never ran)
test_expect_success "... trial 0 COMPLETE, trial 1 FAIL with that reason, its params WAITING as trial 2" '
  [ "$(sqlite3 r/study.db "SELECT group_concat(state, \" \") FROM (SELECT state FROM trials ORDER BY number)")" = "COMPLETE FAIL WAITING" ] &&
  sqlite3 r/study.db "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id)
                      WHERE t.number = 1 AND a.key = '"'wakesweep:reason'"'" | grep -q "data differ"'

# --- the tools: the original corpus again (tones.feat is the changed one now)
TONE_SEED=7 make_tone_cache base   # the same draw as the original tones: base.feat is its data
(cd base && featurize --quiet --threads 1 --out ../base-again.feat "$PWD/manifest.jsonl" >/dev/null 2>&1)
mv tones.feat other.feat
tone_study_config c2.json
jq '.budget.epochs = 1' c2.json >one.json
mkdir -p s
suggest --db s/s.db --config one.json --n 3 >lines
sed -n 1p lines >l0; sed -n 2p lines >l1; sed -n 3p lines >l2
test_expect_success "(the caches: base-again.feat of the same clips by another path and threads has another checksum; other.feat other data)" '
  [ "$(featurize --describe base.feat | jq -r .checksum)" != "$(featurize --describe base-again.feat | jq -r .checksum)" ] &&
  for i in 0 13 47; do
    featurize --dump base.feat --clip $i >a.j && featurize --dump base-again.feat --clip $i >b.j && cmp -s a.j b.j || exit 1
  done &&
  featurize --dump base.feat --clip 13 >a.j && featurize --dump other.feat --clip 13 >b.j && ! cmp -s a.j b.j'
test_expect_code 0 "a fresh study trains on base.feat" train-trial --db s/s.db --features base.feat --threads 1 --quiet l0
test_expect_success "... and records its data (wakesweep:data)" '
  [ "$(sqlite3 s/s.db "SELECT count(*) FROM study_system_attributes WHERE key = '"'wakesweep:data'"'")" = 1 ]'
test_expect_code 0 "the same data featurized by another path and thread count: taken" \
  train-trial --db s/s.db --features base-again.feat --threads 1 --quiet l1
test_expect_code 2 "a cache of other data (one clip changed): exit 2" \
  train-trial --db s/s.db --features other.feat --threads 1 --quiet l2
test_expect_success "... naming the study, both caches' data and what to do" '
  grep -q "study '"'tones'"'" err && grep -q "other.feat" err && grep -q "base.feat" err &&
  grep -q "$(featurize --describe other.feat | jq -r .data_hash)" err &&
  grep -q "$(featurize --describe base.feat | jq -r .data_hash)" err && grep -q "new study" err'
test_expect_success "... the trial FAIL, the study still recording the data of base.feat" '
  [ "$(sqlite3 s/s.db "SELECT state FROM trials WHERE number = 2")" = FAIL ] &&
  sqlite3 s/s.db "SELECT value_json FROM study_system_attributes WHERE key = '"'wakesweep:data'"'" |
    grep -q "$(featurize --describe base.feat | jq -r .data_hash)"'
test_expect_code 0 "--evaluate on other data is not concerned" \
  train-trial --evaluate s/best.ckpt --features other.feat --split validation

# --- a study without the attribute (made before it was kept) takes the first cache it sees
suggest --db s/s.db --config one.json --n 1 >l3
sqlite3 s/s.db "DELETE FROM study_system_attributes WHERE key = 'wakesweep:data'"
test_expect_code 0 "a study without wakesweep:data takes other.feat" \
  train-trial --db s/s.db --features other.feat --threads 1 --quiet l3
test_expect_success "... and records it" '
  sqlite3 s/s.db "SELECT value_json FROM study_system_attributes WHERE key = '"'wakesweep:data'"'" |
    grep -q "$(featurize --describe other.feat | jq -r .data_hash)"'

# --- two first trials of a fresh study at once, on other data each: one trains, one is refused
mkdir -p p
suggest --db p/s.db --config one.json --n 2 >plines
sed -n 1p plines >p0; sed -n 2p plines >p1
train-trial --db p/s.db --features base.feat --threads 1 --quiet p0 >p0.out 2>p0.err & a=$!
train-trial --db p/s.db --features other.feat --threads 1 --quiet p1 >p1.out 2>p1.err & b=$!
ra=0 rb=0; wait $a || ra=$?; wait $b || rb=$?
test_expect_success "two first trials at once on other data: one exits 0, the other 2" '
  [ "$(printf "%s\n" $ra $rb | sort | tr "\n" " ")" = "0 2 " ]'
test_expect_success "... the study records the data of the one that trained, which is COMPLETE; the other FAIL" '
  if [ $ra = 0 ]; then ok=base n=0; else ok=other n=1; fi &&
  sqlite3 p/s.db "SELECT value_json FROM study_system_attributes WHERE key = '"'wakesweep:data'"'" |
    grep -q "$(featurize --describe $ok.feat | jq -r .data_hash)" &&
  [ "$(sqlite3 p/s.db "SELECT state FROM trials WHERE number = $n")" = COMPLETE ] &&
  [ "$(sqlite3 p/s.db "SELECT state FROM trials WHERE number = 1 - $n")" = FAIL ]'
