#!/usr/bin/env bash
# A message past the 1023 bytes an error holds lost its end: a clip whose path is over 1 KB (a
# manifest of absolute paths folders deep, or of long names) was "featurize: skipped
# /data/.../dddd", the reason (not there, not audio, too long) cut away, and --strict's error the
# same. Such a message is now shortened in its middle, "..." there, its start and its end kept.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/yes
sox -R -n -r 16000 -c 1 -b 16 c/yes/a.wav synth 0.5 sine 700
long=$(printf 'd%.0s' $(seq 150))
deep=$long; for _ in 1 2 3 4 5 6 7 8 9; do deep=$deep/$long; done   # 1509 bytes, not there
printf '{"path":"yes/a.wav","label":"yes"}\n{"path":"%s/x.wav","label":"yes"}\n' "$deep" >c/m.jsonl
test_expect_code 0 "a manifest clip at a path of 1515 bytes, not there" featurize -o c.feat c/m.jsonl
test_expect_success "... skipped, the line ending with why" '
  line=$(grep "^featurize: skipped" err) &&
  case $line in "featurize: skipped c/ddd"*"...dddd"*"dddd/x.wav: cannot open: No such file or directory") ;; *) false ;; esac'
test_expect_success "... within 1023 bytes and the prefix" '[ "$(grep "^featurize: skipped" err | wc -c)" -le $((1023 + 20)) ]'
test_expect_code 2 "... --strict: an error" featurize --strict -o d.feat c/m.jsonl
test_expect_success "... naming why, and --strict" 'grep -q "/x.wav: cannot open: No such file or directory (--strict)$" err'
