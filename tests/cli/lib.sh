# tests/cli/lib.sh — the CLI test library. Source it, then call test_expect_* per case.
# Each case prints "ok NAME", "FAIL NAME: why" or "skip NAME: why". Never pipe a tool under
# test: run it with output redirected to files so its exit status is what we check.
set -u
: "${WS_BIN:?run through tests/run.sh (make check)}"
PATH="$WS_BIN:$PATH"
PY=${PY:-/usr/bin/python3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ws-cli.XXXXXX")
trap '[ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
# A signal (the runner stopped by Ctrl-C, a file's time limit) ends the file through its EXIT
# trap, so that its folder goes too; without a trap bash dies of it and runs none.
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$TMP" || exit 1
# The sqlite3 shell gives up at once on a locked file (the tools wait up to 60 s): a gpu-monitor
# or trial that make has just stopped may still hold the study file for its last write or the
# checkpoint of its closing connection. So the tests' queries wait, as the tools do; a test that
# wants sqlite3 to fail on a held lock runs `command sqlite3`.
sqlite3() { command sqlite3 -cmd ".timeout 30000" "$@"; }
# Debian 12's jq 1.6 exits 0 from -e when its input is empty (no result at all), so `jq -e F out`
# after a tool that printed nothing checked nothing. As jq 1.7 (and 1.6's manual) has it, -e with
# no result at all exits 4 here.
jq() {
  case " $* " in *" -e "*|*" --exit-status "*|*" -"[a-z]*e[a-z]*" "*) ;; *) command jq "$@"; return ;; esac
  local o rc
  o=$(command jq "$@"; echo "x$?")   # the x keeps the output's last newline: "" printed is a result
  rc=${o##*x} o=${o%x*}
  printf '%s' "$o"
  [ "$rc" != 0 ] || [ -n "$o" ] || rc=4
  return "$rc"
}

# test_expect_code CODE NAME COMMAND...: runs COMMAND (stdout → out, stderr → err); passes when
# it exits with CODE.
test_expect_code() {
  local want=$1 name=$2; shift 2
  local rc=0
  "$@" >out 2>err || rc=$?
  if [ "$rc" = "$want" ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc, expected $want; stderr: $(head -c 300 err | tr '\n' ' ')"; fi
}
# test_expect_success NAME 'shell code': the code must exit 0. Its own output goes to .t.out and
# .t.err, so it can inspect out and err of the test_expect_code before it.
test_expect_success() {
  local name=$1 code=$2 rc=0
  ( eval "$code" ) >.t.out 2>.t.err || rc=$?
  if [ "$rc" = 0 ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc; stderr: $(tail -c 400 .t.err | tr '\n' ' ')"; fi
}
# asan_lib TOOL: prints the path of the AddressSanitizer runtime that TOOL (in WS_BIN) loads, and
# fails (printing nothing) when TOOL is not built with it. A test that preloads a shim into TOOL
# puts it first: LD_PRELOAD="$asan${asan:+ }SHIM", as ASan refuses to start after another library.
asan_lib() { ldd "$WS_BIN/$1" 2>/dev/null | awk '$1 ~ /^libasan/ { print $3; found = 1 } END { exit !found }'; }
# asan_built TOOL: TOOL (in WS_BIN) is built with AddressSanitizer (make check SANITIZE=address...).
asan_built() { asan_lib "$1" >/dev/null; }
# slow_fchmod_shim NAME: slow.so, an LD_PRELOAD shim whose fchmod sleeps a second first. A
# temporary (lib/core/atomic.h) gets its fchmod right after mkstemp, so a signal sent once the
# temporary is there comes in that moment, made long. Without a C compiler, NAME is skipped, saying
# so, and it returns 1: `slow_fchmod_shim NAME || exit 0`.
slow_fchmod_shim() {
  cat >slow.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
int fchmod(int fd, mode_t mode)
{
    static int (*real)(int, mode_t);
    if (!real) real = (int (*)(int, mode_t))dlsym(RTLD_NEXT, "fchmod");
    usleep(1000000);   /* a signal ends the sleep; the handler, if any, runs */
    return real(fd, mode);
}
C
  build_shim "$1" slow.c slow.so
}
# swap_in_shim NAME: swap.so, an LD_PRELOAD shim that renames the file WS_SWAP_IN over a path
# ending in /WS_SWAP_AT (default best.ckpt) once, just before the tool uses that path: with
# WS_SWAP_ON=use (the default) before an unlink() of it or a rename() from it (the moment between a
# look at a file and its removal), with WS_SWAP_ON=over before a rename() or renameat2() onto it (the
# moment before a file is put in its place). NAME is skipped where no C compiler builds it; the rest
# of a file: `swap_in_shim NAME || exit 0`.
swap_in_shim() {
  cat >swap.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define REAL(name) static __typeof__(name) *real; if (!real) real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)
static void swap_in(const char *path, const char *on)
{
    REAL(rename);
    const char *in = getenv("WS_SWAP_IN"), *at = getenv("WS_SWAP_AT"), *when = getenv("WS_SWAP_ON");
    if (!at) at = "best.ckpt";
    if (strcmp(when ? when : "use", on)) return;
    size_t n = strlen(path), k = strlen(at);
    if (in && n > k && path[n - k - 1] == '/' && !strcmp(path + n - k, at) && access(in, F_OK) == 0) real(in, path);
}
int unlink(const char *path)
{
    REAL(unlink);
    swap_in(path, "use");
    return real(path);
}
int rename(const char *from, const char *to)
{
    REAL(rename);
    swap_in(from, "use");
    swap_in(to, "over");
    return real(from, to);
}
int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
    REAL(renameat2);
    swap_in(to, "over");
    return real(fromfd, from, tofd, to, flags);
}
C
  build_shim "$1" swap.c swap.so
}
# build_shim NAME SRC OUT: the LD_PRELOAD shim SRC (C) built into OUT; 1 where no C compiler
# builds it, NAME skipped then, saying so. The rest of a file: `build_shim NAME SRC OUT || exit 0`.
build_shim() {
  cc -shared -fPIC -o "$3" "$2" -ldl 2>cc.err && return 0
  test_skip "$1" "no C compiler for the shim: $(head -c 200 cc.err)"
  return 1
}
# sigint_at_exit_shim NAME: sub.so, the LD_PRELOAD shim of sigint-at-exit.c (beside this file):
# the end of the SUB_NTH-th process a shell waits for sends the Ctrl-C. Without a C compiler,
# NAME is skipped, saying so, and it returns 1: `sigint_at_exit_shim NAME || exit 0`.
sigint_at_exit_shim() { build_shim "$1" "$WS_ROOT/tests/cli/sigint-at-exit.c" sub.so; }
# slow_join_shim NAME: join.so, an LD_PRELOAD shim whose pthread_join sleeps 1.5 s first, having
# made the file $JOIN_MARK where that is set. train-trial joins its heartbeat thread just before
# it stores a trial's result, so a study lock taken in that moment (hold-study-lock.py, beside
# this file) meets that write. Without a C compiler, NAME is skipped, saying so, and it returns 1:
# `slow_join_shim NAME || exit 0`.
slow_join_shim() {
  cat >join.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int pthread_join(pthread_t t, void **ret)
{
    static int (*real)(pthread_t, void **);
    if (!real) real = (int (*)(pthread_t, void **))dlsym(RTLD_NEXT, "pthread_join");
    const char *mark = getenv("JOIN_MARK");
    FILE *f = mark ? fopen(mark, "a") : NULL;
    if (f) fclose(f);
    usleep(1500000);
    return real(t, ret);
}
C
  build_shim "$1" join.c join.so
}
# expect_printed_tell_records_fail NAME DB: for the tests of a result not stored whose trial
# FAILed (t0959, t0960): the tell command that train-trial's message (result.err) ends with, run
# as given once the lock is gone, makes trial 0 of study "tones" in DB FAIL with the reason of
# the result line (result), as the study file holds it and as Optuna 3.1 reads it.
expect_printed_tell_records_fail() {
  local name=$1 db=$2   # db: read by the checks below, which test_expect_success evals here
  sed -n 's/.* with: \(tell --db .*\)$/\1/p' result.err >tell.sh
  test_expect_code 0 "$name: the message's tell command, run as given once the lock is gone" \
    bash -c '[ "$(wc -l <tell.sh)" = 1 ] && exec bash tell.sh'
  test_expect_success "... trial 0 FAIL, its reason the result line's" \
    '[ "$(sqlite3 "$db" "SELECT state FROM trials WHERE number = 0")" = FAIL ] &&
     [ "$(sqlite3 "$db" "SELECT value_json FROM trial_system_attributes WHERE key = \"wakesweep:reason\"" | jq -r .)" = "$(jq -r .reason result)" ]'
  need_python "optuna-reads-it" optuna
  cat >read.py <<'P'
import json, sys, optuna
line = json.load(open(sys.argv[2]))
t = optuna.load_study(study_name="tones", storage="sqlite:///" + sys.argv[1]).trials[0]
assert t.state == optuna.trial.TrialState.FAIL, t.state
assert t.system_attrs["wakesweep:reason"] == line["reason"], (t.system_attrs, line["reason"])
P
  test_expect_code 0 "optuna-reads-it: Optuna 3.1 reads trial 0 FAIL with the line's reason" "$PY" read.py "$db" result
}
# can_limit_address_space NAME TOOL: 0 when TOOL can run under an address-space limit (ulimit -v);
# 1 when it is built with AddressSanitizer, whose runtime maps terabytes of shadow address space at
# start, so that no limit leaves it room to run: NAME is skipped then, saying so. The rest of a
# file: `can_limit_address_space NAME TOOL || exit 0`.
can_limit_address_space() {
  asan_built "$2" || return 0
  test_skip "$1" "$2 is built with AddressSanitizer, which maps terabytes of shadow address space at start: no address-space limit (ulimit -v) leaves it room to run"
  return 1
}
# expect_rss_within NAME TOOL KB_FILE BASE_KB_FILE SLACK_KB: the case NAME, a peak resident size
# (/usr/bin/time -f %M, in KB) at most SLACK_KB over the base run's: memory that does not grow with
# what the base run lacks. Skipped, saying why, when TOOL is built with AddressSanitizer, whose
# shadow memory follows every allocation.
expect_rss_within() {
  if asan_built "$2"; then
    test_skip "$1" "$2 is built with AddressSanitizer, whose shadow memory follows every allocation"
    return
  fi
  test_expect_success "$1" "echo \"$3 \$(cat $3) KB, $4 \$(cat $4) KB\" >&2; [ \"\$(cat $3)\" -le \$(( \$(cat $4) + $5 )) ]"
}
# memory_cgroup NAME BYTES: makes a memory cgroup NAME-PID limited to BYTES (cgroup v1
# memory.limit_in_bytes, else v2 memory.max) and prints its folder; prints nothing and fails
# where none can be made (needs root and a writable v1 memory or v2 hierarchy with the memory
# controller). The test runs commands in it with in_cgroup and removes it (rmdir) once they ended.
memory_cgroup() {
  local v1 v2 cg
  v1=$(findmnt -n -t cgroup -O memory -o TARGET | head -1) v2=$(findmnt -n -t cgroup2 -o TARGET | head -1)
  if [ -n "$v1" ] && mkdir "$v1/$1-$$" 2>/dev/null; then
    cg=$v1/$1-$$
    echo "$2" >"$cg/memory.limit_in_bytes" 2>/dev/null || { rmdir "$cg"; return 1; }
  elif [ -n "$v2" ] && grep -qw memory "$v2/cgroup.subtree_control" 2>/dev/null && mkdir "$v2/$1-$$" 2>/dev/null; then
    cg=$v2/$1-$$
    echo "$2" >"$cg/memory.max" 2>/dev/null || { rmdir "$cg"; return 1; }
  else
    return 1
  fi
  echo "$cg"
}
# need_memory_cgroups NAME: the rest of the file trains in memory cgroups and holds train-trial's
# memory to what the kernel counts there. Where no cgroup can be made (memory_cgroup), or where
# train-trial is built with AddressSanitizer (whose shadow memory follows every allocation), it
# skips NAME, saying which, and ends the file.
need_memory_cgroups() {
  local cg
  if ! cg=$(memory_cgroup ws-need $((64 << 20))); then
    test_skip "$1" "no memory cgroup can be made here (needs root and a writable cgroup v1 memory or v2 hierarchy with the memory controller)"
    exit 0
  fi
  rmdir "$cg"
  if asan_built train-trial; then
    test_skip "$1" "train-trial is built with AddressSanitizer, whose shadow memory follows every allocation"
    exit 0
  fi
}
# start_pg_standin MODE: a fresh tests/cli/pg-standin.py (hold, handshake or refuse: a PostgreSQL
# server that answers wrongly or not at all), the one before stopped; sets pg_standin (its pid,
# for the caller's EXIT trap to kill) and pg_port; "counts" in the test's folder says
# "TOTAL OPEN MOST" of its connections.
start_pg_standin() {
  [ -z "${pg_standin:-}" ] || kill "$pg_standin" 2>/dev/null
  rm -f port counts
  "$PY" "$WS_ROOT/tests/cli/pg-standin.py" "$1" >port & pg_standin=$!
  for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
  pg_port=$(cat port)
}
# bin_but DIR TOOL...: DIR made a BIN of WS_BIN's tools (links) but the TOOLs, for the caller to
# write: a tool of its own in a pipeline's place, the others the real ones.
bin_but() {
  local d=$1 t
  shift
  mkdir "$d" || return
  for t in "$WS_BIN"/*; do ln -s "$t" "$d/${t##*/}"; done
  for t; do rm "$d/$t"; done
}
# slow_best_report DIR SECONDS: DIR made a BIN of WS_BIN's tools whose report --best writes the
# first 20 characters of its line, waits SECONDS, then writes the rest (its other forms as they
# are): time for another make staged, or a signal, to meet the one writing best.json.
# The --best form is Python, not bash: a bash that got the group's SIGINT while it waited for the
# real report, which had just ended on its own, took it for the child's to handle (bash's "wait
# and cooperative exit") and slept its SECONDS all the same, so a make staged stopped by Ctrl-C
# took SECONDS to go (t4035 failed in CI so, and 2 of 9 tries here when the signal was sent with
# the real report a zombie). Python turns a SIGINT into KeyboardInterrupt whenever it comes, and
# dies of it at the end, as the real report does.
slow_best_report() {
  bin_but "$1" report
  cat >"$1/report" <<EOF2
#!/usr/bin/env bash
case " \$* " in *" --best "*) exec "$PY" -c '
import subprocess, sys, time
r = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE)
if r.returncode: sys.exit(r.returncode if r.returncode > 0 else 128 - r.returncode)
out = r.stdout.decode()
sys.stdout.write(out[:20]); sys.stdout.flush()
time.sleep(float(sys.argv[1]))
sys.stdout.write(out[20:])' $2 "$WS_BIN/report" "\$@" ;; esac
exec "$WS_BIN/report" "\$@"
EOF2
  chmod +x "$1/report"
}
# in_cgroup CG CMD...: CMD run in the cgroup CG (a bash that moves itself there, then execs CMD).
in_cgroup() { bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$@"; }
# peak_file CG: the file of CG's peak memory use (v1 memory.max_usage_in_bytes, v2 memory.peak);
# fails, printing nothing, where the kernel keeps none.
peak_file() { local f; for f in memory.max_usage_in_bytes memory.peak; do [ -e "$1/$f" ] && echo "$1/$f" && return; done; return 1; }
# peak_of OUT CMD...: CMD run (timeout 300) in a fresh memory cgroup of 1 GiB, its stdout in OUT,
# its stderr in OUT.err and its peak use (bytes, or "none" where the kernel keeps none) in OUT.peak.
peak_of() {
  local o=$1 cg f
  shift
  cg=$(memory_cgroup ws-peak $((1 << 30))) || return 1
  in_cgroup "$cg" timeout 300 "$@" >"$o" 2>"$o.err"
  if f=$(peak_file "$cg"); then cat "$f" >"$o.peak"; else echo none >"$o.peak"; fi
  rmdir "$cg"
}
# readme_loop: the README's ask/tell loop (the ```sh block after "Any trainer can take part through
# ask/tell:"), its bin/ the tools under test (WS_BIN: another build tree under make check
# SANITIZE=...), on stdout, for the tests that run it as written.
readme_loop() {
  awk '/^Any trainer can take part through ask\/tell:/ { on = 1; next }
       on && /^```sh$/ { inside = 1; next }
       inside && /^```$/ { exit }
       inside' "$WS_ROOT/README.md" | sed "s|bin/|$WS_BIN/|g"
}

# closed_pipe: each line of stdin a command (split at blanks) run with stdout a pipe whose reader
# is closed before it starts (certain, where a shell pipe would race the reader's exit), SIGPIPE
# at its default in the command (Python's subprocess sets it so) whatever the test runner was
# started with; prints "signal N" or "exit N" per command, its stderr in err.K (K from 1).
closed_pipe() {
  "$PY" -c '
import os, subprocess, sys
for k, line in enumerate(sys.stdin, 1):
    r, w = os.pipe()
    os.close(r)
    with open("err.%d" % k, "wb") as err:
        p = subprocess.run(line.split(), stdout=w, stderr=err, stdin=subprocess.DEVNULL)
    os.close(w)
    print("signal %d" % -p.returncode if p.returncode < 0 else "exit %d" % p.returncode)
'
}

# test_skip NAME WHY
test_skip() { echo "skip $1: $2"; }
# need_strace NAME: the rest of the file traces the tools with strace; where it is not installed
# or cannot trace (ptrace refused), skips NAME, saying so, and returns 1: `need_strace NAME || exit 0`.
need_strace() {
  command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null && return 0
  test_skip "$1" "strace is not installed or cannot trace here (ptrace refused)"
  return 1
}
# traced_reads TRACE NAME: the bytes read from the file whose path ends in NAME, in the traces
# TRACE.PID of `strace -ff -y -e trace=read,pread64 -o TRACE` (a file a thread, so no call is split
# in two by another thread's and -y names the file on the line that has its result).
traced_reads() {
  cat "$1".* | awk -v name="$2>" 'index($0, name) && $NF ~ /^[0-9]+$/ { s += $NF } END { print s + 0 }'
}
# need_python NAME MODULE...: the rest of the file needs $PY to import each MODULE (Debian's
# python3-MODULE, the tests' reference): without one, skips NAME, saying which, and ends the file.
# The MODULEs are imported once, in py_warm's server (below), which the file's "$PY" runs use after;
# optuna alone with a storage's first-use costs paid there too (tests/cli/pywarm_optuna.py), in
# the run's one server of t0006's and t0008's MODULEs.
need_python() {
  local name=$1 pkgs; shift
  if [ "$*" = optuna ]; then py_warm optuna pywarm_optuna; else py_warm "$@"; fi
  "$PY" -c "import $(IFS=,; echo "$*")" 2>/dev/null && return 0
  pkgs=$(printf 'python3-%s or ' "$@"); pkgs=${pkgs% or }
  test_skip "$name" "$pkgs is not installed (make deps installs $([ $# = 1 ] && echo it || echo them))"
  exit 0
}

# byte_length TEXT: its length in bytes into REPLY (${#TEXT} counts characters in a UTF-8 locale)
byte_length() { local LC_ALL=C; REPLY=${#1}; }
# py_warm MODULE...: the file's "$PY" runs from here on start with MODULE... imported already
# (tests/cli/pywarm.py: a server that imports them once and runs each "$PY" ARGS... in a fork of
# itself, with the caller's files, folder and environment, handed over by its client,
# tests/cli/pywarm-client.c, which make check builds): import optuna is about 1.2 s of CPU,
# import torch 2-3 s. Under tests/run.sh (WS_FIXTURES and WS_RUN_PID set) the server is the run's,
# one per set of MODULEs, started by the first file that asks and used by the others: paid once
# per run instead of once per file. A file run alone has one of its own, stopped as it exits.
# need_python calls it.
py_warm() {
  local sock=$TMP/.pywarm.sock i client=${WS_BUILD:-$WS_ROOT/build}/tests/pywarm-client
  [ -z "${py_warm_pid:-}" ] || return 0   # one server per file: the first call's MODULEs
  [ -x "$client" ] || return 0   # its client not built (make check builds it): "$PY" stays python
  local run_sock
  printf -v run_sock '%s+' "$@"
  run_sock=${WS_FIXTURES:-}/pywarm-${run_sock%+}.sock
  # a socket's path has room for 107 bytes (sun_path): past that no server could bind it, and
  # each "$PY" run paid the imports (t0012's eight modules), so such a set has the file's own
  byte_length "$run_sock"
  if [ -n "${WS_FIXTURES:-}" ] && [ -n "${WS_RUN_PID:-}" ] && [ "$REPLY" -le 107 ] && mkdir -p "$WS_FIXTURES"; then
    sock=$run_sock
    py_warm_pid=run
    # a second file's server for the same MODULEs, started in the same moment, finds it bound
    # and exits; the server leaves this file's process group and open files (pywarm.py)
    [ -S "$sock" ] || { (cd "$WS_FIXTURES" && PYWARM_PYTHON=$PY exec "$PY" "$WS_ROOT/tests/cli/pywarm.py" serve-run "$sock" \
        "$WS_RUN_PID" "$@" </dev/null >/dev/null 2>>"$sock.err") & disown "$!"; }
  else
    PYWARM_PYTHON=$PY "$PY" "$WS_ROOT/tests/cli/pywarm.py" serve "$sock" "$@" </dev/null >/dev/null 2>"$TMP/.pywarm.err" &
    py_warm_pid=$!
    # Not a job of the file's (a bare `wait` in it would wait for the server for good); still its
    # child, so that bash reaps it: stopped on exit, and its runs' CPU time counts as the file's.
    disown "$py_warm_pid"
    # The server stopped in front of the file's EXIT trap, not in its place: lib.sh's (its folder
    # removed) or one the file set before calling this (t4005's stops its stand-in trials' sleeps,
    # which a replaced trap left running for their 30 s).
    local prev
    prev=$(trap -p EXIT)   # "trap -- 'CMD' EXIT", or nothing: CMD, quoted as the shell reads it
    prev=${prev#trap -- } prev=${prev% EXIT}
    eval "prev=$prev"
    trap 'kill "$py_warm_pid" 2>/dev/null; for i in $(seq 100); do kill -0 "$py_warm_pid" 2>/dev/null || break; sleep 0.02; done
          '"$prev" EXIT
  fi
  for ((i = 0; i < 200; i++)); do [ -S "$sock" ] && break; sleep 0.01; done
  [ -S "$sock" ] || return 0   # no server: "$PY" stays python itself
  printf '#!/bin/sh\nexec %q %q %q "$@"\n' "$client" "$sock" "$PY" >"$TMP/.pywarm-py"
  chmod +x "$TMP/.pywarm-py"
  py_warm_client=$client py_warm_sock=$sock
  PY=$TMP/.pywarm-py
}
# need_warm_python NAME MODULE...: need_python, for the tests of the warm servers themselves: the
# file's "$PY" runs must go to a server, so NAME is skipped, saying why, where py_warm started
# none. Sets py to python itself (the reference), and py_warm_client and py_warm_sock are the
# client and socket "$PY" runs (to call the client another way).
need_warm_python() {
  py=$PY
  need_python "$@"
  [ "$PY" != "$py" ] || { test_skip "$1" "py_warm started no server (its client not built?)"; exit 0; }
}

# stand_in_run: for the tests of py_warm's run-wide servers (t5082, t5085, t5086), called before
# need_python: py (python itself, as "$PY" is before py_warm), fix (a WS_FIXTURES of the test's
# own) and runner (a process standing in for tests/run.sh's, WS_RUN_PID), both gone as the file
# exits. as_run_file [VAR=VALUE...] CMD...: CMD as a file of that run starts it (PY=... replaces py).
stand_in_run() {
  py=$PY fix=$TMP/run/fixtures
  mkdir -p "$TMP/run" "$TMP/tmp"
  sleep 300 & runner=$!
  trap 'kill "$runner" 2>/dev/null; rm -rf "$fix"; sleep 0.6; [ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
}
as_run_file() { env PY="$py" WS_FIXTURES="$fix" WS_RUN_PID="$runner" TMPDIR="$TMP/tmp" "$@"; }

# flip_byte FILE OFFSET: the byte at OFFSET inverted (every bit), so that the file surely
# changes; writing a fixed byte there left it as it was whenever it already held that byte (the
# test audio is dithered by sox: 1 run in 256).
flip_byte() {
  local b
  b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
  printf "\\$(printf %03o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# test_run_cases PREFIX CMD...: a C test's case lines ("ok/FAIL/skip NAME") passed on as
# PREFIX/NAME, its "#" remarks to stderr; a non-zero exit without a FAIL line is a failure too.
test_run_cases() {
  local prefix=$1 rc=0; shift
  "$@" >cases.out 2>cases.err || rc=$?
  sed -n "s#^\(ok\|FAIL\|skip\) \([^:]*\)#\1 $prefix/\2#p" cases.out
  grep '^#' cases.out >&2
  if [ "$rc" != 0 ] && ! grep -q '^FAIL' cases.out; then
    echo "FAIL $prefix: exited with status $rc: $(tail -c 300 cases.err | tr '\n' ' ')"
  fi
}

# on_tty OUT CMD...: CMD with its stderr on a terminal (a pty; stdin and stdout /dev/null), what it
# wrote there in OUT, and CMD's exit status: for what a tool shows only on a terminal (progress).
on_tty() {
  "$PY" - "$@" <<'P'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=s)
os.close(s)
out = b""
while True:
    try: b = os.read(m, 65536)
    except OSError: break   # EIO: the child's side closed
    if not b: break
    out += b
open(sys.argv[1], "wb").write(out)
sys.exit(p.wait())
P
}

# chromium_probe HTML JS WIDTH NAME: HTML laid out by headless chromium in a window WIDTH px wide,
# with JS run at the end of its body (a script that leaves its findings as the text of a
# <pre id="ws-probe"> it appends): the findings in NAME.got (one line), chromium's console and
# errors in NAME.err. Returns 1, running nothing, where there is no chromium (the caller skips:
# Debian package chromium). The report tests' one way to measure a page as a browser lays it out.
chromium_probe() {
  local chromium
  chromium=$(command -v chromium || command -v chromium-browser) || return 1
  sed "s|</body>|$(echo "$2" | tr '\n' ' ' | sed 's/[&|]/\\&/g')</body>|" "$1" >"$4.html"
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" --enable-logging=stderr --v=0 --window-size="$3",3000 \
    --dump-dom "file://$TMP/$4.html" >"$4.out" 2>"$4.err"
  tr -d '\n' <"$4.out" | sed -n 's/.*<pre id="ws-probe">\([^<]*\)<.*/\1/p' >"$4.got"
}

# label_overlap_probe SELECTOR: chromium_probe's JS listing each axis name (text.label) of the
# SVG plots SELECTOR matches that is drawn over another text of the same plot, as
# "overlaps:PLOT: NAME over TEXT;..." ("overlaps:" where none is).
label_overlap_probe() {
  printf '%s' '<script>const bad=[];for(const s of document.querySelectorAll("'"$1"'")){const ts=[...s.querySelectorAll("text")];
for(const a of ts.filter(t=>t.classList.contains("label"))){const r=a.getBoundingClientRect();for(const b of ts){if(b===a)continue;
const q=b.getBoundingClientRect();if(r.width&&q.width&&r.left<q.right-1&&q.left<r.right-1&&r.top<q.bottom-1&&q.top<r.bottom-1)
bad.push(s.id+": "+a.textContent+" over "+b.textContent);}}}
const p=document.createElement("pre");p.id="ws-probe";p.textContent="overlaps:"+bad.join(";");document.body.appendChild(p);</script>'
}
