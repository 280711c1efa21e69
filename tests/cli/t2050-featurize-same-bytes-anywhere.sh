#!/usr/bin/env bash
# featurize(1): "the same inputs and settings give a byte-identical cache whatever the number of
# threads, the working directory, the time zone or the locale", and the header keeps INPUT as
# written, so the same corpus named by another path gives the same features and inputs hash in
# a cache of another checksum (the page said threads only, and nothing of the path).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# settings with fractions, which a locale with a decimal comma would read otherwise
echo '{"clip_seconds": 0.75, "f_min": 20.5, "n_mels": 32}' >set.json
feat() {  # OUT [featurize args...]: a cache of tones/manifest.jsonl, as written, from here
  local out=$1; shift
  featurize -q --config set.json "$@" -o "$out" tones/manifest.jsonl >"$out.json"
}
desc() { featurize --describe "$1" | jq -c "{checksum, inputs_hash, source}"; }
feat one.feat -j 1
test_expect_success "--threads 1 and 3: the same bytes" 'feat three.feat -j 3 && cmp one.feat three.feat'
test_expect_success "another time zone: the same bytes" 'TZ=Pacific/Chatham feat tz.feat -j 2 && cmp one.feat tz.feat'
test_expect_success "from another folder (the config and output named from there): the same bytes" '
  mkdir -p sub && (cd sub && ln -s ../tones tones && featurize -q --config ../set.json -o x.feat tones/manifest.jsonl >/dev/null) &&
  cmp one.feat sub/x.feat'
test_expect_success "the corpus by its absolute path: the same features and inputs hash, the path as source" '
  featurize -q --config set.json -o abs.feat "$TMP/tones/manifest.jsonl" >/dev/null &&
  [ "$(desc abs.feat | jq -r .source)" = "$TMP/tones/manifest.jsonl" ] && [ "$(desc one.feat | jq -r .source)" = tones/manifest.jsonl ] &&
  [ "$(desc abs.feat | jq -r .inputs_hash)" = "$(desc one.feat | jq -r .inputs_hash)" ] &&
  [ "$(desc abs.feat | jq -r .checksum)" != "$(desc one.feat | jq -r .checksum)" ] &&
  for i in 0 17 47; do
    [ "$(featurize --dump abs.feat --clip $i | jq -c .mel_power)" = "$(featurize --dump one.feat --clip $i | jq -c .mel_power)" ] || exit 1
  done'
# A locale with a decimal comma (made here when the system has none, as t2051 does)
if LC_ALL=fr_FR.UTF-8 locale 2>&1 | grep -q 'Cannot set'; then
  if command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/fr_FR ] && mkdir -p "$TMP/loc" &&
     localedef -i fr_FR -f UTF-8 "$TMP/loc/fr_FR.UTF-8" >/dev/null 2>&1; then
    export LOCPATH=$TMP/loc
  else
    test_skip "fr_FR.UTF-8: the same bytes" "no fr_FR.UTF-8 locale and none could be made (localedef, /usr/share/i18n/locales/fr_FR)"
    exit 0
  fi
fi
test_expect_success "LC_ALL=fr_FR.UTF-8 (decimal comma): the same bytes, the summary in JSON's numbers" '
  [ "$(LC_ALL=fr_FR.UTF-8 locale decimal_point)" = , ] && LC_ALL=fr_FR.UTF-8 feat fr.feat -j 1 && cmp one.feat fr.feat &&
  jq -e "(.seconds | type) == \"number\"" fr.feat.json >/dev/null'
