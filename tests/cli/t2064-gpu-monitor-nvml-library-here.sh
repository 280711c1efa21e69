#!/usr/bin/env bash
# gpu-monitor --nvml-library NAME, NAME a file in the working folder without a '/' (a driver's
# library copied here, --nvml-library libnvidia-ml.so.550): dlopen looks for a name without '/'
# where the dynamic loader looks (LD_LIBRARY_PATH, the cache, /lib...), never in the working
# folder, so it was not found and the note said "NVML: NAME: cannot open shared object file: No
# such file or directory (no NVIDIA driver?)" of a file that `ls` shows is there. The note now
# says why and what names the file (./NAME); sampling falls back to /proc as before.
. "$WS_ROOT/tests/cli/lib.sh"
FAKE=$WS_BUILD/fake_nvml
if [ ! -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_skip fake-nvml "no $FAKE/libnvidia-ml.so.1 (make check builds it)"; exit 0
fi
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS LD_LIBRARY_PATH
cp "$FAKE/libnvidia-ml.so.1" libfake.so
test_expect_code 0 "--nvml-library ./libfake.so (the fake NVML, copied here): loaded" \
  env FAKE_NVML_DEVICES=1 gpu-monitor --nvml-library ./libfake.so -n 1 -i 0.02
test_expect_success "... its GPU sampled" 'jq -e ".source == \"nvml\"" out >/dev/null'
test_expect_code 0 "--nvml-library libfake.so, the same file named without ./: not loaded, /proc instead" \
  env FAKE_NVML_DEVICES=1 gpu-monitor --nvml-library libfake.so -n 1 -i 0.02
test_expect_success "... the note says where the loader looks and names the file here" '
  jq -e ".source == \"proc\"" out >/dev/null &&
  grep -qxF "gpu-monitor: NVML: libfake.so: cannot open shared object file: No such file or directory (a name without '"'"'/'"'"' is looked for where the dynamic loader looks, not in the working folder: ./libfake.so names the file here); sampling CPUs and memory from /proc instead" err'
test_expect_code 0 "--nvml-library libnothere.so (no such file here either)" gpu-monitor --nvml-library libnothere.so -n 1 -i 0.02
test_expect_success "... the note as before" '
  grep -qxF "gpu-monitor: NVML: libnothere.so: cannot open shared object file: No such file or directory (no NVIDIA driver?); sampling CPUs and memory from /proc instead" err'
