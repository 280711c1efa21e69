#!/usr/bin/env bash
# train-trial trains in the OpenBLAS kernels of the CPU's instruction set: where OPENBLAS_CORETYPE
# is unset and Debian's OpenBLAS 0.3.21 takes older ones (its SSE3 Prescott kernels on an AVX-512
# CPU a VM named "Intel(R) Xeon(R) Processor": a 2-epoch demo trial 9.9-11.4 s against 7.5 s),
# lib/nn takes them instead, before any work (lib/nn/blas_kernels.c; train-trial links OpenBLAS
# statically, the unit test test_nn_blas_kernels the shared library and forces old kernels).
# The reference for the CPU's instruction set is the kernel's /proc/cpuinfo flags. A user's
# OPENBLAS_CORETYPE is taken as given.
. "$WS_ROOT/tests/cli/lib.sh"
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { case "$flags" in *" $1 "*) return 0;; esac; return 1; }
if has avx512f && has avx512cd && has avx512bw && has avx512dq && has avx512vl; then
  level="SkylakeX|Cooperlake|SapphireRapids"
elif has avx2 && has fma; then
  level="Haswell|Zen|SkylakeX|Cooperlake|SapphireRapids"   # OpenBLAS's AVX2 kernels, or newer it knows
elif has avx; then
  level="Sandybridge|Bulldozer|Piledriver|Steamroller|Excavator|Haswell|Zen"
else
  level="[A-Za-z0-9]+"
fi

test_expect_code 0 "train-trial --version, OPENBLAS_CORETYPE unset" env -u OPENBLAS_CORETYPE train-trial --version
test_expect_success "... names kernels of the CPU's instruction set ($level)" '
  [ "$(wc -l <out)" = 2 ] && sed -n 2p out | grep -qE "^OpenBLAS ($level) kernels( \(chosen for this CPU.s instruction set; OpenBLAS took [A-Za-z0-9]+; OPENBLAS_CORETYPE overrides\))?$"'
test_expect_success "... the first line is the version line every tool prints" 'head -1 out | grep -qx "train-trial (wakesweep) [0-9.]*"'
test_expect_code 0 "OPENBLAS_CORETYPE=Prescott train-trial --version" env OPENBLAS_CORETYPE=Prescott train-trial --version
test_expect_success "... the user's kernels, as given" 'sed -n 2p out | grep -qx "OpenBLAS Prescott kernels (OPENBLAS_CORETYPE)"'
test_expect_code 0 "OPENBLAS_CORETYPE=haswell (OpenBLAS takes any case)" env OPENBLAS_CORETYPE=haswell train-trial --version
test_expect_success "... Haswell's" 'sed -n 2p out | grep -qx "OpenBLAS Haswell kernels (OPENBLAS_CORETYPE)"'
