#!/usr/bin/env bash
# Whether a manifest corpus changed since its cache was made (pipelines/corpus-changed.sh, which
# make features asks) must not depend on the user's locale. It looks at each folder that holds a
# listed clip (a clip removed from it changes the folder, not any file left to look at), and
# listed the folders once each with sort -zu: in a UTF-8 locale such as de_DE.UTF-8, sort
# collates names made of characters the locale does not order (private-use or unassigned code
# points, bytes that are not UTF-8) as equal, and -u kept one folder of them, so a clip removed
# from the others went unseen and make kept the old cache. The folders are listed under the C
# locale now, byte by byte.
. "$WS_ROOT/tests/cli/lib.sh"
changed=$WS_ROOT/pipelines/corpus-changed.sh
# (it prints the first path that changed, and exits 124 then: xargs's status for a find that
# found one; make reads what it prints)
# the two folders: U+E000 and U+E001 (private use), which de_DE.UTF-8 collates as equal
a=$'\xee\x80\x80' b=$'\xee\x80\x81'
mkdir -p "c/$a" "c/$b"
: >"c/$a/one.wav"; : >"c/$b/two.wav"; echo '{}' >conf.json
printf '{"path":"%s/one.wav","label":"x"}\n{"path":"%s/two.wav","label":"y"}\n' "$a" "$b" >c/m.jsonl
sleep 0.05; : >cache.feat; sleep 0.05
rm "c/$b/two.wav"
test_expect_success "C locale: a clip removed from a listed folder is a change" '
  LC_ALL=C bash "$changed" cache.feat c/m.jsonl conf.json >o; [ -s o ]'
# a German locale, made here when the system has none (localedef and its sources, Debian's
# locales package, which make deps installs)
if LC_ALL=de_DE.UTF-8 locale 2>&1 | grep -q 'Cannot set'; then
  if command -v localedef >/dev/null && [ -e /usr/share/i18n/locales/de_DE ] &&
     mkdir -p "$TMP/loc" && localedef -i de_DE -f UTF-8 "$TMP/loc/de_DE.UTF-8" >/dev/null 2>&1; then
    export LOCPATH=$TMP/loc
  else
    test_skip "de_DE.UTF-8: the same" "no de_DE.UTF-8 locale and none could be made (localedef, /usr/share/i18n/locales/de_DE)"
    exit 0
  fi
fi
test_expect_success "de_DE.UTF-8 (it collates the two folder names as equal)" '
  [ "$(printf "%s\0%s\0" "$a" "$b" | LC_ALL=de_DE.UTF-8 sort -zu | tr -cd "\0" | wc -c)" = 1 ]'
test_expect_success "de_DE.UTF-8: the same clip removed is a change too" '
  LC_ALL=de_DE.UTF-8 bash "$changed" cache.feat c/m.jsonl conf.json >o; [ -s o ] && grep -q "$b" o'
