#!/usr/bin/env bash
# tests/stress/kill-anywhere.sh — crash-consistency stress of `make -j2 sweep` (not part of
# make check: it runs for as long as it is asked to, and its kill moments are random).
#
#   bash tests/stress/kill-anywhere.sh [CAMPAIGNS]        (default 5; after `make`)
#
# Each campaign is a fresh sweep of TRIALS (4 to 8, drawn) trials of E epochs (1 to 10, drawn;
# E + 1 from trial 2 on, budget.epochs a schedule) on the tiny
# tone corpus of the CLI tests (tests/cli/fixtures.sh: 48 one-second clips), whose feature cache
# the sweep itself makes (so featurize can be interrupted too). The sweep is started, its whole
# process group is sent SIGKILL (sometimes SIGINT, as a terminal's Ctrl-C, or SIGTERM; or make
# alone is killed, its trials living on beside the next make: "KILL-make") after a
# random delay spread over a whole run (a third of those within its first half second: make
# reading its makefiles, featurize, the first suggest), or (half the kills) at the first moment,
# polled, that a chosen program runs or a chosen temporary is there (featurize, suggest,
# train-trial, a checkpoint's or trial file's or report's temporary, the report, the monitor,
# tell), then started again, KILLS times
# (1 to 5, drawn); then run to its end. After each kill: every trial file there is one valid
# JSON line, integrity_check is ok, a cache or report.json there is whole. After the end, the pipeline's promises (README, "Interrupt
# it at any point"; pipelines/sweep.mk):
#   - the last make exits 0 and a make run again after it does nothing (no trial made);
#   - TRIALS trial files, each one valid JSON line, of distinct trials, each finished
#     (COMPLETE, PRUNED or FAIL) in the study with the file's state;
#   - finished trials add up: the study's COMPLETE + PRUNED + FAIL = TRIALS + the interrupted
#     trials, each of those FAIL, marked died, and retried (a later trial's failed_trial names
#     it) with its params and its seed, and (budget.epochs a schedule by trial number) the epochs
#     of the trial it retries; no trial RUNNING or WAITING; no trial tag (target)
#     finished twice other than by an interrupted trial;
#   - PRAGMA integrity_check is ok;
#   - report.json parses and agrees with the study; report.html parses as HTML (python's parser)
#     and ends with </html>;
#   - best.ckpt, if any, loads with train-trial --evaluate and holds the study's best trial;
#   - every line of monitor.jsonl (appended by each run's gpu-monitor) a JSON object;
#   - no temporary (*.tmp.*) left under RUNS or beside the cache; no gpu-monitor of RUNS running.
# Every kill moment is logged with what was running then (kills.log: signal, delay, the group's
# programs, the temporaries present), and a summary of the moments covered is printed at the
# end. Exit status: 0 when every check of every campaign held, 1 otherwise (the failing
# campaign's folder is kept and named). Environment: WS_BIN (default bin), STRESS_SEED (the
# draws), STRESS_DIR (where campaigns run; default a new folder under TMPDIR, removed when all
# held), STRESS_EPOCHS (drawn from 1, 2, 5, 10 by default; 1 or 2 staged), STRESS_PIPELINE (sweep, the
# default, or staged: make staged of STAGE_TRIALS 2 to 4, checked by check_final_staged).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export WS_ROOT=$here WS_BIN=${WS_BIN:-$here/bin} WS_BUILD=${WS_BUILD:-$here/build}
PY=/usr/bin/python3   # the tests' python (json and html parsers; SIGINT reset, setsid)
campaigns=${1:-5}
RANDOM=${STRESS_SEED:-$$}
echo "kill-anywhere: seed ${STRESS_SEED:-$$}, $campaigns campaigns"
dir=${STRESS_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ws-stress.XXXXXX")}
mkdir -p "$dir" && cd "$dir" || exit 1
sqlite3() { command sqlite3 -cmd ".timeout 30000" "$@"; }
seed_saved=$RANDOM
# the corpus, once (fixtures.sh's tone corpus; its cache is made here only to check featurize works)
. "$WS_ROOT/tests/cli/fixtures.sh"
[ -s tones/manifest.jsonl ] || make_tone_cache tones || { echo "kill-anywhere: cannot make the tone corpus" >&2; exit 1; }
RANDOM=$seed_saved

# STRESS_PIPELINE=staged: make staged (pipelines/staged.mk) instead, STAGE_TRIALS (2 to 4, drawn)
# a stage, each stage checked as a sweep is (check_final_staged), and stage 2's trials all with
# stage 1's best (best.json) fixed; kills aimed at the stage boundaries too (best.json's report
# --best and its temporary, stage 2's first suggest, a .done written).
pipeline=${STRESS_PIPELINE:-sweep}
# sweep_cmd C: the make command line of campaign C's sweep (or staged run).
sweep_cmd() {
  local c=$1
  [ "$pipeline" != staged ] || { echo make -s -C "$WS_ROOT" -j2 staged BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$dir/tones/manifest.jsonl" \
    FEATURES="$dir/$c/tones.feat" STAGE1="$dir/$c/s1.json" STAGE2="$dir/$c/s2.json" STAGE_TRIALS="$(cat "$dir/$c/trials")" \
    STAGED_RUNS="$dir/$c/runs" MONITOR_INTERVAL=0.2; return; }
  echo make -s -C "$WS_ROOT" -j2 sweep BUILD="$WS_BUILD" BIN="$WS_BIN" DATA="$dir/tones/manifest.jsonl" \
    FEATURES="$dir/$c/tones.feat" CONFIG="$dir/$c/config.json" TRIALS="$(cat "$dir/$c/trials")" RUNS="$dir/$c/runs" \
    MONITOR_INTERVAL=0.2
}
# start C LOG: the sweep in a process group of its own, SIGINT at its default (as under a
# terminal, not ignored as in a background job); prints its pid.
start() {
  # shellcheck disable=SC2046
  "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
    $(sweep_cmd "$1") >>"$2" 2>&1 </dev/null &
  echo $!
}
gone_group() {  # PGID [TRIES]: waits (0.1 s a try) until no process is left in the group
  local i
  for i in $(seq "${2:-100}"); do pgrep -g "$1" >/dev/null || return 0; sleep 0.1; done
  return 1
}
# what the group is doing now: its programs (one word each) and the temporaries present
# snap PGID C: what the group is doing now, cheaply (one ps; the temporaries by the shell's own
# globbing), into snap_ps and snap_tmps: polled for aimed kills
snap() {
  local t
  snap_ps=$(ps -o stat=,args= -g "$1" 2>/dev/null)
  snap_tmps=
  for t in "$dir/$2"/*.tmp.* "$dir/$2"/.*.tmp.* "$dir/$2"/runs/*.tmp.* "$dir/$2"/runs/.*.tmp.* \
           "$dir/$2"/runs/stage-*/*.tmp.* "$dir/$2"/runs/stage-*/.*.tmp.*; do
    [ -e "$t" ] && snap_tmps+="${t##*/} "
  done
}
# moment: snap's findings as one line: the group's programs (one word each) and the temporaries
moment() {
  local progs tmps
  progs=$(awk '$1 !~ /^Z/ { $1 = ""; sub(/^ /, "")
      n = split($1, p, "/"); w = p[n]
      if (w == "bash" && $2 ~ /trial\.sh$/) w = "trial.sh"
      else if (w == "bash" && $2 ~ /monitor\.sh$/) w = "monitor.sh"
      else if (w == "bash" || w == "sh") next   # shells (zombies, ended but not reaped, are left out above)
      if (w == "report") { for (i = 2; i <= NF; i++) if ($i == "--format") w = "report-" $(i + 1) }
      if (w == "train-trial" && / --result-of /) w = "train-trial-result-of"
      print w }' <<<"$snap_ps" | sort | uniq -c | awk '{ printf "%s%s", s, $2 (($1 > 1) ? "x" $1 : ""); s = "," }')
  tmps=$(tr ' ' '\n' <<<"$snap_tmps" | sed 's/\.tmp\..*/.tmp/' | grep . | sort -u | tr '\n' ',')
  echo "progs=${progs:-none} tmps=${tmps%,}"
}

fail=0
fails() { echo "FAIL campaign $c: $*"; bad=1; }
# check_partial C: what must hold after any kill
check_partial() {
  local c=$1 f
  for f in "$c"/runs/trial-*.json "$c"/runs/stage-*/trial-*.json; do
    [ -e "$f" ] || continue
    [ "$(wc -l <"$f")" = 1 ] && jq -e 'type == "object" and (.state | IN("COMPLETE","PRUNED","FAIL"))' "$f" >/dev/null 2>&1 ||
      fails "after kill $k: $f is not one JSON line of a finished trial: $(head -c 200 "$f")"
  done
  if [ -e "$c/runs/study.db" ]; then
    [ "$(sqlite3 "$c/runs/study.db" "PRAGMA integrity_check" 2>&1)" = ok ] || fails "after kill $k: integrity_check not ok"
  fi
  # what is there is whole: the cache (which later makes may trust), the report
  if [ -e "$c/tones.feat" ] && ! "$WS_BIN/featurize" --describe "$c/tones.feat" >/dev/null 2>"$c/describe.err"; then
    fails "after kill $k: tones.feat is there but not a cache: $(head -c 200 "$c/describe.err")"
  fi
  if [ -e "$c/runs/report.json" ] && ! jq -e . "$c/runs/report.json" >/dev/null 2>&1; then
    fails "after kill $k: report.json is there but does not parse"
  fi
  # staged: stage 1's best, when there, is one whole JSON object with params
  if [ -e "$c/runs/stage-1/best.json" ] && ! jq -e '.params | type == "object"' "$c/runs/stage-1/best.json" >/dev/null 2>&1; then
    fails "after kill $k: stage-1/best.json is there but is not a whole best line: $(head -c 200 "$c/runs/stage-1/best.json")"
  fi
}

check_final() {
  local c=$1 runs=$1/runs trials db n q
  trials=$(cat "$c/trials") db=$runs/study.db
  q() { sqlite3 "$db" "$1"; }
  [ "$(q "PRAGMA integrity_check")" = ok ] || fails "integrity_check: $(q "PRAGMA integrity_check" | head -3)"
  n=$(ls "$runs"/trial-*.json 2>/dev/null | wc -l)
  [ "$n" = "$trials" ] || fails "$n trial files, expected $trials"
  for f in "$runs"/trial-*.json; do
    [ "$(wc -l <"$f")" = 1 ] && jq -e 'type == "object" and (.trial | type == "number")' "$f" >/dev/null 2>&1 ||
      fails "$f is not one JSON line of a trial"
  done
  # each file's trial finished in the study with the file's state
  local files_states study_states
  files_states=$(cat "$runs"/trial-*.json | jq -r '"\(.trial) \(.state)"' | sort -n)
  study_states=$(for t in $(cat "$runs"/trial-*.json | jq .trial); do echo "$t $(q "SELECT state FROM trials WHERE number = $t")"; done | sort -n)
  [ "$files_states" = "$study_states" ] || fails "trial files' states differ from the study's: files [$files_states] study [$study_states]"
  [ "$(cat "$runs"/trial-*.json | jq .trial | sort -u | wc -l)" = "$trials" ] || fails "trial files name the same trial twice"
  [ "$(q "SELECT count(*) FROM trials WHERE state IN ('RUNNING','WAITING')")" = 0 ] ||
    fails "trials left RUNNING or WAITING: $(q "SELECT number || ':' || state FROM trials WHERE state IN ('RUNNING','WAITING')" | tr '\n' ' ')"
  # counts: finished = TRIALS + interrupted, the interrupted (not in a file) all FAIL and died
  local total in_files others
  total=$(q "SELECT count(*) FROM trials WHERE state IN ('COMPLETE','PRUNED','FAIL')")
  in_files=$(cat "$runs"/trial-*.json | jq .trial | sort -n | tr '\n' ',' | sed 's/,$//')
  others=$(q "SELECT number FROM trials WHERE number NOT IN (${in_files:--1})" | tr '\n' ' ')
  echo "  campaign $c: $total trials in the study, $trials in files; interrupted: ${others:-none}" >>"$dir/summary.log"
  local o retry
  for o in $others; do
    [ "$(q "SELECT state FROM trials WHERE number = $o")" = FAIL ] || fails "trial $o, not a target's, is $(q "SELECT state FROM trials WHERE number = $o"), not FAIL"
    # interrupted before any training (suggest killed after it made the trial) or killed training: died
    [ "$(q "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = $o AND key = 'wakesweep:died'")" = true ] ||
      fails "interrupted trial $o is not marked died ($(q "SELECT group_concat(key || '=' || value_json, ' ') FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = $o AND key LIKE 'wakesweep:%'"))"
    # retried: a later trial's retry_history names it, with the same params and seed
    retry=$(q "SELECT t.number FROM trials t JOIN trial_system_attributes a USING (trial_id) WHERE a.key = 'retry_history' AND EXISTS (SELECT 1 FROM json_each(a.value_json) WHERE value = $o) ORDER BY t.number LIMIT 1")
    if [ -z "$retry" ]; then fails "interrupted trial $o was never retried"; continue; fi
    [ "$(q "SELECT group_concat(param_name || '=' || param_value, ' ') FROM (SELECT param_name, param_value FROM trial_params JOIN trials USING (trial_id) WHERE number = $o ORDER BY param_name)")" = \
      "$(q "SELECT group_concat(param_name || '=' || param_value, ' ') FROM (SELECT param_name, param_value FROM trial_params JOIN trials USING (trial_id) WHERE number = $retry ORDER BY param_name)")" ] ||
      fails "retry $retry of trial $o has other params"
    [ "$(q "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = $o AND key = 'wakesweep:seed'")" = \
      "$(q "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = $retry AND key = 'wakesweep:seed'")" ] ||
      fails "retry $retry of trial $o has another seed"
  done
  # the epoch schedule ([[2, E], [null, E + 1]]): a COMPLETE trial trained its number's epochs, a
  # retry those of the trial it retries (failed_trial)
  local t ep f want
  ep=$(cat "$c/epochs")
  for t in $(q "SELECT number FROM trials WHERE state = 'COMPLETE'"); do
    f=$(q "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = $t AND key = 'failed_trial'")
    want=$(( ${f:-$t} < 2 ? ep : ep + 1 ))
    [ "$(q "SELECT count(*) FROM trial_intermediate_values JOIN trials USING (trial_id) WHERE number = $t")" = "$want" ] ||
      fails "trial $t${f:+ (a retry of $f)} trained $(q "SELECT count(*) FROM trial_intermediate_values JOIN trials USING (trial_id) WHERE number = $t") epochs, not $want"
  done
  # no target finished twice by trials that both ran to their end (a died trial is not one)
  local dup
  dup=$(q "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id) WHERE a.key = 'wakesweep:tag'
           AND t.state IN ('COMPLETE','PRUNED') GROUP BY value_json HAVING count(*) > 1" | tr '\n' ' ')
  [ -z "$dup" ] || fails "targets finished twice: $dup"
  # reports
  jq -e . "$runs/report.json" >/dev/null 2>&1 || fails "report.json does not parse"
  [ "$(jq -s 'map(.n_trials) | add' "$runs/report.json" 2>/dev/null)" = "$(q "SELECT count(*) FROM trials")" ] ||
    fails "report.json n_trials $(jq -s 'map(.n_trials) | add' "$runs/report.json" 2>/dev/null) != study's $(q "SELECT count(*) FROM trials")"
  "$PY" - "$runs/report.html" <<'P' || fails "report.html does not parse"
import sys
from html.parser import HTMLParser
VOID = {"area","base","br","col","embed","hr","img","input","link","meta","source","track","wbr",
        "path","circle","line","rect","polyline","polygon","stop","use","ellipse"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, t, a):
        if t not in VOID: self.stack.append(t)
    def handle_startendtag(self, t, a): pass
    def handle_endtag(self, t):
        if t in VOID: return
        if not self.stack or self.stack[-1] != t: raise SystemExit("unbalanced </%s> at %s, open %s" % (t, self.getpos(), self.stack[-3:]))
        self.stack.pop()
s = open(sys.argv[1], encoding="utf-8").read()
p = P(); p.feed(s); p.close()
if p.stack: raise SystemExit("unclosed %s" % p.stack)
if not s.rstrip().endswith("</html>"): raise SystemExit("does not end with </html>")
P
  # best.ckpt: loads, and is the study's best trial's
  if [ -e "$runs/best.ckpt" ]; then
    "$WS_BIN/train-trial" --evaluate "$runs/best.ckpt" --features "$c/tones.feat" >"$c/eval.out" 2>"$c/eval.err" ||
      fails "best.ckpt does not load: $(head -c 300 "$c/eval.err")"
    local best_trial ckpt_trial
    best_trial=$("$WS_BIN/report" --db "$db" --best 2>/dev/null | jq .trial)
    ckpt_trial=$(jq .trial.number "$c/eval.out" 2>/dev/null)
    [ "$best_trial" = "$ckpt_trial" ] || fails "best.ckpt holds trial ${ckpt_trial:-?}, the study's best is ${best_trial:-none}"
  elif [ "$(q "SELECT count(*) FROM trials WHERE state = 'COMPLETE'")" != 0 ]; then
    fails "no best.ckpt, though $(q "SELECT count(*) FROM trials WHERE state = 'COMPLETE'") trials are COMPLETE"
  fi
  # the monitor's samples: appended by each run's gpu-monitor, killed or not: every line whole
  if [ -s "$runs/monitor.jsonl" ]; then
    jq -e 'type == "object"' "$runs/monitor.jsonl" >/dev/null 2>"$c/monitor.jq.err" ||
      fails "monitor.jsonl holds a line that is not a JSON object: $(head -c 200 "$c/monitor.jq.err")"
  fi
  local left
  left=$(find "$c" -name '*.tmp*' -printf '%P ' 2>/dev/null)
  [ -z "$left" ] || fails "temporaries left: $left"
  [ ! -e "$runs/monitor.pid" ] || fails "monitor.pid left"
  ! pgrep -f "gpu-monitor --db $runs/" >/dev/null || fails "a gpu-monitor of $runs still runs"
  # a make run again does nothing
  local before
  before=$(q "SELECT count(*) FROM trials")
  # shellcheck disable=SC2046
  $(sweep_cmd "$c") >"$c/again.out" 2>&1 || fails "make sweep run again failed"
  [ "$(q "SELECT count(*) FROM trials")" = "$before" ] || fails "make sweep run again made trials"
}

# check_final_staged C: make staged's promises (README, "The pipeline"; pipelines/staged.mk):
# each stage's STAGE_TRIALS files of distinct trials finished in its own study with the file's
# state, none RUNNING or WAITING, no tag finished twice; stage 1's best (report --best) in
# best.json, fixed into every stage-2 trial; integrity_check ok; report.json of both studies; no
# temporary left; .done marks whole; a make staged run again makes no trial.
check_final_staged() {
  local c=$1 runs=$1/runs trials db s st q f
  trials=$(cat "$c/trials") db=$runs/study.db
  q() { sqlite3 "$db" "$1"; }
  [ "$(q "PRAGMA integrity_check")" = ok ] || fails "integrity_check: $(q "PRAGMA integrity_check" | head -3)"
  for s in 1 2; do
    st=stress-$c-$s
    [ "$(ls "$runs/stage-$s"/trial-*.json 2>/dev/null | wc -l)" = "$trials" ] || fails "stage $s: $(ls "$runs/stage-$s"/trial-*.json 2>/dev/null | wc -l) trial files, expected $trials"
    [ "$(cat "$runs/stage-$s/.done" 2>/dev/null)" = "$trials" ] || fails "stage $s: .done holds '$(head -c 50 "$runs/stage-$s/.done" 2>/dev/null)', not $trials"
    for f in "$runs/stage-$s"/trial-*.json; do
      [ "$(wc -l <"$f")" = 1 ] && jq -e --arg st "$st" 'type == "object" and .study == $st' "$f" >/dev/null 2>&1 || fails "$f is not one JSON line of a $st trial"
    done
    [ "$(cat "$runs/stage-$s"/trial-*.json | jq -r '"\(.trial) \(.state)"' | sort -n)" = \
      "$(for t in $(cat "$runs/stage-$s"/trial-*.json | jq .trial); do echo "$t $(q "SELECT state FROM trials JOIN studies USING (study_id) WHERE study_name = '$st' AND number = $t")"; done | sort -n)" ] ||
      fails "stage $s: trial files' states differ from the study's"
    [ "$(cat "$runs/stage-$s"/trial-*.json | jq .trial | sort -u | wc -l)" = "$trials" ] || fails "stage $s: trial files name the same trial twice"
    [ "$(q "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = '$st' AND state IN ('RUNNING','WAITING')")" = 0 ] ||
      fails "stage $s: trials left RUNNING or WAITING"
    local dup
    dup=$(q "SELECT value_json FROM trial_system_attributes a JOIN trials t USING (trial_id) JOIN studies USING (study_id) WHERE study_name = '$st'
             AND a.key = 'wakesweep:tag' AND t.state IN ('COMPLETE','PRUNED') GROUP BY value_json HAVING count(*) > 1" | tr '\n' ' ')
    [ -z "$dup" ] || fails "stage $s: targets finished twice: $dup"
    echo "  campaign $c stage $s: $(q "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = '$st'") trials in the study, $trials in files" >>"$dir/summary.log"
  done
  [ "$(jq -c .params "$runs/stage-1/best.json" 2>/dev/null)" = "$("$WS_BIN/report" --db "$db" --study "stress-$c-1" --best 2>/dev/null | jq -c .params)" ] ||
    fails "stage-1/best.json is not stage 1's best: $(head -c 200 "$runs/stage-1/best.json" 2>/dev/null)"
  # every stage-2 trial ran with best.json's learning rate and batch size
  local lrs
  lrs=$("$WS_BIN/report" --db "$db" --study "stress-$c-2" --format jsonl | jq -c '.params | [.learning_rate, .batch_size]' | sort -u)
  [ "$lrs" = "$(jq -c '.params | [.learning_rate, .batch_size]' "$runs/stage-1/best.json" 2>/dev/null)" ] ||
    fails "stage-2 trials' fixed params [$lrs] are not best.json's"
  jq -e . "$runs/report.json" >/dev/null 2>&1 || fails "report.json does not parse"
  [ "$(jq -s 'map(.n_trials) | add' "$runs/report.json" 2>/dev/null)" = "$(q "SELECT count(*) FROM trials")" ] ||
    fails "report.json n_trials $(jq -s 'map(.n_trials) | add' "$runs/report.json" 2>/dev/null) != the studies' $(q "SELECT count(*) FROM trials")"
  tail -c 20 "$runs/report.html" | grep -q '</html>' || fails "report.html does not end with </html>"
  local left
  left=$(find "$c" -name '*.tmp*' -printf '%P ' 2>/dev/null)
  [ -z "$left" ] || fails "temporaries left: $left"
  ! pgrep -f "gpu-monitor --db $runs/" >/dev/null || fails "a gpu-monitor of $runs still runs"
  local before
  before=$(q "SELECT count(*) FROM trials")
  # shellcheck disable=SC2046
  $(sweep_cmd "$c") >"$c/again.out" 2>&1 || fails "make staged run again failed"
  [ "$(q "SELECT count(*) FROM trials")" = "$before" ] || fails "make staged run again made trials"
  ! grep -q '^trial-\|best is now' "$c/again.out" || fails "make staged run again ran something: $(head -c 200 "$c/again.out")"
}

# what aimed kills aim at: regular expressions on snap's ps lines and temporaries (live processes)
aims=('bin/featurize' 'tones\.feat\.tmp' 'bin/suggest' 'bin/train-trial --db [^ ]* --features' 'train-trial .*--result-of'
      'ckpt\.tmp' 'best\.ckpt\.tmp' 'trial-[0-9]+\.json\.tmp' 'report .*--format json' 'report .*--format html'
      'report\.json\.tmp' 'report\.html\.tmp' 'monitor\.sh' 'gpu-monitor' 'bin/tell' 'flock')
# staged: the stage boundaries (best.json made, its temporary, stage 2's first suggest, the .done marks)
[ "$pipeline" != staged ] || aims+=('report .*--best' 'best\.json\.tmp' 'suggest .*stage-2/trial-000\.json' 'seq -f trial-'
      'make sweep .*stage-2' 'report .*--study [^ ]*-1 --study')
# campaign C TRIALS EPOCHS KILLS: one sweep killed KILLS times, then run to its end and checked;
# sets len_ms to its last (uninterrupted) run's time
campaign() {
  local c=$1 trials=$2 epochs=$3 kills=$4 k pid delay_ms sig m t0
  bad=0
  rm -rf "$c"; mkdir -p "$c"
  echo "$trials" >"$c/trials"; echo "$epochs" >"$c/epochs"
  if [ "$pipeline" = staged ]; then
    # stage 1 searches learning rate and batch size, stage 2 time shift with them fixed
    jq --arg f "$WS_ROOT/configs/features/default.json" --arg s "stress-$c-1" --argjson ep "$epochs" '.study = $s | .budget.epochs = $ep | .fixed.features = $f' \
      >"$c/s1.json" <<'J'
{"study": "x", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "random", "seed": 3}, "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"learning_rate": {"type": "float", "low": 0.005, "high": 0.02, "log": true},
           "batch_size": {"type": "categorical", "choices": [4, 8]}},
 "fixed": {"model": "dscnn", "channels": 8, "blocks": 1, "positive": "hey_nova", "validate_every": 1}}
J
    jq --arg s "stress-$c-2" '.study = $s | .space = {"time_shift": {"type": "int", "low": 0, "high": 10, "step": 5}}' "$c/s1.json" >"$c/s2.json"
  fi
  [ "$pipeline" = staged ] || jq --arg f "$WS_ROOT/configs/features/default.json" --arg s "stress-$c" --argjson ep "$epochs" '.study = $s | .budget.epochs = [[2, $ep], [null, $ep + 1]] | .fixed.features = $f' \
    >"$c/config.json" <<'J'
{"study": "x", "direction": "maximize", "objective": "f1",
 "sampler": {"name": "tpe", "seed": 3, "n_startup_trials": 2, "constant_liar": true}, "pruner": {"name": "median", "n_startup_trials": 2, "n_warmup_steps": 0},
 "budget": {"epochs": 2},
 "space": {"learning_rate": {"type": "float", "low": 0.005, "high": 0.02, "log": true},
           "batch_size": {"type": "categorical", "choices": [4, 8]}},
 "fixed": {"model": "dscnn", "channels": 16, "blocks": 1, "positive": "hey_nova", "validate_every": 1}}
J
  for k in $(seq "$kills"); do
    # a third of the kills in the first half second (makefiles read, featurize, first suggest),
    # the others anywhere in a whole run's time
    if [ $((RANDOM % 3)) = 0 ]; then delay_ms=$((RANDOM % 500)); else delay_ms=$((RANDOM % len_ms)); fi
    case $((RANDOM % 8)) in 0) sig=INT ;; 1) sig=TERM ;; 2) sig=KILL-make ;; *) sig=KILL ;; esac
    # half the kills are aimed instead: at the first moment (polled) that a chosen program runs
    # or a chosen temporary is there, moments a random delay rarely meets
    aim=
    [ $((RANDOM % 2)) = 0 ] || aim=${aims[RANDOM % ${#aims[@]}]}
    # featurize runs only while there is no cache: aimed at then, or at the first start
    if [ $((RANDOM % 4)) = 0 ] && [ ! -e "$c/tones.feat" ]; then aim='featurize|tones\.feat\.tmp'; fi
    pid=$(start "$c" "$c/make.log")
    if [ -n "$aim" ]; then
      delay_ms=aimed
      m=
      for _ in $(seq 5000); do
        snap "$pid" "$c"
        [[ $snap_ps =~ (^|$'\n')[^Z$'\n']+$aim || $snap_tmps =~ $aim ]] && { m=hit; break; }
        # the sweep ended: make a zombie (not waited for yet), or gone
        st=; { read -r st <"/proc/$pid/stat"; } 2>/dev/null; st=${st##*) }
        [ -n "$st" ] && [ "${st:0:1}" != Z ] || break
      done
      [ -z "$m" ] || delay_ms="aimed at $aim:"
    else
      sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    fi
    if [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ] && kill -0 "$pid" 2>/dev/null; then
      [ -n "$aim" ] && [ -n "$m" ] || snap "$pid" "$c"
      if [ "$sig" = KILL-make ]; then
        # make alone: its trials live on, and the next make runs beside them (README: it waits
        # for the trial running a target); the group is waited for before the final checks
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        orphans+=("$pid")
      else
        kill -"$sig" -- -"$pid" 2>/dev/null
        # a sweep asked to stop (INT, TERM) gets 10 s, then is killed
        gone_group "$pid" 100 || { m="$m (then KILL)"; kill -KILL -- -"$pid" 2>/dev/null; gone_group "$pid" 50; }
        wait "$pid" 2>/dev/null
      fi
      [ -n "$aim" ] || delay_ms="$delay_ms ms:"
      echo "$c kill $k: SIG$sig at ${delay_ms} $(moment)" >>kills.log
    else
      wait "$pid" 2>/dev/null
      echo "$c kill $k: sweep ended before ${aim:+the kill aimed at }${aim:-$delay_ms ms}" >>kills.log
    fi
    # (a killed make's orphaned trials may be writing: what is checked after each kill waits)
    [ "$sig" = KILL-make ] || check_partial "$c"
  done
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  $(sweep_cmd "$c") >"$c/final.out" 2>&1 || fails "the final make sweep failed: $(tail -3 "$c/final.out" | tr '\n' ' ')"
  len_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  local o
  for o in "${orphans[@]}"; do gone_group "$o" 600 || fails "processes of a make killed alone still run 60 s after the end"; done
  orphans=()
  if [ "$pipeline" = staged ]; then check_final_staged "$c"; else check_final "$c"; fi
  if [ "$bad" = 0 ]; then echo "ok campaign $c ($trials trials, $epochs epochs, $kills kills)"; rm -rf "$c/runs" "$c/tones.feat"
  else fail=1; echo "  kept: $dir/$c"; fi
}

orphans=()
t_start=$SECONDS
: >kills.log; : >summary.log
# calibration: a whole sweep of 6 trials of 2 epochs, uninterrupted (and checked): the time kills are spread over
if [ "$pipeline" = staged ]; then campaign c00 3 1 0; else campaign c00 6 2 0; fi
echo "kill-anywhere: a whole $pipeline of $(cat c00/trials) trials takes $len_ms ms"
full_ms=$len_ms
for c in $(seq -f c%02g 1 "$campaigns"); do
  len_ms=$full_ms
  e=(1 2 2 5 10)
  if [ "$pipeline" = staged ]; then campaign "$c" $((2 + RANDOM % 3)) "${STRESS_EPOCHS:-$((1 + RANDOM % 2))}" $((1 + RANDOM % 5))
  else campaign "$c" $((4 + RANDOM % 5)) "${STRESS_EPOCHS:-${e[RANDOM % 5]}}" $((1 + RANDOM % 5)); fi
done
echo "kill-anywhere: $campaigns campaigns in $((SECONDS - t_start)) s; kill moments (program running -> count):"
grep -o 'progs=[^ ]*' kills.log | tr ',' '\n' | sed 's/progs=//; s/x[0-9]*$//' | sort | uniq -c | sort -rn
echo "temporaries present at a kill:"; grep -o 'tmps=[^ ]*' kills.log | sed 's/tmps=//' | tr ',' '\n' | grep . | sort | uniq -c
echo "signals:"; grep -o 'SIG[A-Za-z-]*' kills.log | sort | uniq -c
[ "$fail" = 0 ] && [ -z "${STRESS_DIR:-}" ] && { cd / && rm -rf "$dir"; }
[ "$fail" = 0 ] || echo "kill-anywhere: FAILED; logs in $dir (kills.log, summary.log)"
exit "$fail"
