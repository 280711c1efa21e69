#!/usr/bin/env bash
# train-trial finds its memory cgroup's limit as a container sees it. A container (docker, or
# Kubernetes, without a cgroup namespace) has its cgroup's folder mounted where the hierarchy
# would be: /proc/self/mountinfo gives that folder's path as the mount's root, /proc/self/cgroup
# the whole path. core/memlimit.c read mountinfo's fields into buffers of 255 characters, so that
# a root longer than that (nested runtimes, systemd's slice names for a pod and a container) was
# read in two and the mount not found: the limit went unseen, a model past it was built (and
# killed by the kernel as it touched its memory), and --probe-batch sized from the machine's
# memory. The reference: the limit written to the cgroup here.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
limit=$((256 << 20))
if ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
  test_skip "memory limit seen from a container" "no mount namespace can be made here (needs unshare and root)"
  exit 0
fi
# container_cgroup N: a cgroup whose name has N characters, below one whose name has N too (the
# container's own, limited to $limit, below one of 1 TiB); prints its folder
container_cgroup() {
  local parent
  parent=$(memory_cgroup "$(printf 'p%.0s' $(seq "$1"))" $((1 << 40))) || return 1
  # v2: the memory controller for the cgroups below it too
  [ ! -e "$parent/cgroup.subtree_control" ] || echo +memory >"$parent/cgroup.subtree_control" || { rmdir "$parent"; return 1; }
  memory_cgroup "${parent##*/}/$(printf 'c%.0s' $(seq "$1"))" "$limit" || { rmdir "$parent"; return 1; }
}
# in_container CG CMD...: CMD in the cgroup CG, in a mount namespace of its own where CG's folder is
# mounted in place of its hierarchy, as a container sees it (mountinfo's root: CG's path)
in_container() {
  local cg=$1 hier
  shift
  hier=$(findmnt -n -T "$cg" -o TARGET) && mkdir -p view || return 1
  in_cgroup "$cg" unshare -m --propagation private bash -c \
    'mount --bind "$1" "$3" && umount -l "$2" && mount --bind "$3" "$2" && shift 3 && exec "$@"' \
    bash "$cg" "$hier" "$PWD/view" "$@"
}
tone_trial
jq '.fixed += {"channels": 4096, "blocks": 64, "kernel": [3, 3], "stride": [1, 1], "inner_kernel": [3, 3]}' c.json >big.json
suggest --db runs/big.db --config big.json >big.line

for n in 20 150; do
  if ! cg=$(container_cgroup "$n"); then
    test_skip "memory limit seen from a container" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
    exit 0
  fi
  root=${cg#"$(findmnt -n -T "$cg" -o TARGET)"}
  test_expect_code 0 "--probe-batch --device cpu in a container whose cgroup's path has ${#root} characters" \
    in_container "$cg" timeout 120 train-trial --probe-batch --device cpu --db runs/s.db --features tones.feat line
  test_expect_success "... sizes from the container's limit (256 MiB), not the machine's memory" '
    cat out >&2; jq -e --argjson l "$limit" ".bytes.total == \$l and .bytes.free <= \$l" out'
  test_expect_code 0 "a dscnn of 4096 channels and 64 blocks in that container" \
    in_container "$cg" timeout 120 train-trial --db runs/big.db --features tones.feat --threads 1 --quiet big.line
  test_expect_success "... FAIL at once, naming the container's 256 MiB" '
    cat out >&2; jq -e ".state == \"FAIL\" and (.reason | test(\"^out of memory: the model needs [0-9]+ MiB .*, its cgroup allows 256 MiB$\"))" out'
  suggest --db runs/big.db --config big.json >big.line
  rmdir "$cg" "${cg%/*}"
done
