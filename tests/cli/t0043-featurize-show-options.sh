#!/usr/bin/env bash
# featurize --describe and --dump read a cache and decode nothing: --config, --threads and
# --strict given with them were ignored without a word (--describe CACHE --config new.json,
# read as "check the cache against these settings", said nothing of them, exit 0; even a
# --config that does not exist passed). They are refused (exit 2, naming the option), as --out,
# an INPUT and --clip without --dump already are; --quiet, which has nothing to quieten, is
# taken.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
cp "$WS_ROOT/configs/features/default.json" f.json
refused() {  # NAME PATTERN COMMAND...
  local name=$1 pat=$2; shift 2
  local rc=0
  "$@" >out 2>err || rc=$?
  if [ "$rc" = 2 ] && grep -q -- "$pat" err && [ ! -s out ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc, stderr: $(head -c 300 err | tr '\n' ' ') (wanted /$pat/)"; fi
}
refused "--describe with --config" "^featurize: --config goes with writing a cache (--out), not --describe or --dump$" \
  featurize --describe tones.feat --config f.json
refused "--dump with -c" "^featurize: --config goes with" featurize --dump tones.feat --clip 0 -c f.json
refused "--describe with --threads" "^featurize: --threads goes with" featurize --describe tones.feat -j 4
refused "--dump with --strict" "^featurize: --strict goes with" featurize --dump tones.feat --clip 1 --strict
test_expect_code 0 "--describe with --quiet is taken" featurize --describe tones.feat --quiet
test_expect_success "... and describes" 'jq -e .clips out >/dev/null'
