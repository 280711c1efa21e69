#!/usr/bin/env bash
# make features killed (kill -9 of make and its children) after featurize renamed the new cache
# into place but before the recipe wrote the cache's .NAME.source (the corpus and feature config
# it was made from; pipelines/data.mk). The next make must not trust a cache whose source it
# does not know:
#  - a cache of corpus B, made over one of corpus A, was left beside A's .source, and a make
#    of corpus A took B's cache as A's (its sweep trained on the wrong corpus);
#  - killed while the .source was being written, its temporary (.NAME.source.tmp.PID) was left
#    for good beside a cache without a source, which later makes trusted and never remade.
# The kill comes at the exact moment from shims: a featurize that runs the real one and then
# kills its process group, and a realpath (what the recipe writes the .source with) that prints
# its answer into the .source's temporary and then does.
# runner: waits (make killed as its recipe runs)
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# corpus B: 16 of the 48 clips (4 of each class), and the noise
grep -E '/clip(0|1|8|10)\.wav"|_background_noise_' tones/manifest.jsonl >tones/b.jsonl
mkdir shimpath
bin_but shim featurize
printf '#!/usr/bin/env bash\n"%s/featurize" "$@" || exit\nkill -9 0\n' "$WS_BIN" >shim/featurize
# (only where its output goes to the .source's temporary: make runs realpath as it reads the
# makefiles too)
printf '#!/usr/bin/env bash\n%s "$@" || exit\n[[ $(readlink /proc/$$/fd/1) != *.source.tmp.* ]] || kill -9 0\n' \
  "$(command -v realpath)" >shimpath/realpath
chmod +x shim/featurize shimpath/realpath
feats() { ws_make features DATA="$TMP/tones/$1" FEATURES="$TMP/f/${X:-x}.feat" "${@:2}"; }
# killed ARGS: feats ARGS in a process group of its own, which a shim kills; back once the
# killed processes are reaped (a zombie's pid still answers kill -0, as a live writer's does)
killed() {
  setsid bash -c "$(declare -f ws_make feats); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN feats $*" >killed.out 2>&1 </dev/null
  local t
  for t in f/.*.feat.source.tmp.*; do
    for _ in $(seq 100); do kill -0 "${t##*.}" 2>/dev/null || break; sleep 0.1; done
  done
}
clips() { featurize --describe "f/${X:-x}.feat" | jq .clips; }

test_expect_success "make features of corpus A: 48 clips" 'feats manifest.jsonl >a.out 2>&1 && [ "$(clips)" = 48 ]'
test_expect_success "make features of corpus B into the same cache, killed right after featurize" '
  killed b.jsonl BIN=$TMP/shim; [ "$(clips)" = 16 ]'
test_expect_success "... make features of corpus A again makes A's cache" 'feats manifest.jsonl >a2.out 2>&1 && [ "$(clips)" = 48 ]'

# a new cache, y.feat
export X=y
test_expect_success "make features of corpus B, killed while it writes the cache's .source" '
  PATH=$TMP/shimpath:$PATH killed b.jsonl; ls -a f | grep -q "^\.y\.feat\.source\.tmp\."'
test_expect_success "... the next make features leaves no temporary, and a cache of B with its source" '
  feats b.jsonl >b2.out 2>&1 && [ "$(ls -a f | grep -c "\.tmp\.")" = 0 ] && [ "$(clips)" = 16 ] &&
  [ "$(sed -n 1p f/.y.feat.source)" = "$TMP/tones/b.jsonl" ]'
