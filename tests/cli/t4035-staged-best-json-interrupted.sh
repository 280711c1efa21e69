#!/usr/bin/env bash
# make staged stopped while it writes stage 1's best (stage-1/best.json, between stage 1's last
# trial and stage 2): best.json's recipe writes its own temporary (best.json.tmp.PID), not
# through ws_write, and left it for good after Ctrl-C, kill (TERM) or kill -9, where the
# reports' temporaries are removed (t0812). Now Ctrl-C and TERM remove it at once, and the next
# make staged removes one whose writer is gone (kill -9), leaving a live writer's alone.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config s1.json tones-bj-1 1
jq '.study = "tones-bj-2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' s1.json >s2.json
# A BIN whose report --best writes half its line, then waits 30 s: time to stop make staged there.
slow_best_report shim 30
staged() {  # STAGED_RUNS [make args...]
  local runs=$1; shift
  make -s -C "$WS_ROOT" -j2 staged BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
    STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" STAGED_RUNS="$TMP/$runs" STAGE_TRIALS=1 MONITOR_INTERVAL=0.2 "$@"
}
# start RUNS: make staged with the shim in a process group of its own (SIGINT at its default, as
# under a terminal); its pid in RUNS.pid; waits for best.json's temporary.
start() {
  ( "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
      bash -c "$(declare -f staged); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN staged $1 BIN=$TMP/shim" \
      >"$1.out" 2>&1 & echo $! >"$1.pid"; wait ) &
  local t
  for _ in $(seq 600); do
    t=("$TMP/$1"/stage-1/best.json.tmp.*); [ -e "${t[0]}" ] && return 0
    sleep 0.1
  done
  return 1
}
gone() { for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
temps() { ls -a "$1/stage-1" | grep -c '\.tmp\.' || true; }

for sig in INT TERM; do
  test_expect_success "make staged stopped by SIG$sig while it writes stage-1/best.json" '
    { start b$sig || { echo "no temporary of best.json after 60 s: $(tail -c 300 b$sig.out)" >&2; false; }; } &&
    kill -$sig -- -"$(cat b$sig.pid)" &&
    { gone "$(cat b$sig.pid)" || { echo "make staged still there 10 s after SIG$sig:" >&2; ps -o pid,stat,args -g "$(cat b$sig.pid)" >&2; false; }; }'
  test_expect_success "... leaves no temporary of best.json, nor a best.json" '[ "$(temps b$sig)" = 0 ] && [ ! -e b$sig/stage-1/best.json ]'
  test_expect_success "... the next make staged writes it and runs stage 2 from it" '
    staged b$sig >b$sig.2.out 2>b$sig.2.err && [ "$(temps b$sig)" = 0 ] &&
    [ "$(jq -c .params b$sig/stage-1/best.json)" = "$(report --db b$sig/study.db --study tones-bj-1 --best | jq -c .params)" ] &&
    [ "$(sqlite3 b$sig/study.db "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = \"tones-bj-2\" AND state = \"COMPLETE\"")" = 1 ]'
done

test_expect_success "make staged killed by kill -9 (make and its children) while it writes stage-1/best.json" '
  start bk && kill -9 -- -"$(cat bk.pid)" && gone "$(cat bk.pid)" && [ "$(temps bk)" = 1 ] &&
  t=(bk/stage-1/best.json.tmp.*) && gone "${t[0]##*.}"'
sleep 60 & live=$!
test_expect_success "... the next make staged removes its temporary, and leaves a live writer's" '
  : >bk/stage-1/best.json.tmp.$live && staged bk >bk2.out 2>bk2.err && jq -e .params bk/stage-1/best.json >/dev/null &&
  [ "$(ls -a bk/stage-1 | grep "\.tmp\.")" = "best.json.tmp.$live" ]'
kill "$live"
