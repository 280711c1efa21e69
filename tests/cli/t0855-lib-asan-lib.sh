#!/usr/bin/env bash
# tests/cli/lib.sh's asan_lib TOOL: the path of the AddressSanitizer runtime TOOL (in WS_BIN)
# loads, for a test that preloads a shim into it (LD_PRELOAD), where ASan's runtime must come
# first or it refuses to start. t4004 found that path with an ldd | awk of its own beside
# lib.sh's asan_built, and t0062 preloaded its shim without it (under make check
# SANITIZE=address featurize refused to start: 3 FAIL); all three now ask asan_lib. The reference: the runtime the compiler links
# (gcc -print-file-name), and ASan itself, which runs a preloaded program only when it comes
# first. The programs are built here (an ASan one and a plain one), as WS_BIN's tools are built
# with ASan only under make check SANITIZE=address.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir bin
printf 'int main(void) { return 0; }\n' >p.c
printf '__attribute__((constructor)) static void shim(void) {}\n' >shim.c
if ! cc -fsanitize=address -o bin/asan p.c 2>cc.err || ! cc -o bin/plain p.c 2>>cc.err || ! cc -shared -fPIC -o shim.so shim.c 2>>cc.err; then
  test_skip "asan_lib" "no C compiler with AddressSanitizer: $(head -c 200 cc.err)"
  exit 0
fi
ref=$(readlink -f "$(cc -print-file-name=libasan.so)")
test_expect_success "(ASan refuses to start when a preloaded shim comes before its runtime)" '
  ! env -u ASAN_OPTIONS LD_PRELOAD=$PWD/shim.so bin/asan 2>refused && grep -q "ASan runtime does not come first" refused'
test_expect_success "asan_lib: an ASan program's runtime, the one the compiler links ($ref)" '
  lib=$(WS_BIN=$PWD/bin asan_lib asan) && echo "$lib" >&2 && [ -e "$lib" ] && [ "$(readlink -f "$lib")" = "$ref" ]'
test_expect_success "... which, preloaded first, lets it run with the shim" '
  lib=$(WS_BIN=$PWD/bin asan_lib asan) && LD_PRELOAD="$lib $PWD/shim.so" bin/asan'
test_expect_success "... and asan_built agrees" 'WS_BIN=$PWD/bin asan_built asan'
test_expect_success "a program without ASan: asan_lib prints nothing and fails, as asan_built does" '
  out=$(WS_BIN=$PWD/bin asan_lib plain; echo "rc=$?") && [ "$out" = "rc=1" ] && ! WS_BIN=$PWD/bin asan_built plain'
test_expect_success "t4004 and t0062 ask asan_lib, and no test runs an ldd of its own for libasan" '
  grep -q "asan_lib gpu-monitor" "$WS_ROOT/tests/cli/t4004-gpu-monitor-signal.sh" &&
  grep -q "asan_lib featurize" "$WS_ROOT/tests/cli/t0062-atomic-signal-at-create.sh" &&
  ! grep -l --exclude="t0855-*" "ldd.*libasan\|libasan.*awk" "$WS_ROOT"/tests/cli/t[0-9]*.sh'
