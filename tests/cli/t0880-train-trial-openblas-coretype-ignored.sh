#!/usr/bin/env bash
# OPENBLAS_CORETYPE set to a name OpenBLAS does not take (a typo: "Skylake", "Haswell " with a
# blank, "bogus") changes nothing in OpenBLAS: it runs the kernels it picks without it, saying
# nothing. train-trial --version said "OpenBLAS Cooperlake kernels (OPENBLAS_CORETYPE)", as if the
# variable had chosen them, and a run said nothing either; set but empty (OPENBLAS_CORETYPE=$X with
# X unset in a script), which OpenBLAS ignores too, was taken as set, keeping OpenBLAS's own pick
# where lib/nn would choose the CPU's instruction set's kernels (blas_kernels.c). Now --version says
# the variable changed nothing, a run says so in a note (not under --quiet), and empty is unset.
# The reference for what OpenBLAS takes is OpenBLAS itself: Debian's shared library, asked for its
# core by a small program, with and without the variable.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cat >core.c <<'C'
#include <stdio.h>
char *openblas_get_corename(void);
int main(void) { puts(openblas_get_corename()); return 0; }
C
if ! cc -o core core.c -lopenblas 2>cc.err; then
  test_skip "OPENBLAS_CORETYPE that OpenBLAS ignores" "no C compiler or OpenBLAS to ask: $(head -c 200 cc.err)"
  exit 0
fi
own=$(env -u OPENBLAS_CORETYPE ./core)
make_tone_cache tones
tone_trained
for name in bogus Skylake "Haswell "; do
  if [ "$(OPENBLAS_CORETYPE="$name" ./core)" != "$own" ]; then
    test_skip "OPENBLAS_CORETYPE='$name'" "this OpenBLAS takes it (its core: $(OPENBLAS_CORETYPE="$name" ./core), $own without)"
    continue
  fi
  test_expect_code 0 "OPENBLAS_CORETYPE='$name' (OpenBLAS runs $own all the same): --version" \
    env OPENBLAS_CORETYPE="$name" train-trial --version
  test_expect_success "... names OpenBLAS's own kernels and says the variable changed nothing" \
    "sed -n 2p out | grep -qxF \"OpenBLAS $own kernels (OPENBLAS_CORETYPE changed nothing: OpenBLAS's own choice)\""
  test_expect_code 0 "... train-trial --evaluate" \
    env OPENBLAS_CORETYPE="$name" train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1
  test_expect_success "... notes it once, naming the value and the kernels" \
    "[ \"\$(grep -c note: err)\" = 1 ] && grep -qxF \"train-trial: note: OPENBLAS_CORETYPE '$name' changed nothing: OpenBLAS runs the $own kernels it picks without it (it takes a core name such as Haswell or SkylakeX, in any case)\" err && jq -e .metrics out >/dev/null"
done
test_expect_code 0 "... --quiet: no note" \
  env OPENBLAS_CORETYPE=bogus train-trial --quiet --evaluate runs/best.ckpt --features tones.feat --threads 1
test_expect_success "... (stderr empty)" '[ ! -s err ] && jq -e .metrics out >/dev/null'
# empty is unset, as for wakesweep's own variables: the same kernels and words as without it
test_expect_code 0 "OPENBLAS_CORETYPE unset: --version" env -u OPENBLAS_CORETYPE train-trial --version
mv out unset.out
test_expect_code 0 "OPENBLAS_CORETYPE empty: --version" env OPENBLAS_CORETYPE= train-trial --version
test_expect_success "... says what it says unset" 'cmp unset.out out'
test_expect_code 0 "... train-trial --evaluate" env OPENBLAS_CORETYPE= train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1
test_expect_success "... no note" '! grep -q note: err'
# a name OpenBLAS takes is the user's choice, as before (t0857): no note
test_expect_code 0 "OPENBLAS_CORETYPE=Prescott train-trial --evaluate" \
  env OPENBLAS_CORETYPE=Prescott train-trial --evaluate runs/best.ckpt --features tones.feat --threads 1
test_expect_success "... no note" '! grep -q note: err && jq -e .metrics out >/dev/null'
