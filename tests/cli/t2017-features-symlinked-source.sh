#!/usr/bin/env bash
# make features with DATA or FEATURE_CONFIG a symbolic link (data/current -> data/v1, as datasets
# are often kept) that was pointed at another corpus or settings file after the cache was made:
# make noted the link's own path as the cache's source, the same before and after, and judged the
# files by their targets' time stamps, older than the cache, so it kept the cache of the old
# corpus or settings. The source noted is the path with its links resolved.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache a
TONE_SEED=11 make_tone_cache b
rm -f b/yes/clip0.wav b/yes/clip1.wav    # b: 2 clips fewer than a
echo '{"n_mels": 40}' >mel40.json
echo '{"n_mels": 32}' >mel32.json
sleep 0.05
feats() { ws_make features DATA="$TMP/$1" FEATURES="$TMP/x.feat" FEATURE_CONFIG="$TMP/$2"; }
clips() { featurize --describe x.feat | jq .clips; }

ln -s a cur
ln -s mel40.json f.json
test_expect_code 0 "make features through a link to corpus a" feats cur f.json
test_expect_success "... its 48 clips" '[ "$(clips)" = 48 ]'
test_expect_success "the link pointed at corpus b (older than the cache): made again, b's 46 clips" '
  ln -sfn b cur && feats cur f.json && [ "$(clips)" = 46 ]'
test_expect_success "the settings link pointed at other settings (older than the cache): made again, 32 mels" '
  ln -sfn mel32.json f.json && feats cur f.json && [ "$(featurize --describe x.feat | jq .mels)" = 32 ]'
test_expect_success "... and then, unchanged: not made again" '
  cp -p x.feat x.before && feats cur f.json >again.out 2>&1 && cmp -s x.feat x.before && ! grep -q "\"cache\"" again.out'
