#!/usr/bin/env bash
# gpu-monitor --nvml-library PATH naming a FIFO: dlopen opened it and waited for a writer that
# never comes, so the monitor took no sample and printed nothing until a signal (a SIGTERM broke
# the open: "Interrupted system call"). A path that is not a regular file now falls back to /proc
# at once, as one that does not exist does, the note naming it and what it is; a device such as
# /dev/zero was refused by dlopen already ("invalid ELF header").
. "$WS_ROOT/tests/cli/lib.sh"
mkfifo nvml.fifo
test_expect_code 0 "--nvml-library ./nvml.fifo: falls back to /proc at once (a hang ends at 20 s, exit 124)" \
  timeout 20 gpu-monitor --nvml-library ./nvml.fifo --count 1 --interval 0.02
test_expect_success "... one /proc sample" '[ "$(wc -l <out)" = 1 ] && jq -e ".source == \"proc\"" out >/dev/null'
test_expect_success "... the note names the file and what it is" '
  grep -qxF "gpu-monitor: NVML: ./nvml.fifo: is not a regular file, expected a shared library; sampling CPUs and memory from /proc instead" err'
ln -s nvml.fifo link.so
test_expect_code 0 "--nvml-library ./link.so, a link to the FIFO: the same" \
  timeout 20 gpu-monitor --nvml-library ./link.so --count 1 --interval 0.02 --quiet
test_expect_success "... one /proc sample" '[ "$(wc -l <out)" = 1 ] && jq -e ".source == \"proc\"" out >/dev/null'
