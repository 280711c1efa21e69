#!/usr/bin/env bash
# make SANITIZE=...: each sanitizer setting builds in a tree of its own. address, undefined and
# address,undefined shared the tree build-san, so after a switch make found the other setting's
# objects up to date and linked them under the new flags: an undefined build of AddressSanitizer
# objects (link errors: __asan_* undefined), or an address,undefined build with one sanitizer
# silently missing. The reference: nm's list of the runtime calls each object makes (__asan_*,
# __ubsan_*). The sources are copied to $TMP, so the checkout's trees are left alone; each new
# tree's first make checks the packages (share/deps.sh), which make check's build has installed.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p src/tests
cp -r "$WS_ROOT"/{Makefile,lib,tools,share,pipelines,third_party,configs} src/
cp "$WS_ROOT"/tests/*.mk src/tests/
bash src/share/deps.sh 2>deps.err || { test_skip "a tree per SANITIZE value" "share/deps.sh finds packages missing (make deps installs them): $(head -c 200 deps.err)"; exit 0; }
printf 'ws-print-build:\n\t@echo $(BUILD)\n' >print.mk
# (not the make check's settings: its MAKEFLAGS carry its own SANITIZE=... to every make below it)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make -s -C src "$@"; }
# tree V: the build tree of SANITIZE=V, as make names it
tree() { mk -f Makefile -f "$TMP/print.mk" SANITIZE="$1" ws-print-build; }
obj=lib/core/json.o
# calls OBJECT: "asan" and/or "ubsan", a line each, for the sanitizer runtimes OBJECT calls
calls() { nm "$1" | grep -o ' U __\(asan\|ubsan\)_' | sed 's/ U __//; s/_$//' | sort -u; }

test_expect_success "(the unsanitized build makes an object that calls neither runtime)" '
  mk build/$obj >mk.out 2>&1 && [ -z "$(calls src/build/$obj)" ]'
# one after the other in one checkout, as a user switching settings does; then the first again
for v in address undefined address,undefined address; do
  want=$(case $v in address) echo asan ;; undefined) echo ubsan ;; *) printf 'asan\nubsan\n' ;; esac)
  test_expect_success "SANITIZE=$v (after the ones before it): its object calls $(echo $want) only" '
    t=$(tree $v) && echo "$v: $t" >&2 && [ -n "$t" ] && mk SANITIZE=$v "$t/$obj" >mk.out 2>&1 &&
    calls "src/$t/$obj" >got && cat got >&2 && [ "$(cat got)" = "$want" ]'
done
test_expect_success "each setting has a tree of its own, none the unsanitized build's" '
  trees=$(for v in "" address undefined address,undefined; do tree "$v"; done) && echo "$trees" >&2 &&
  [ "$(sort -u <<<"$trees" | wc -l)" = 4 ] && [ "$(tree "")" = build ]'
test_expect_success "make clean removes every tree (and bin)" '
  mkdir -p src/bin && mk clean >mk.out 2>&1 && cat mk.out >&2 && [ -z "$(cd src && ls -d build* bin 2>/dev/null)" ]'
