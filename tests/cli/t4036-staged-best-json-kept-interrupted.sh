#!/usr/bin/env bash
# Stage 1's best moved after stage 2 began: best.json's recipe keeps the params stage 2 began
# with and touches best.json (so that it is newer than stage 1's .done). A make staged stopped by
# Ctrl-C just after that touch had make delete best.json (an interrupted target whose time had
# changed), and the next make staged wrote stage 1's new best there and ran stage 2's trials with
# other fixed params than its first ones. best.json, only ever renamed whole or touched, is now
# precious: an interrupted make leaves it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config s1.json tones-bk-1 1
jq '.study = "tones-bk-2" | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' s1.json >s2.json
staged() {  # STAGED_RUNS [make args...]
  local runs=$1; shift
  make -s -C "$WS_ROOT" -j2 staged BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" \
    STAGE1="$TMP/s1.json" STAGE2="$TMP/s2.json" STAGED_RUNS="$TMP/$runs" MONITOR_INTERVAL=0.2 "$@"
}
lrs2() { report --db st/study.db --study tones-bk-2 --format jsonl | jq -r .params.learning_rate | sort -u; }
# A touch (first on PATH for make's recipes) that waits 30 s after it touched a best.json: time
# to stop make staged there.
mkdir path
cat >path/touch <<EOF2
#!/usr/bin/env bash
$(command -v touch) "\$@" || exit
case "\$*" in *best.json) : >"$TMP/touched"; sleep 30 ;; esac
EOF2
chmod +x path/touch
test_expect_success "make staged, then a stage-1 trial better than any (told 2): stage 1's best moves" '
  staged st STAGE_TRIALS=1 >st1.out 2>st1.err && cp st/stage-1/best.json best.kept && [ "$(lrs2)" = "$(jq -r .params.learning_rate best.kept)" ] &&
  n=$(suggest --db st/study.db --config s1.json | jq .trial) &&
  tell --db st/study.db --study tones-bk-1 --trial "$n" --state complete --value 2 >/dev/null'
test_expect_success "make staged STAGE_TRIALS=2 stopped by Ctrl-C just after it kept best.json (touched)" '
  ( "$PY" -c "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])" \
      env PATH="$TMP/path:$PATH" bash -c "$(declare -f staged); TMP=$TMP WS_ROOT=$WS_ROOT WS_BUILD=$WS_BUILD WS_BIN=$WS_BIN staged st STAGE_TRIALS=2" \
      >st2.out 2>&1 & echo $! >st2.pid; wait ) &
  for _ in $(seq 600); do [ -e touched ] && break; sleep 0.1; done && [ -e touched ] &&
  kill -INT -- -"$(cat st2.pid)" && for _ in $(seq 100); do kill -0 "$(cat st2.pid)" 2>/dev/null || break; sleep 0.1; done'
test_expect_success "... best.json is still there, with the params stage 2 began with" 'cmp -s best.kept st/stage-1/best.json'
test_expect_success "... the next make staged runs stage 2 on with them" '
  staged st STAGE_TRIALS=2 >st3.out 2>st3.err && cmp -s best.kept st/stage-1/best.json && [ "$(lrs2)" = "$(jq -r .params.learning_rate best.kept)" ] &&
  [ "$(sqlite3 st/study.db "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = \"tones-bk-2\" AND state = \"COMPLETE\"")" = 2 ]'
