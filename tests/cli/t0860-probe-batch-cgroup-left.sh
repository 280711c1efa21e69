#!/usr/bin/env bash
# train-trial --probe-batch on the CPU sizes the batch from the memory left to it: it took
# /proc/meminfo's MemAvailable alone, the machine's, and in a memory cgroup offered batches the
# cgroup's limit could never hold (in one of 256 MiB, the tone study's dscnn: a batch of 65536,
# 24 GiB, "free" the machine's 23 GiB). Now it takes the smaller of MemAvailable and what the
# cgroup (or one above it) leaves: its limit less what it uses (v1 memory.usage_in_bytes, v2
# memory.current; page cache not yet reclaimed, inactive_file in memory.stat, counted as
# left, as MemAvailable counts it). The reference: the kernel's own cgroup files, read here.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
limit=$((256 << 20)) held=$((96 << 20))
if ! cg=$(memory_cgroup ws-t0860 "$limit"); then
  test_skip "--probe-batch in a memory cgroup" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
  exit 0
fi
# the cgroup's usage (bytes) less its page cache not yet reclaimed, from the kernel's files
cg_used() {
  local usage=memory.usage_in_bytes inactive=total_inactive_file
  [ -e "$cg/$usage" ] || usage=memory.current inactive=inactive_file
  echo $(( $(cat "$cg/$usage") - $(awk -v k="$inactive" '$1 == k { print $2 }' "$cg/memory.stat") ))
}
tone_trial

test_expect_code 0 "--probe-batch --device cpu in a cgroup of 256 MiB" \
  in_cgroup "$cg" timeout 120 train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat line
test_expect_success "... a batch that fits in the 256 MiB: batch x per_sample within it, and at least 1" '
  cat out >&2; jq -e --argjson l "$limit" ".batch >= 1 and .batch * .bytes.per_sample <= \$l" out'
test_expect_success "... the free memory it sized from is the cgroup'\''s, not the machine'\''s" '
  jq -e --argjson l "$limit" ".bytes.free <= \$l and .bytes.free > 0" out'

# A process of the cgroup holding 96 MiB (written, so charged to it): what is left is the limit
# less that, and the probe (in the same cgroup) sizes from no more.
# (its own pid in the file holding: $! would be the shell that the background job forks)
in_cgroup "$cg" "$PY" -c 'import os, sys, time
b = b"x" * int(sys.argv[1]); open("holding.tmp", "w").write("%d\n" % os.getpid()); os.rename("holding.tmp", "holding")
time.sleep(120)' "$held" &
for _ in $(seq 300); do [ -e holding ] && break; sleep 0.05; done
holder=$(cat holding)
used=$(cg_used)
test_expect_code 0 "--probe-batch in the cgroup with 96 MiB of it held by another process" \
  in_cgroup "$cg" timeout 120 train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat line
test_expect_success "... sizes from at most the limit less the cgroup's usage, and not far less" '
  echo "cgroup usage before the probe: $used bytes (page cache not counted); $(cat out)" >&2
  jq -e --argjson l "$limit" --argjson u "$used" \
    ".bytes.free <= \$l - \$u and .bytes.free >= \$l - \$u - 64 * 1048576 and .batch * .bytes.per_sample <= \$l - \$u" out'
kill "$holder" 2>/dev/null; wait
for _ in $(seq 100); do rmdir "$cg" 2>/dev/null && break; sleep 0.05; done
