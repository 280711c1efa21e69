# tests/run-one.sh — sourced by tests/run.sh and tests/cluster/run.sh: runs test files and
# counts their "ok NAME", "FAIL NAME: why" and "skip NAME: why" lines into pass, fail and skip.
# Needs $log (a scratch folder). RUN_SHOW_OK=1 prints the ok lines too (check-cluster does).
# A file that runs past WS_TEST_TIMEOUT seconds (default 300) is stopped, with every process it
# started, and fails naming itself: one hung test must not hold the whole run (and CI) until CI's
# own time runs out. A file that takes more than a minute is named with its time, so a slow run
# shows where its time went; WS_TEST_TIMES=FILE appends every file's seconds and CPU seconds to
# FILE ("WALL CPU NAME").
#
# Two steps, so that run_files (below) can run files side by side and still print them in order:
# run_one_to DIR LABEL COMMAND... runs the file and leaves in DIR the lines to print ("lines")
# and its counts ("counts": pass fail skip), written last; run_one_report DIR prints and adds
# them.

# run_one_to DIR LABEL COMMAND...: the lines kept start with "LABEL: ".
run_one_to() {
  local dir=$1 label=$2; shift 2
  local out="$dir/out" err="$dir/err" rc=0 t0=$SECONDS limit=${WS_TEST_TIMEOUT:-300} p f_ s
  mkdir -p "$dir"
  {
    # timeout runs the test in a process group of its own and signals the whole group. `time`
    # (bash's keyword: no process of its own) takes the CPU seconds of the file and all it waited for
    # (not the "$PY" runs the run's Python servers made for it: they are the servers' children).
    local TIMEFORMAT='%3U %3S'
    { time timeout -k 10 "$limit" "$@" >"$out" 2>"$err" </dev/null || rc=$?; } 2>"$dir/cpu"
    # time's line is the last: what bash said before it (a file's runner dead of a signal,
    # "Segmentation fault", "Killed" past the limit) goes to standard error, as it did untimed
    local cpu; mapfile -t cpu <"$dir/cpu"
    [ "${#cpu[@]}" -le 1 ] || printf '%s\n' "${cpu[@]:0:${#cpu[@]}-1}" >&2
    [ $((SECONDS - t0)) -le 60 ] || echo "$label: slow, $((SECONDS - t0)) s"
    # WS_TEST_TIMES=FILE: each file's seconds, then its CPU seconds (user + system), to see where
    # make check's time goes (sort -n FILE; sort -k2 -n FILE)
    if [ -n "${WS_TEST_TIMES:-}" ]; then
      # time's "%3U %3S", with the locale's decimal point ("0,739" in de_DE): read as milliseconds,
      # summed and written in tenths with a '.' whatever the locale (and no awk to start)
      local user_ms sys_ms tenths
      read -r user_ms sys_ms <<<"${cpu[*]: -1}"
      user_ms=${user_ms//[.,]/} sys_ms=${sys_ms//[.,]/}
      tenths=$(( (10#${user_ms:-0} + 10#${sys_ms:-0} + 50) / 100 ))
      echo "$((SECONDS - t0)) $((tenths / 10)).$((tenths % 10)) $label" >>"$WS_TEST_TIMES"
    fi
    # counted and kept by bash itself: three grep -c, a grep and a sed were nine process starts a
    # file, 2 to 3 ms each on a VM that starts processes slowly, 500 files a run
    local line
    p=0 f_=0 s=0
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        "ok "*) p=$((p + 1)); [ -z "${RUN_SHOW_OK:-}" ] || printf '%s: %s\n' "$label" "$line" ;;
        "FAIL "*) f_=$((f_ + 1)); printf '%s: %s\n' "$label" "$line" ;;
        "skip "*) s=$((s + 1)); printf '%s: %s\n' "$label" "$line" ;;
      esac
    done <"$out"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
      f_=$((f_ + 1)); echo "$label: FAIL timed out after $limit s (WS_TEST_TIMEOUT); its last output:"
      tail -n 3 "$out" | sed 's/^/    /'; tail -n 3 "$err" | sed 's/^/    /'
    elif [ "$rc" != 0 ] && [ "$f_" = 0 ]; then
      f_=1; echo "$label: FAIL exited with status $rc"; tail -n 5 "$err" | sed 's/^/    /'
    elif [ "$f_" != 0 ]; then
      tail -n 5 "$err" | sed 's/^/    /'
    fi
    if [ $((p + f_ + s)) = 0 ]; then f_=1; echo "$label: FAIL ran no test case"; fi
  } >"$dir/lines"
  echo "$p $f_ $s" >"$dir/counts.tmp" && mv "$dir/counts.tmp" "$dir/counts"
}

# run_one_report DIR: prints DIR's lines and adds its counts (once run_one_to has left them).
# Its FAIL lines are kept in $log/failed for run_failed_recap.
run_one_report() {
  local p f_ s
  cat "$1/lines"
  grep -E "^[^ ]+( [^ ]+)?: FAIL " "$1/lines" >>"$log/failed"
  read -r p f_ s <"$1/counts"
  pass=$((pass + p)); fail=$((fail + f_)); skip=$((skip + s))
}

# run_files JOBS [WAITS]: runs the files of the arrays run_paths (a *.sh with bash, anything else
# as a program) and run_labels, at most JOBS at a time, in order; each one's lines are printed once
# it and every file before it have ended. Needs $log.
# The files whose run_waits entry is set (tests/run.sh: their header says "# runner: waits", see
# run_file_waits) run in WAITS lanes of their own beside those JOBS, in their order: they spend
# their time waiting (a server's connect_timeout, a lock held for seconds, a signal's grace), so
# in a CPU's lane they kept it idle. With WAITS 0 (the default) they take the JOBS lanes as the
# others do. (wait -n -p, which names the file that ended, is bash 5.1's: an older bash runs
# every file in the JOBS lanes.) A file not reported at the end (the runner lost count of its
# lanes) is counted as failed, naming itself, never passed over.
# Ctrl-C or a TERM: `timeout` runs each file in a process group of its own, out of reach of the
# terminal's signal, and a runner that left it at that went on file after file after make had
# gone. So the signal is passed to each running file's timeout (the child of the subshell that
# runs it), and the runner waits for them and exits 130 (its EXIT trap still runs).
run_files() {
  local jobs=$1 waits=${2:-0} k pid rc lane with has_p=1
  ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) || { has_p= waits=0; }
  local -a queue_cpu=() queue_wait=()
  local -A lane_of=()   # a running file's pid: cpu or wait
  local -A running=([cpu]=0 [wait]=0) next=([cpu]=0 [wait]=0) lanes=([cpu]=$jobs [wait]=$waits)
  for k in "${!run_paths[@]}"; do
    if [ "$waits" -gt 0 ] && [ -n "${run_waits[k]-}" ]; then queue_wait+=("$k"); else queue_cpu+=("$k"); fi
  done
  run_printed=0
  trap run_files_stop INT TERM
  while :; do
    for lane in cpu wait; do
      local -n queue=queue_$lane
      while [ "${running[$lane]}" -lt "${lanes[$lane]}" ] && [ "${next[$lane]}" -lt "${#queue[@]}" ]; do
        k=${queue[next[$lane]]}
        with=; [[ ${run_paths[k]} == *.sh ]] && with=bash
        run_one_to "$log/$k" "${run_labels[k]}" $with "${run_paths[k]}" &
        lane_of[$!]=$lane
        running[$lane]=$((running[$lane] + 1)) next[$lane]=$((next[$lane] + 1))
      done
      unset -n queue
    done
    [ $((running[cpu] + running[wait])) -gt 0 ] || break
    pid= rc=0 lane=cpu
    if [ -n "$has_p" ]; then
      wait -n -p pid || rc=$?
      # no pid: a signal came (above 128: its trap runs), or wait failed (127: no file left; the
      # counts are wrong): the check below names what was not run, and nothing spins
      [ -n "$pid" ] || { [ "$rc" -gt 128 ] && continue; break; }
      lane=${lane_of[$pid]-}
      [ -n "$lane" ] || continue
      unset "lane_of[$pid]"
    else
      wait -n || rc=$?
      [ "$rc" != 127 ] || break
    fi
    running[$lane]=$((running[$lane] - 1))
    run_files_print
  done
  wait
  run_files_print
  for ((k = run_printed; k < ${#run_paths[@]}; k++)); do
    [ -e "$log/$k/counts" ] && run_one_report "$log/$k" && continue
    echo "${run_labels[k]}: FAIL not run: the runner lost count of its lanes"
    echo "${run_labels[k]}: FAIL not run" >>"$log/failed"
    fail=$((fail + 1))
  done
  run_printed=${#run_paths[@]}
}
# run_file_waits FILE: 0 when FILE's header (the comment lines it begins with) has a line
# "# runner: waits ...": read by bash itself, no process a file
run_file_waits() {
  local line
  while IFS= read -r line; do
    case $line in
      '# runner: waits'*) return 0 ;;
      '#'*) ;;
      *) return 1 ;;
    esac
  done <"$1"
  return 1
}
run_files_print() {
  while [ "$run_printed" -lt "${#run_paths[@]}" ] && [ -e "$log/$run_printed/counts" ]; do
    run_one_report "$log/$run_printed"
    run_printed=$((run_printed + 1))
  done
}
run_files_stop() {
  trap '' INT TERM
  local r
  for r in $(jobs -p); do pkill -TERM -P "$r" 2>/dev/null; done   # the files' runner subshells
  wait
  echo "$(basename "$0"): stopped by a signal; $run_printed of ${#run_paths[@]} files reported" >&2
  exit 130
}

# run_failed_recap: the FAIL lines again, just before the counts: CI keeps only the last lines
# of a run, and a failure printed minutes earlier was lost from them (stop 35's check-cluster
# said "153 passed, 1 failed" and not which). At most 20, each cut to 300 characters.
run_failed_recap() {
  [ -s "$log/failed" ] || return 0
  echo "the failures again ($(wc -l <"$log/failed") lines):"
  head -n 20 "$log/failed" | cut -c 1-300 | sed 's/^/  /'
}
