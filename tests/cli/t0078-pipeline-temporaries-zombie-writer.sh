#!/usr/bin/env bash
# The pipelines tell a temporary left by a killed writer (ws_write's FILE.tmp.PID: the reports,
# the cache's .source) from a live writer's by its PID. A writer killed with its make (kill -9 of
# the process group) is a zombie until something reaps it: at once where the machine's init
# does, for good in a container whose PID 1 reaps nothing (a shell, a sleep). `kill -0` answers
# for a zombie as for a live process, so its temporaries were never removed, and a cache whose
# make was killed while it featurized (t0077) was trusted; the C tools (ws_process_gone) take a
# zombie for gone. Here the writer is a zombie for the test's length: a child that exited,
# whose parent (exec'd into sleep) never waits for it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_sweep_config c.json tones-zombie 1
( sleep 0.01 & echo $! >zpid; exec sleep 120 ) &
holder=$!
for _ in $(seq 100); do [ -s zpid ] && grep -qs '^State:.Z' "/proc/$(cat zpid)/status" && break; sleep 0.05; done
z=$(cat zpid)
test_expect_success "a zombie writer (pid $z)" 'grep -q "^State:.Z" /proc/$z/status'

test_expect_success "a sweep" 'tone_sweep r TRIALS=1 >r1.out 2>&1 && [ -s r/report.html ]'
test_expect_success "... report temporaries of the zombie writer are removed by the next reports" '
  : >r/report.json.tmp.$z && : >r/report.html.tmp.$z && rm r/report.json &&
  tone_sweep r TRIALS=1 >r2.out 2>&1 && [ -s r/report.json ] && [ "$(ls -a r | grep -c "\.tmp\.")" = 0 ]'
feats() { ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/f/x.feat"; }
test_expect_success "make features" 'feats >f1.out 2>&1 && [ -s f/x.feat ] && [ -s f/.x.feat.source ]'
test_expect_success "... a .source temporary of the zombie writer (a make killed while it featurized): made again, removed" '
  : >f/.x.feat.source.tmp.$z && feats >f2.out 2>&1 && grep -q "\"cache\"" f2.out && [ "$(ls -a f | grep -c "\.tmp\.")" = 0 ]'
test_expect_success "... a live writer's is left alone (another make featurizing now), nothing made" '
  : >f/.x.feat.source.tmp.$holder && feats >f3.out 2>&1 && ! grep -q "\"cache\"" f3.out && [ -e f/.x.feat.source.tmp.$holder ]'
kill "$holder" 2>/dev/null
