#!/usr/bin/env bash
# Every man page renders without groff warnings on -Tascii too (t0010 checks -Tutf8): man in the
# C locale renders for that device. featurize(1)'s example of class names that fold alike is
# about the letters themselves (É, é, ß, the ligature ﬁ, Turkish dotless ı): groff -Tascii
# dropped É, é and ß with a warning ("CAF and caf", "stra e"), and man's look-alikes (its
# tty-char macros) made the example "CAFE and cafe", "STRASSE and strasse" and "dotless i and I
# are not" (false of i and I). On a device without the letters they are named by code point.
# train-trial(1)'s focal-loss γ was dropped likewise. And -Tutf8 drew \[fi] as the two letters f i.
. "$WS_ROOT/tests/cli/lib.sh"
command -v groff >/dev/null || { test_skip "man pages on -Tascii" "no groff"; exit 0; }
for man1 in "$WS_ROOT"/share/man/man1/*.1; do
  n=$(basename "$man1")
  test_expect_success "$n renders on -Tascii without groff warnings" \
    'LC_ALL=C groff -man -Tascii -ww -z "$man1" 2>groff.err && [ ! -s groff.err ]'
done
fz=$WS_ROOT/share/man/man1/featurize.1 tt=$WS_ROOT/share/man/man1/train-trial.1
# as groff draws the page (-P-cbou: no overstriking, so the text can be searched; lines joined and
# spaces squeezed, as the filled text breaks and pads where it may), and as man does with its
# tty-char look-alikes loaded
render() { groff "$@" -man -P-cbou 2>/dev/null | tr -s ' \n' '  '; }
for how in "-Tascii" "-Tascii -mtty-char"; do
  LC_ALL=C render $how "$fz" >fz.txt
  test_expect_success "featurize.1 ($how): the case-folding example names its letters" \
    'grep -qF "CAF<U+00C9> and caf<U+00E9>" fz.txt && grep -qF "STRASSE and stra<U+00DF>e" fz.txt &&
     grep -qF "ligature <U+FB01> and fi" fz.txt && grep -qF "dotless <U+0131> and I are not" fz.txt'
  LC_ALL=C render $how "$tt" >tt.txt
  test_expect_success "train-trial.1 ($how): focal_gamma's symbol is there" 'grep -qF "focal_gamma <gamma> (0 or more" tt.txt'
done
# a device with the letters still draws them
LC_ALL=C.UTF-8 render -Tutf8 "$fz" >fz.utf8
test_expect_success "featurize.1 (-Tutf8): the letters themselves" \
  'grep -qF "CAFÉ and café" fz.utf8 && grep -qF "STRASSE and straße" fz.utf8 && grep -qF "ligature ﬁ and fi" fz.utf8 && grep -qF "dotless ı and I" fz.utf8'
LC_ALL=C.UTF-8 render -Tutf8 "$tt" >tt.utf8
test_expect_success "train-trial.1 (-Tutf8): γ itself" 'grep -qF "focal_gamma γ (0 or more" tt.utf8'
