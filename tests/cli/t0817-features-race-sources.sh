#!/usr/bin/env bash
# Two makes writing one FEATURES from two corpora at once (make features DATA=a and DATA=b, the
# same FEATURES): each renamed its cache into place and then wrote the cache's source beside it,
# so the last cache could be b's while the source noted was a's, and a later make with DATA=a
# kept b's cache as a's. The cache and its source are written under a lock of the cache's own.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache a
TONE_SEED=3 make_tone_cache b
fm() { make -s -C "$WS_ROOT" features BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/$1" FEATURES="$TMP/x.feat" >"fm-$1.out" 2>"fm-$1.err"; }
races() {
  local i bad=0 s c
  for i in $(seq 16); do
    rm -f x.feat .x.feat.source
    fm a & fm b &
    wait %1 || bad=$((bad + 1)); wait %2 || bad=$((bad + 1))
    s=$(head -n 1 .x.feat.source) c=$(featurize --describe x.feat | jq -r .source)
    [ "$s" = "$c" ] || { echo "round $i: the source noted is $s, the cache's $c" >&2; bad=$((bad + 1)); }
  done
  return "$bad"
}
test_expect_success "16 rounds of two makes writing one cache from two corpora: the source noted is always the cache's" races
test_expect_success "make features shows the featurize command it runs, as for any recipe" '
  rm -f x.feat && make -C "$WS_ROOT" features BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/a" FEATURES="$TMP/x.feat" >loud.out 2>&1 &&
  grep -q "featurize --config .* --out .*x.feat" loud.out'
test_expect_success "... make -s does not" 'rm -f x.feat && fm a && ! grep -q "featurize --config" fm-a.out && grep -q "\"cache\"" fm-a.out'
