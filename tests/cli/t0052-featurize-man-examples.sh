#!/usr/bin/env bash
# featurize(1)'s EXAMPLES run as written (taken from the man page), in a folder laid out as the
# checkout after `make data` (data/demo: here the tone corpus of fixtures.sh, in the same Speech
# Commands layout; clips.jsonl: its manifest). There is no features/ folder until something
# makes one (a fresh clone has none; `make features` makes it), and featurize makes no folder:
# the first example stopped at once with "features/demo.feat: cannot create", exit 2.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/{s/\\-/-/g;p}' "$WS_ROOT/share/man/man1/featurize.1" | grep -v '^\.' >examples
awk '/^Other settings/ { exit } /^[a-z]/' examples | grep -v '^make data$' >demo.sh
awk 'on && /^[a-z]/; /^Other settings/ { on = 1 }' examples >manifest.sh
test_expect_success "featurize(1) holds its examples" '
  grep -q "^featurize --out features/demo.feat data/demo$" demo.sh && grep -q "clips.jsonl$" manifest.sh'
make_tone_cache data/demo
sed 's|"path":"|"path":"data/demo/|' data/demo/manifest.jsonl >clips.jsonl
test_expect_success "the demo corpus cached and looked at, as written" '
  bash -e -o pipefail demo.sh >got &&
  [ "$(jq -c "if type == \"object\" then .total else . end" got | tail -n 2 | tr "\n" " ")" = "12 [101,40] " ] &&
  [ -s features/demo.feat ]'
test_expect_success "other settings, from a manifest: 64 slaney mels" '
  bash -e -o pipefail manifest.sh >/dev/null &&
  [ "$(featurize --describe mel64.feat | jq -c "[.mels, .features.mel_scale, .features.norm, .clips]")" = "[64,\"slaney\",\"slaney\",48]" ]'
