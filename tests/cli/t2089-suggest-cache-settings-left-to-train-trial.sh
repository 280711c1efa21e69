#!/usr/bin/env bash
# What suggest cannot check of a study's fixed settings, the docs say is left to train-trial.
# train-trial(1) said "suggest refuses a study config whose fixed setting or searched range end
# is outside" the values train-trial takes, and suggest(1) that it checks the fixed settings "as
# train-trial does", yet suggest reads no cache and no features file: a positive that is none of
# the cache's classes, class_weights of another count than its classes, an n_mfcc above its n_mels
# and a features file that cannot be read are taken by suggest (exit 0), and train-trial refuses
# every trial of such a study (exit 2, naming the setting). The pages now say so.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json

n=0
for fixed in '{"positive": "zzz"}' '{"class_weights": [1, 2]}' '{"transform": "mfcc", "n_mfcc": 41}' '{"features": "no-such-settings.json"}'; do
  n=$((n + 1))
  key=$(jq -r 'keys_unsorted | last' <<<"$fixed")
  jq --argjson f "$fixed" '.fixed += $f' c.json >c$n.json
  test_expect_code 0 "suggest takes fixed $fixed (no cache to check it on)" suggest --db s$n.db --config c$n.json
  cp out line$n
  test_expect_code 2 "... train-trial refuses its trial" train-trial --db s$n.db --features tones.feat --threads 1 --quiet line$n
  test_expect_success "... naming fixed.$key" 'grep -q "study config: fixed\.$key: " err'
done

# the pages, as words on one line
words() { sed 's/\\f.//g; s/\\-/-/g; s/\\(em/-/g' "$WS_ROOT/share/man/man1/$1.1" | grep -v '^\.' | tr '\n' ' ' | tr -s ' '; }
words train-trial >tt.txt
words suggest >sg.txt
test_expect_success "train-trial(1) says which settings suggest leaves to train-trial" '
  grep -qF "but for what only the cache or the features file tells (a positive that is none of the cache'"'"'s classes, class_weights of another count, an n_mfcc above its n_mels, a features file that cannot be read), which train-trial refuses at the first trial (exit 2)" tt.txt'
test_expect_success "suggest(1) says so too" '
  grep -qF "suggest reads no cache and no features file: a positive that is none of the cache'"'"'s classes, class_weights of another count, an n_mfcc above its n_mels and a features file that cannot be read are found by train-trial, which refuses the first trial (exit 2)" sg.txt'
