#!/usr/bin/env bash
# The compiler's SIMD targets (lib/audio/module.mk: SSE for kissfft's four lanes, AVX-512F for its
# sixteen) are asked once per build tree and CC, not at every make: each asking runs the
# preprocessor, about half the CPU time of a make with nothing to build, and a sweep's make, each
# Slurm array task's make of a trial target and each make a test runs read the makefiles.
# A build tree of its own ($TMP/build, its deps stamp made), so the shared one is left alone;
# make -n only prints what it would build.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir build && touch build/.deps-ok
# cc.sh: the compiler, logging each preprocessor run that asks for its macros (-dM)
printf '#!/bin/sh\ncase " $* " in *" -dM "*) echo "$*" >>%s/asked ;; esac\nexec cc "$@"\n' "$TMP" >cc.sh
chmod +x cc.sh && cp cc.sh cc2.sh
mk() { : >asked; make -s -n -C "$WS_ROOT" BUILD="$TMP/build" CC="$TMP/$1" all >mk.out 2>mk.err; }
want_sse=$(cc -dM -E -x c /dev/null | grep -c "__SSE__ ")
want_avx=$(cc -mavx512f -dM -E -x c /dev/null 2>/dev/null | grep -c "__AVX512F__ ")
test_expect_success "a first make asks the compiler (two preprocessor runs)" 'mk cc.sh && [ "$(grep -c . asked)" = 2 ]'
test_expect_success "... and builds kissfft's SIMD objects as the compiler says it can" '
  { [ "$want_sse" = 0 ] || grep -q "kiss4_names.h.*third_party/kissfft/kiss_fft.c" mk.out; } &&
  { [ "$want_avx" = 0 ] || grep -q "kiss16_names.h.*-mavx512f.*third_party/kissfft/kiss_fft.c" mk.out; } &&
  { [ "$want_avx" != 0 ] || ! grep -q kiss16_names.h mk.out; }'
test_expect_success "a second make with the same CC asks nothing, and would build the same" '
  cp mk.out first.out && mk cc.sh && [ ! -s asked ] && cmp first.out mk.out'
test_expect_success "another CC is asked again" 'mk cc2.sh && [ "$(grep -c . asked)" = 2 ]'
test_expect_success "a kept answer cut short (two makes writing it at once) is asked again" '
  printf "1 1" >build/.cc-simd && mk cc.sh && [ "$(grep -c . asked)" = 2 ] && cmp first.out mk.out'
