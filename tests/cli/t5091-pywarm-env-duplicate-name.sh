#!/usr/bin/env bash
# A "$PY" run in a warm server (tests/cli/pywarm.py) given an environment that names a variable
# twice (execve allows it; bash never makes one) sees the first value, as python's own os.environ
# does, not the last; an entry without '=' is left out by both.
. "$WS_ROOT/tests/cli/lib.sh"
need_warm_python "the warm servers' environment" json
cat >dupenv.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
extern char **environ;
/* dupenv PROG ARG...: PROG run with this environment, WS_T_DUP named twice and WS_T_NOEQ with no '=' */
int main(int argc, char **argv)
{
    size_t n = 0;
    while (environ[n]) n++;
    char **env = calloc(n + 4, sizeof *env);
    if (argc < 2 || !env) return 2;
    env[0] = "WS_T_DUP=first", env[1] = "WS_T_DUP=second", env[2] = "WS_T_NOEQ";
    for (size_t i = 0; i < n; i++) env[i + 3] = environ[i];
    execve(argv[1], argv + 1, env);
    perror("dupenv");
    return 127;
}
C
${CC:-cc} -o dupenv dupenv.c || { test_skip "the warm servers' environment" "no C compiler"; exit 0; }
code='import os, sys; print("json" in sys.modules, os.environ.get("WS_T_DUP"), "WS_T_NOEQ" in os.environ)'
# the client itself, as "$PY"'s /bin/sh wrapper execs it (a shell keeps one of each name: its own
# choice, the last, before the client or python sees the environment)
./dupenv "$py_warm_client" "$py_warm_sock" "$py" -c "$code" >warm.out 2>warm.err
./dupenv "$py" -c "$code" >plain.out 2>plain.err
test_expect_success "a name given twice: the first value, as python's own" '
  [ "$(cat plain.out)" = "False first False" ] && [ "$(cat warm.out)" = "True first False" ]'
