#!/usr/bin/env bash
# A "$PY" run in a py_warm server (tests/cli/pywarm.py) is a fork of the server: it had the
# client's files, folder and environment, but the server's umask and resource limits, those of
# the file that started the server, which under tests/run.sh is any file of the run. A file that
# set `umask 077` or `ulimit -n` before "$PY" had them ignored, and a file that set them before
# need_python gave them to every other file's runs. Now a client whose umask or limits differ
# from the server's has python run itself (as for PYTHON* variables that differ). So does one
# whose $PY is not the server's python (the run's servers are found by their modules alone).
# The files here are small scripts sourcing lib.sh, with a WS_FIXTURES and WS_RUN_PID of this
# test's own (as t5082); the reference is what python itself reports and the modes of its files.
. "$WS_ROOT/tests/cli/lib.sh"
stand_in_run
need_python "umask and limits of a run" json

# A run's report: its umask, its soft limit of open files, whether the server's modules were there
# (True: it ran in the server), and a file it made (NAME.made)
cat >report.py <<'P'
import os, resource, sys
um = os.umask(0o22); os.umask(um)
open(sys.argv[1] + ".made", "w").close()
print(oct(um), resource.getrlimit(resource.RLIMIT_NOFILE)[0], "json" in sys.modules)
P
cat >file.sh <<'EOF'
. "$WS_ROOT/tests/cli/lib.sh"
umask 022   # whatever the run's: the cases below set their own
eval "$1"
need_python "a file's json" json
eval "$2"
"$PY" "$WS_ROOT/../report.py" "$3"
EOF
sed -i "s|\$WS_ROOT/../report.py|$TMP/report.py|" file.sh
nofile=$(ulimit -S -n)
mode() { stat -c %a "$1"; }

as_run_file bash file.sh : : "$TMP/a" >a.out 2>a.err
test_expect_success "a run with the server's umask and limits: in the server" '
  [ "$(cat a.out)" = "0o22 $nofile True" ] && [ "$(mode a.made)" = 644 ]'
as_run_file bash file.sh : "umask 077" "$TMP/b" >b.out 2>b.err
test_expect_success "umask 077 before \"\$PY\": its files made 600, as python's" '
  [ "$(cut -d" " -f1 b.out)" = 0o77 ] && [ "$(mode b.made)" = 600 ]'
as_run_file bash file.sh : "ulimit -S -n 100" "$TMP/c" >c.out 2>c.err
test_expect_success "ulimit -S -n 100 before \"\$PY\": python has 100 open files at most" '
  [ "$(cut -d" " -f2 c.out)" = 100 ]'

# A server started by a file that set them before need_python: the other files' runs keep theirs.
rm -rf "$fix"
as_run_file bash file.sh "umask 077; ulimit -S -n 90" : "$TMP/d" >d.out 2>d.err
as_run_file bash file.sh : : "$TMP/e" >e.out 2>e.err
test_expect_success "a server started under umask 077 and ulimit -n 90: another file's run has its own" '
  [ "$(cat d.out)" = "0o77 90 True" ] && [ "$(cut -d" " -f1,2 e.out)" = "0o22 $nofile" ] && [ "$(mode e.made)" = 644 ]'

# The run's servers are found by their MODULEs alone: a file whose $PY is another python (here
# the same one, in development mode) had its runs made by the server's python.
printf '#!/bin/sh\nexec %q -X dev "$@"\n' "$py" >py-dev && chmod +x py-dev
cat >dev.sh <<'EOF2'
. "$WS_ROOT/tests/cli/lib.sh"
need_python "a file's json" json
"$PY" -c 'import sys; print(sys.flags.dev_mode)'
EOF2
rm -rf "$fix"   # a server of the run's umask and limits
as_run_file bash file.sh : : "$TMP/f" >f.out 2>f.err
as_run_file PY="$TMP/py-dev" bash dev.sh >g.out 2>g.err
test_expect_success "a file whose \$PY is another python: its runs are that python's" '
  grep -q " True$" f.out && [ "$(cat g.out)" = True ]'
