#!/usr/bin/env bash
# The warm servers' client (tests/cli/pywarm-client.c, what "$PY" runs after py_warm) hands the
# server its command, folder and environment as NUL-ended fields (pywarm.py's read_request): a
# run in the server sees them as python itself would, bytes that are not UTF-8 included (python
# decodes them with surrogateescape), an empty argument, a variable set to nothing, and an
# environment longer than one send. A command the server does not take (-V, -m) and a socket with
# no server behind it run python itself. The reference is what /usr/bin/python3 itself reports.
. "$WS_ROOT/tests/cli/lib.sh"
need_warm_python "the warm servers' client" json

cat >show.py <<'P'
import os, sys
print("json" in sys.modules, ascii(sys.argv[1:]), ascii(os.getcwd()),
      ascii(os.environ.get("WS_T_BYTES")), ascii(os.environ.get("WS_T_EMPTY")),
      sum(len(os.environ.get("WS_T_LONG%d" % i, "")) for i in range(3)))
P
mkdir -p "dir $(printf '\xe9')"
cd "dir $(printf '\xe9')" || exit 1
long=$(head -c 100000 /dev/zero | tr '\0' x)   # three of them: one string may be 128 kB at most
args=("$(printf 'a\xffb')" "" "--flag=1" "two words")
WS_T_BYTES=$(printf 'x\xfey') WS_T_EMPTY= WS_T_LONG0=$long WS_T_LONG1=$long WS_T_LONG2=$long "$PY" ../show.py "${args[@]}" >warm.out 2>warm.err
WS_T_BYTES=$(printf 'x\xfey') WS_T_EMPTY= WS_T_LONG0=$long WS_T_LONG1=$long WS_T_LONG2=$long "$py" ../show.py "${args[@]}" >plain.out 2>plain.err
test_expect_success "args, folder and environment (bytes not UTF-8, empty, 300 kB of it) as python's own" '
  [ "$(cut -d" " -f1 warm.out)" = True ] && [ "$(cut -d" " -f2- warm.out)" = "$(cut -d" " -f2- plain.out)" ] &&
  [ "$(cut -d" " -f1 plain.out)" = False ] && grep -q " 300000$" warm.out'
cd .. || exit 1

"$PY" -V >v.out 2>&1; "$py" -V >v.ref 2>&1
test_expect_success "-V (an option the server does not take): python itself answers" 'cmp v.out v.ref && [ -s v.ref ]'
echo '[1, 2]' | "$PY" -m json.tool --compact >m.out 2>m.err
test_expect_success "-m json.tool: python itself runs it, stdin and stdout its own" '[ "$(cat m.out)" = "[1,2]" ]'

client=$py_warm_client
"$client" "$TMP/no-such.sock" "$py" -c 'import sys; print("json" in sys.modules); sys.exit(5)' >n.out 2>n.err && nrc=0 || nrc=$?
test_expect_success "no server at the socket: python itself runs the command, its status kept" '
  [ "$nrc" = 5 ] && [ "$(cat n.out)" = False ] && [ ! -s n.err ]'
"$client" >u.out 2>u.err && urc=0 || urc=$?
test_expect_success "no SOCKET or PYTHON: usage, exit 2" '[ "$urc" = 2 ] && grep -q "^usage: pywarm-client SOCKET PYTHON" u.err'
