#!/usr/bin/env bash
# gpu-monitor against the fake NVML (tests/fake_nvml, built into $WS_BUILD/fake_nvml by
# tests/gpu.mk), found by the dynamic loader through LD_LIBRARY_PATH like the real driver's.
. "$WS_ROOT/tests/cli/lib.sh"
FAKE=$WS_BUILD/fake_nvml
if [ ! -e "$FAKE/libnvidia-ml.so.1" ]; then
  test_skip fake-nvml "no $FAKE/libnvidia-ml.so.1 (make check builds it)"; exit 0
fi
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS
export LD_LIBRARY_PATH=$FAKE

# The fake's readings of device i (see tests/fake_nvml/fake_nvml.c), with v1 memory when old=1.
DEFS='def dev($i; $old): {index: $i, name: "Fake GPU \($i)", util: (40 + 10 * $i), mem_util: (15 + 5 * $i),
  mem_used_bytes: (($i + 1) * 1073741824 + 4096 + (if $old == 1 then 67108864 else 0 end)),
  mem_total_bytes: (($i + 1) * 17179869184), power_w: ((71234 + 1000 * $i) / 1000), temp_c: (45 + $i),
  sm_clock_mhz: (1755 + $i), processes: [{pid: (4000 + $i), mem_used_bytes: (($i + 1) * 268435456)}]};
  def only_null($f; $g): .devices[0] as $d | dev(0; 0) | to_entries
    | all(if .key == $f or .key == $g then $d[.key] == null else $d[.key] == .value end);'
# lines PROGRAM [ARGS]: the JSON lines in out, slurped, satisfy PROGRAM.
lines() { local p=$1; shift; jq -e -s "$@" "$DEFS $p" out >/dev/null; }

test_expect_code 0 one-device env FAKE_NVML_DEVICES=1 gpu-monitor -i 0.02 -n 2
P='length == 2 and all(.[]; .source == "nvml" and (.t | type) == "number" and .devices == [dev(0; 0)]
   and (has("processes") | not))'
test_expect_success one-device-every-field '[ ! -s err ] && lines "$P"'

test_expect_code 0 two-devices env FAKE_NVML_DEVICES=2 gpu-monitor -i 0.02 -n 2
test_expect_success two-devices-every-field 'lines "length == 2 and all(.[]; .devices == [dev(0; 0), dev(1; 0)])"'

test_expect_code 0 zero-devices-falls-back env FAKE_NVML_DEVICES=0 gpu-monitor -i 0.02 -n 1
test_expect_success zero-devices-note 'grep -q "NVML: no GPU found; sampling CPUs and memory from /proc instead" err &&
  lines ".[0].source == \"proc\""'
test_expect_code 1 zero-devices-fallback-none env FAKE_NVML_DEVICES=0 gpu-monitor -n 1 --fallback none
test_expect_code 0 init-fails-falls-back env FAKE_NVML_FAIL=nvmlInit_v2=9 gpu-monitor -i 0.02 -n 1
test_expect_success init-fails-note 'grep -q "nvmlInit_v2: Driver Not Loaded (9); sampling CPUs" err && lines ".[0].source == \"proc\""'
test_expect_code 1 count-fails-fallback-none env FAKE_NVML_FAIL=nvmlDeviceGetCount_v2=999 gpu-monitor -n 1 --fallback none
test_expect_success count-fails-note 'grep -q "nvmlDeviceGetCount_v2: Unknown Error (999); nothing to monitor" err'

# Each device call failing: its field is null, the others are not, one note for the whole run.
for c in "nvmlDeviceGetUtilizationRates=3 util mem_util" "nvmlDeviceGetPowerUsage=4 power_w -" \
         "nvmlDeviceGetClockInfo=999 sm_clock_mhz -" \
         "nvmlDeviceGetMemoryInfo_v2=3,nvmlDeviceGetMemoryInfo=3 mem_used_bytes mem_total_bytes" \
         "nvmlDeviceGetTemperatureV=3,nvmlDeviceGetTemperature=3 temp_c -" \
         "nvmlDeviceGetComputeRunningProcesses_v3=4 processes -" "nvmlDeviceGetName=999 name -"; do
  read -r fail f g <<<"$c"
  test_expect_code 0 "fails-$f" env FAKE_NVML_FAIL="$fail" gpu-monitor -i 0.02 -n 3
  test_expect_success "fails-$f-null" '[ "$(wc -l <err)" = 1 ] && grep -q " null$" err &&
    lines "length == 3 and all(.[]; only_null(\$f; \$g))" --arg f "$f" --arg g "$g"'
done

# Device 1 falls off the bus after 2 samples: it leaves the lines, one note, the run goes on.
test_expect_code 0 device-lost env FAKE_NVML_DEVICES=2 FAKE_NVML_LOST=1:2 gpu-monitor -i 0.02 -n 4
test_expect_success device-lost-lines 'lines "[.[].devices | map(.index)] == [[0, 1], [0, 1], [0], [0]]
  and all(.[]; .devices[0] == dev(0; 0))" && [ "$(wc -l <err)" = 1 ] &&
  grep -q "NVML: device 1: nvmlDeviceGetUtilizationRates: GPU is lost; no longer sampled" err'

# A driver older than the versioned symbols: the unversioned ones give the same fields.
test_expect_code 0 old-driver env LD_LIBRARY_PATH="$FAKE/old" FAKE_NVML_DEVICES=2 gpu-monitor -i 0.02 -n 1
test_expect_success old-driver-fields '[ ! -s err ] && lines ".[0].devices == [dev(0; 1), dev(1; 1)]"'
# A driver too old for everything optional: nulls and one note per missing symbol, no crash.
test_expect_code 0 minimal-driver env LD_LIBRARY_PATH="$FAKE/minimal" gpu-monitor -i 0.02 -n 2
P='length == 2 and all(.[]; .devices == [{index: 0, name: null, util: null, mem_util: null, mem_used_bytes: null,
   mem_total_bytes: null, power_w: null, temp_c: null, sm_clock_mhz: null, processes: null}])'
test_expect_success minimal-driver-nulls '[ "$(grep -c "(driver too old?)" err)" = 7 ] && lines "$P"'
test_expect_code 0 not-nvml-falls-back env LD_LIBRARY_PATH="$FAKE/broken" gpu-monitor -i 0.02 -n 1
test_expect_success not-nvml-note 'grep -q "has no nvmlInit (not a usable NVML library); sampling CPUs" err &&
  lines ".[0].source == \"proc\""'
test_expect_code 0 library-path gpu-monitor --nvml-library "$FAKE/old/libnvidia-ml.so.1" -i 0.02 -n 1
test_expect_success library-path-old 'lines ".[0].devices[0].mem_used_bytes == 1140854784"'

test_expect_code 0 many-processes env FAKE_NVML_NPROCS=70 gpu-monitor -i 0.02 -n 1
test_expect_success many-processes-all 'lines ".[0].devices[0].processes | length == 70 and
  .[69] == {pid: 10069, mem_used_bytes: 73400320}"'
test_expect_code 0 shutdown env FAKE_NVML_STATS="$PWD/stats" gpu-monitor -i 0.02 -n 3
test_expect_success shutdown-called 'grep -qx "init=1 shutdown=1 samples=3" stats'
