#!/usr/bin/env bash
# A "$PY" run under the C locale (no LC_ALL, LC_CTYPE or LANG, or LANG=C): python itself coerces
# it (PEP 538), setting LC_CTYPE=C.UTF-8 in its environment, which the programs it starts inherit.
# The warm server's client (tests/cli/pywarm-client.c) hands over the shell's environment, without
# that step; the server takes it (pywarm.py's coerced_c_locale), and the run still runs there.
. "$WS_ROOT/tests/cli/lib.sh"
need_warm_python "the warm servers' C locale" json
code='import os, sys; print(os.environ.get("LC_CTYPE"), os.popen("printenv LC_CTYPE").read().strip() or None, "json" in sys.modules)'
env -u LC_ALL -u LC_CTYPE -u LANG "$PY" -c "$code" >warm.out 2>warm.err
env -u LC_ALL -u LC_CTYPE -u LANG "$py" -c "$code" >plain.out 2>plain.err
test_expect_success "no locale set: LC_CTYPE as python's own sets it, for the run and its children" '
  [ "$(cut -d" " -f1,2 warm.out)" = "$(cut -d" " -f1,2 plain.out)" ] && [ "$(cut -d" " -f1 plain.out)" = C.UTF-8 ]'
test_expect_success "... and run in the server all the same" '[ "$(cut -d" " -f3 warm.out)" = True ]'
env -u LC_ALL -u LC_CTYPE LANG=C "$PY" -c "$code" >warm2.out 2>warm2.err
env -u LC_ALL -u LC_CTYPE LANG=C "$py" -c "$code" >plain2.out 2>plain2.err
test_expect_success "LANG=C: the same, in the server" '
  [ "$(cut -d" " -f1,2 warm2.out)" = "$(cut -d" " -f1,2 plain2.out)" ] && [ "$(cut -d" " -f3 warm2.out)" = True ]'
env -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 "$PY" -c 'import sys; print("json" in sys.modules)' >utf.out 2>utf.err
test_expect_success "LANG=C.UTF-8: still run in the server" '[ "$(cat utf.out)" = True ]'
