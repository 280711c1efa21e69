#!/usr/bin/env bash
# make features after the corpus changed: a clip added to, removed from or replaced in a class
# folder of a Speech Commands corpus leaves the top folder's time stamp as it was, and a clip that
# a manifest lists is not the manifest, so make took the old cache as up to date and the sweep
# trained on the old features. Any file of the corpus (and FEATURE_CONFIG) changed since the
# cache was made makes it again; an unchanged corpus does not.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
# A small corpus in the tone fixture's layout (class folders and a manifest of their clips): two
# clips of each class, whose names the cases below use. What is checked is whether the cache is
# made again, and with how many clips: make_tone_cache's 48 clips and its own cache (removed
# here) were most of the file's setup, and every make features read them all again.
mkdir -p tones
: >tones/manifest.jsonl
for cf in hey_nova:0:5:sine:700 yes:0:1:sine:2500 no:0:4:pinknoise: go:0:3:square:220; do
  IFS=: read -r c i j kind freq <<<"$cf"
  mkdir -p "tones/$c"
  sox -R -n -r 16000 -c 1 -b 16 "tones/$c/clip$i.wav" synth 0.4 $kind $freq pad 0.1 vol 0.5
  sox -R -n -r 16000 -c 1 -b 16 "tones/$c/clip$j.wav" synth 0.4 $kind $freq pad 0.3 vol 0.7
  printf '{"path":"%s","label":"%s","split":"train"}\n{"path":"%s","label":"%s","split":"validation"}\n' \
    "$c/clip$i.wav" "$c" "$c/clip$j.wav" "$c" >>tones/manifest.jsonl
done
feats() { ws_make features DATA="$1" FEATURES="$TMP/$2" FEATURE_CONFIG="${3:-$WS_ROOT/configs/features/default.json}"; }
desc() { featurize --describe "$1" | jq -r '"\(.clips) \(.checksum)"'; }
# the changes come a moment after the cache, as they would: a time stamp is as fine as the
# kernel's clock tick
later() { sleep 0.05; }

test_expect_code 0 "a folder corpus: make features" feats "$TMP/tones" sc.feat
test_expect_success "... again, unchanged: not made again" '
  cp -p sc.feat sc.before && later && feats "$TMP/tones" sc.feat >again.out 2>&1 && cmp -s sc.feat sc.before &&
  [ "$(stat -c %Y.%y sc.feat)" = "$(stat -c %Y.%y sc.before)" ] && ! grep -q "\"cache\"" again.out'
test_expect_success "a clip added to a class folder (with an old time stamp, as cp -p or tar leave it): made again" '
  n=$(desc sc.feat | cut -d" " -f1) && later && cp -p tones/yes/clip0.wav tones/yes/extra.wav &&
  feats "$TMP/tones" sc.feat && [ "$(desc sc.feat | cut -d" " -f1)" = $((n + 1)) ]'
test_expect_success "a clip removed from a class folder: made again" '
  n=$(desc sc.feat | cut -d" " -f1) && later && rm tones/yes/extra.wav &&
  feats "$TMP/tones" sc.feat && [ "$(desc sc.feat | cut -d" " -f1)" = $((n - 1)) ]'
test_expect_success "a clip replaced in place: made again" '
  d=$(desc sc.feat) && later && flip_byte tones/go/clip3.wav 2000 &&
  feats "$TMP/tones" sc.feat && [ "$(desc sc.feat)" != "$d" ]'
test_expect_success "a clip edited, its old time stamp put back (touch -r): made again" '
  d=$(desc sc.feat) && cp -p tones/no/clip4.wav stamp.wav && later && flip_byte tones/no/clip4.wav 3000 &&
  touch -r stamp.wav tones/no/clip4.wav && feats "$TMP/tones" sc.feat && [ "$(desc sc.feat)" != "$d" ]'

test_expect_code 0 "a manifest: make features" feats "$TMP/tones/manifest.jsonl" m.feat
test_expect_success "... again, unchanged: not made again" '
  cp -p m.feat m.before && later && feats "$TMP/tones/manifest.jsonl" m.feat >again.out 2>&1 && cmp -s m.feat m.before &&
  ! grep -q "\"cache\"" again.out'
test_expect_success "a clip the manifest lists replaced: made again" '
  d=$(desc m.feat) && later && flip_byte tones/hey_nova/clip5.wav 2500 &&
  feats "$TMP/tones/manifest.jsonl" m.feat && [ "$(desc m.feat)" != "$d" ]'
test_expect_success "a clip the manifest lists removed: made again, without it" '
  n=$(desc m.feat | cut -d" " -f1) && later && rm tones/hey_nova/clip5.wav &&
  feats "$TMP/tones/manifest.jsonl" m.feat 2>rm.err && [ "$(desc m.feat | cut -d" " -f1)" = $((n - 1)) ]'
test_expect_success "FEATURE_CONFIG replaced by an older file of other settings (cp -p): made again" '
  echo "{\"n_mels\": 40}" >f.json && echo "{\"n_mels\": 64}" >f64.json && touch -d "2001-01-01" f64.json &&
  feats "$TMP/tones/manifest.jsonl" mf.feat "$TMP/f.json" && later && cp -p f64.json f.json &&
  feats "$TMP/tones/manifest.jsonl" mf.feat "$TMP/f.json" &&
  [ "$(featurize --describe mf.feat | jq .features.n_mels)" = 64 ]'

# The cache, its noted source and its lock inside the corpus's folder (FEATURES=DATA/x.feat):
# they are not the corpus (featurize skips them), so writing them does not make the cache again.
test_expect_code 0 "a cache inside a folder corpus: make features" feats "$TMP/tones" tones/in.feat
test_expect_success "... again, unchanged: not made again" '
  cp -p tones/in.feat in.before && later && feats "$TMP/tones" tones/in.feat >again-in.out 2>&1 &&
  cmp -s tones/in.feat in.before && ! grep -q "\"cache\"" again-in.out'
test_expect_success "... a clip added then: made again" '
  later && cp -p tones/go/clip0.wav tones/go/extra.wav && feats "$TMP/tones" tones/in.feat >added.out 2>&1 && grep -q "\"cache\"" added.out'
test_expect_code 0 "a cache beside a manifest's clips: make features" feats "$TMP/tones/manifest.jsonl" tones/go/m.feat
test_expect_success "... again, unchanged: not made again" '
  later && feats "$TMP/tones/manifest.jsonl" tones/go/m.feat >again-m.out 2>&1 && ! grep -q "\"cache\"" again.out'
