#!/usr/bin/env bash
# make features stopped by Ctrl-C (SIGINT to its process group) while the cache's recipe waits for
# another make's lock on the cache: the recipe's INT trap removes the source note's temporary,
# which it names in $src once it holds the lock; until then $src was whatever the environment
# held, and the trap removed that file, a user's. Now the recipe empties src first.
# Also: the recipe's start time falls back to date where bash has no $EPOCHREALTIME (bash < 5.0).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
mkdir f
echo "the user's" >precious
# another make's lock on the cache, held for 30 s at most
flock f/.x.feat.lock sleep 30 & holder=$!
trap 'kill $holder 2>/dev/null; [ ! -e make.pid ] || kill -KILL -- -"$(cat make.pid)" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -e f/.x.feat.lock ] && ! flock -n f/.x.feat.lock true && break; sleep 0.05; done
# make in a session of its own (SIGINT as a terminal's Ctrl-C finds it), src in its environment
src=$TMP/precious "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
  make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f/x.feat" \
  >make.out 2>&1 & echo $! >make.pid
mk=$(cat make.pid)
# the recipe waits for the lock: its flock is in make's session
waiting=
for _ in $(seq 600); do pgrep -s "$mk" -x flock >/dev/null && { waiting=1; break; }; sleep 0.1; done
kill -INT -- -"$mk" 2>/dev/null
for _ in $(seq 100); do kill -0 "$mk" 2>/dev/null || break; sleep 0.1; done
test_expect_success "the recipe waited for the other make's lock when the Ctrl-C came" '[ -n "$waiting" ]'
test_expect_success "make is gone within 10 s of the Ctrl-C" '! kill -0 "$mk" 2>/dev/null'
test_expect_success "the file src named in make's environment is still there" '[ "$(cat precious)" = "the user'"'"'s" ]'
kill $holder 2>/dev/null; wait $holder 2>/dev/null
rm -f make.pid

# bash without $EPOCHREALTIME (before 5.0; here bash with it unset, the recipes' SHELL a wrapper):
# the start comes from date, and the cache is made (touch -d @ with nothing after it failed)
cat >bash-no-epoch <<'SH'
#!/bin/bash
if [ "${1-}" = -c ]; then shift; exec /bin/bash -c "unset EPOCHREALTIME; $1" "${@:2}"; fi
exec /bin/bash "$@"
SH
chmod +x bash-no-epoch
test_expect_success "make features without \$EPOCHREALTIME makes the cache and its source note" '
  make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" SHELL="$TMP/bash-no-epoch" features \
    DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/g/x.feat" >g.out 2>&1 || { cat g.out >&2; false; }
  [ -s g/x.feat ] && [ -s g/.x.feat.source ]'
