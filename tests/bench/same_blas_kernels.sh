# tests/bench/same_blas_kernels.sh — sourced by the benchmarks that run PyTorch beside wakesweep:
# `same_blas_kernels TRAIN_TRIAL` exports OPENBLAS_CORETYPE as the OpenBLAS kernels wakesweep
# trains with (the second line of TRAIN_TRIAL --version), unless OPENBLAS_CORETYPE is set already.
# Why: Debian's torch does its GEMMs in the same OpenBLAS (libblas.so.3). On a CPU that OpenBLAS
# 0.3.21 does not know it takes old kernels, and lib/nn chooses newer ones (lib/nn/blas_kernels.c)
# where torch, run as is, would not: the comparison would then be of kernels, not of trainers.
same_blas_kernels() {
  [ -n "${OPENBLAS_CORETYPE+set}" ] && return 0
  OPENBLAS_CORETYPE=$("$1" --version | sed -n 's/^OpenBLAS \([A-Za-z]*\) kernels.*/\1/p')
  [ -n "$OPENBLAS_CORETYPE" ] || { echo "same_blas_kernels: $1 --version names no OpenBLAS kernels" >&2; return 2; }
  export OPENBLAS_CORETYPE
}
