#!/usr/bin/env bash
# pipelines/check-vars.sh KIND NAME VALUE [KIND NAME VALUE...] — the pipelines' variables (config takes
# a fourth argument, db and runs two more: see each),
# checked when make reads the makefiles for a pipeline goal (sweep, staged, data, features, a
# trial file): prints the message for the first bad one (make stops with it, exit status 2), or
# nothing. KIND is
#   count  a positive integer (TRIALS, STAGE_TRIALS): seq and $(( )) would misread anything else;
#          at most 1000000: make holds a target per trial (a million took 0.6 GB and 15 s to read
#          before anything ran; a typo's billions filled the memory, and past 2^63 $(( )) wrapped),
#          and seq's %03g names trial 1000000 trial-1e+06.json, as it does the next four
#   path   a path that make uses as a target or prerequisite (RUNS, FEATURES, DATA, STAGED_RUNS):
#          make splits target names at spaces and reads : % ; | $ \ ( ) and the glob characters
#          * ? [ ] as its own syntax, so those are refused, as is a leading ~ (a home folder to
#          make, not to the commands) and a leading - (an option to the commands: write ./-x)
#   study  STUDY when RUNS is its default runs/STUDY: the same characters as path, and a folder of
#          its own under runs/: no '.' or '..' part, no '/' at either end or doubled ("..": the
#          checkout's root took the trial files and study.db; "a/" or "./a": the folder of study
#          "a", whose trial files the other study took for its own)
#   file   a file that must be there to read (CONFIG: STUDY comes from it; STAGE1, STAGE2,
#          FEATURE_CONFIG), not a folder (said so), and not '-', stdin to the tools (make's)
#   cache  FEATURES: a path with nothing there (make writes the cache), or a feature cache: a file
#          that begins with featurize's magic bytes, WSFCACHE (lib/audio/cache.h; the first 8
#          bytes, read at once whatever the cache's size, by bash's read: featurize --describe verifies the whole
#          file). Another file (a config or report named by mistake) was found only by train-trial,
#          after each job slot had claimed a trial, its message naming no variable; one older than
#          the corpus was overwritten by featurize; a folder failed the same ways
#   corpus DATA other than the demo corpus: a folder or manifest that is there (found by make only
#          once it ran, in parallel with the first steps of a sweep, which had made RUNS), and not
#          empty: a folder with a file in it, a manifest with a line that is not blank (found by
#          featurize, "no audio clips found", as late)
#   config CONFIG, with a fourth argument, BIN: a study config suggest takes (suggest --n 0 on a
#          study file of its own, removed after; skipped while BIN/suggest is not built yet).
#          suggest refused another only once each job slot had started a trial, after the features
#          were made
#   args   SUGGEST_ARGS, with two more arguments, CONFIG and BIN: options suggest takes with CONFIG
#          (suggest --n 1 with them, split at blanks without glob expansion as trial.sh splits
#          them, on a study file of its own, removed after; skipped while BIN/suggest is not built
#          yet). A --fixed file that is not there or holds a bad value stopped the sweep at its
#          first trial, after the corpus and the features were made; so did an option that
#          trial.sh gives suggest itself (--db, --config, --study, --pid, --tag), given again; and
#          an --n that makes other than one trial, or --version or --help: suggest printing other
#          than one trial line (see suggest_refuses); and a '-' (--fixed -), which suggest reads
#          from stdin: in each trial, make's
#   kept   CONFIG (STAGE1, STAGE2), with three more arguments, STUDY, DB, BIN and SUGGEST_ARGS: the
#          config the study keeps in a SQLite DB that is there, or none kept yet (suggest refused
#          another only in each job slot's first trial, after the features were made, saying
#          "use --force"), and its direction, which a study keeps (suggest refuses another even
#          with --force). A SUGGEST_ARGS that holds --force, which replaces the kept config,
#          skips the comparison of the rest, not the direction's
#   stages STAGE2, with a fourth argument, STAGE1: no setting of STAGE2's fixed that STAGE1
#          searches, nor its budget.epochs when STAGE1 searches epochs. make staged fixes stage 1's
#          best params into stage 2 (suggest --fixed), and suggest refuses one that the config's
#          fixed sets to another value, or epochs that its budget sets: stage 2's sweep stopped
#          there, after the whole of stage 1, naming SUGGEST_ARGS
#   db     DB, with two more arguments, RUNS and BIN: a SQLite file (a path or sqlite:///path; one
#          that is there a SQLite database, or empty; not a name the tools refuse as naming no
#          file: '-', ':memory:', 'file:...', a query after sqlite:///FILE) in a
#          folder that is there, or that make sweep makes (RUNS, or a folder above it); suggest
#          found another only once each job slot had started a trial, after the features were
#          made. Or a PostgreSQL URL whose server answers here (BIN/report connects, waiting as
#          every tool does, WS_DB_RETRY_S): the report at the end runs where make does, and a
#          server that did not answer failed each trial after that wait (60 s), which the sweep
#          took for a trial that could not start this time and went on to the next: 20 trials
#          were 10 minutes of waiting under -j2 before the report failed the same way. A database
#          that is not there, or a login refused, stopped the sweep only after the features
#          were made (skipped while BIN/report is not built yet)
#   runs   RUNS, with two more arguments, STUDY and DB: a RUNS whose trial files are of another
#          study, or of one whose SQLite DB is not there (removed): make takes a trial file that
#          is there for done, so the sweep ran only the targets without one, into a study that then
#          held fewer than TRIALS trials, and ended 0 (or with report's 'unknown study' when every
#          target had a file). Its first trial file names the study (as for a stage of make staged)
#   folder RUNS, STAGED_RUNS: a folder, or a path make can make one at: no file (or symbolic link
#          to nothing) that is there at it or at a folder above it (a report or config named by
#          mistake: make made the features, then its mkdir said "cannot create directory ...: File
#          exists", naming no variable)
#   launch LAUNCH: empty, or its command (the first word that is not NAME=VALUE) one the shell
#          can run: each trial's command failed with "command not found" (127), which the sweep
#          takes for a launcher that could not start a trial this time, going on to the report
#          and exit status 0 with no trial run (a word with a quote, $ or ` is left to the shell;
#          a \ and a leading ~ are read as the shell reads them; a keyword such as time is no
#          command there, after the sweep's NAME=VALUE words: the program is looked for)
#   threads THREADS: auto, or an integer in [1, 1024], what train-trial --threads takes (found only
#          by train-trial, as DEVICE was)
#   fthreads FEATURIZE_THREADS: an integer in [1, 256], what featurize --threads takes (found only
#          by featurize, naming its option, once make came to the cache: for the demo corpus after
#          synthesizing it; an empty one took the next word, --out, for its value)
#   interval MONITOR_INTERVAL: seconds in [0.01, 86400], what gpu-monitor --interval takes (it
#          refused another into RUNS/monitor.err, and the sweep ran unmonitored with exit status 0)
#   demo   DEMO_SEED, DEMO_WAKE_CLIPS, DEMO_CLIPS_PER_CLASS: a non-negative integer; demo1
#          DEMO_SPEAKERS, DEMO_JOBS: a positive one (share/make-demo-corpus.sh's rules). The script
#          refused another only once make ran it, under its own name for it ("SEED must be ..."),
#          and under make -j2 sweep RUNS was made beside it
#   gpu    DEVICE, with two more arguments, LAUNCH and BIN: cuda only where there is a GPU, when the
#          trials run here (no LAUNCH) and no NVIDIA driver is there (train-trial --device cuda says
#          why: found only by each job slot's train-trial, after the features were made)
#   device DEVICE: auto, cpu or cuda, what train-trial --device takes (found only by train-trial,
#          any other stopped the sweep after the features were made and a trial per job slot was
#          claimed in the study, left RUNNING there)
# Values that are only handed to commands (CONFIG, DB, STUDY with RUNS given) are quoted by the
# makefiles instead, so any character goes there.
set -u
bad_path_chars=$' \t\n:%;|$\\()*?[]'
# A PostgreSQL URL, whose database no file check applies to.
is_pg_url() { case $1 in postgresql://* | postgres://* | postgresql+psycopg2://*) return 0 ;; esac; return 1; }
has_bad_char() { local v=$1 i; for ((i = 0; i < ${#v}; i++)); do [[ $bad_path_chars == *"${v:i:1}"* ]] && return 0; done; return 1; }
# suggest_refuses NAME VALUE CONFIG BIN N [ARG...]: suggest --n N with CONFIG and the ARGs on a
# study file of its own, removed after; where suggest refuses them (exit 2), its first line is
# NAME's message, and the check ends. (--study: the config's own name may be missing where STUDY
# gives one; the study kind checks it.) N 1 (SUGGEST_ARGS, after it): where suggest exits 0 but
# prints other than one trial line (a JSON object with "trial" and "params"), NAME's message says
# so too. trial.sh hands suggest's output to train-trial as the trial's line, and suggest takes
# the last --n given: --n 2 in SUGGEST_ARGS made two RUNNING trials a target and stopped the sweep
# at train-trial ("more than one trial line"), --n 0 handed it none; --version (or --help) handed
# it text.
suggest_refuses() {
  local name=$1 value=$2 config=$3 bin=$4 n=$5 tmp msg rc lines one
  shift 5
  tmp=$(mktemp -d) || return 0
  # stdin /dev/null: make's $(shell) hands its own, and a '-' left to suggest (refused below, but
  # not by every caller) read a terminal until Ctrl-D, make stopped while it read the makefiles
  msg=$("$bin/suggest" --db "$tmp/check.db" --config "$config" --study ws-check --n "$n" "$@" 2>&1 >"$tmp/lines" </dev/null) && rc=0 || rc=$?
  # what it printed matters with N 1 alone (below): with 0, a grep and a jq less at each make
  lines=0 one=
  if [ "$n" = 1 ] && [ "$rc" = 0 ]; then
    lines=$(grep -c . "$tmp/lines")
    one=$(jq -s 'length == 1 and (.[0] | type == "object" and has("trial") and has("params"))' "$tmp/lines" 2>/dev/null)
  fi
  rm -rf "$tmp"
  if [ "$rc" = 2 ]; then
    msg=${msg%%$'\n'*}
    # --enqueue queues trials and makes none: suggest refuses it beside the --n given here, in
    # words that named that --n, which the user never gave
    case $msg in "suggest: --n goes with sampled trials, not --enqueue"*)
      msg="suggest: --enqueue queues trials and makes none, where each trial target makes one: queue them before the sweep (suggest --db DB --config CONFIG --enqueue FILE), and make sweep claims them first" ;;
    esac
    echo "$name: '$value': ${msg#suggest: }"
    exit 0
  fi
  [ "$n" = 1 ] && [ "$rc" = 0 ] && [ "$one" != true ] || return 0
  [ "$lines" = 1 ] && lines="1 line" || lines="$lines lines"
  echo "$name: '$value': suggest printed $lines, not one trial line, where each trial target takes one (trial.sh hands suggest's output to train-trial, which trains one trial line): leave out --n, --help and --version"
  exit 0
}
while [ $# -ge 3 ]; do
  kind=$1 name=$2 value=$3
  shift 3
  case $kind in
  file)
    # '-' is standard input to the tools (suggest --config -, featurize -c -), which in the
    # pipeline is make's: with a file named '-' there, the recipes read make's stdin for it
    if [ "$value" = - ]; then
      echo "$name: '-' is standard input to the tools, and the pipeline's are make's: name a file (./- for one named '-')"; exit 0
    fi
    # a folder named by mistake was "no such file to read", a file to look for where the path is there
    if [ -d "$value" ]; then
      what="a study config"; [ "$name" != FEATURE_CONFIG ] || what="a feature config"
      echo "$name: '$value' is a folder; expected a file to read ($what)"; exit 0
    fi
    [ -f "$value" ] && [ -r "$value" ] || { echo "$name: '$value': no such file to read"; exit 0; } ;;
  config)
    bin=${1-}
    shift
    [ -x "$bin/suggest" ] || continue
    suggest_refuses "$name" "$value" "$value" "$bin" 0 ;;
  kept)
    # The config the study keeps in DB: another (the config edited between two sweeps of one
    # study) was refused by suggest only in each job slot's first trial, after the features were
    # made, its message saying "use --force", an option make sweep has no word for. Read-only:
    # the kept config is read with sqlite3, compared with jq (the same JSON: nothing to say), and
    # where they differ suggest compares them, on a study file of its own, removed after, made
    # from the kept config, so that the message is suggest's. Left to suggest: a PostgreSQL DB,
    # a study file that is not there or held locked. SUGGEST_ARGS with --force replaces the kept
    # config, but not its direction: only that is checked then (skipping the whole check let
    # SUGGEST_ARGS=--force start a sweep that suggest stopped at its first trial).
    study=${1-} db=${2-} bin=${3-} args=${4-}
    shift 4
    file=${db#sqlite:///}
    # --force a word of its own, set off by any blank: trial.sh splits SUGGEST_ARGS so (a match of
    # " --force " took one set off by a TAB or newline for none, and refused the config it replaces)
    force=''
    set -f
    # shellcheck disable=SC2206  # split at blanks, as trial.sh splits SUGGEST_ARGS
    words=($args)
    set +f
    for w in "${words[@]}"; do [ "$w" != --force ] || force=1; done
    if is_pg_url "$db" || [ ! -s "$file" ] || [ ! -x "$bin/suggest" ]; then continue; fi
    # One sqlite3 reads the kept config, none where it is the file's text (minified, the study name
    # set as suggest --study sets it): the same, nothing more to compare. Another text (keys in
    # another order, a number written otherwise) is compared as JSON by jq (the space's keys in
    # their order), and by suggest where that differs.
    kept=$(command sqlite3 -readonly -cmd '.timeout 2000' "$file" "SELECT a.value_json
      FROM study_system_attributes a JOIN studies s USING (study_id)
      WHERE s.study_name = '${study//\'/\'\'}' AND a.key = 'wakesweep:config' AND json(a.value_json) !=
        json_set(json(CAST(readfile('${value//\'/\'\'}') AS TEXT)), '\$.study', '${study//\'/\'\'}')" 2>/dev/null) || continue
    [ -n "$kept" ] || continue
    # == takes objects whatever their keys' order; the space's is the order its parameters are
    # drawn in, which suggest compares too (t0983)
    same=$(jq -n --arg s "$study" --argjson a "$kept" --slurpfile b "$value" '($a | .study = $s) == ($b[0] | .study = $s)
      and ($a.space | objects | keys_unsorted) == ($b[0].space | objects | keys_unsorted)' 2>/dev/null)
    [ "$same" != true ] || continue
    tmp=$(mktemp -d) || continue
    printf '%s\n' "$kept" >"$tmp/kept.json"
    msg='' rc=0
    if "$bin/suggest" --db "$tmp/k.db" --config "$tmp/kept.json" --study "$study" --n 0 >/dev/null 2>&1; then
      msg=$("$bin/suggest" --db "$tmp/k.db" --config "$value" --study "$study" --n 0 2>&1 >/dev/null) || rc=$?
    fi
    rm -rf "$tmp"
    # Another direction: suggest's way out names --study, which the sweep sets from STUDY. (A
    # study of a config without one minimizes; train-trial refuses it where the objective is
    # better higher, and says to make a study of another name.)
    re='direction: ([a-z]+), but study .* has direction ([a-z]+), which a study keeps'
    if [ "$rc" = 2 ] && [[ $msg =~ $re ]]; then
      echo "$name: '$value': study '$study' in DB '$db' keeps direction ${BASH_REMATCH[2]}, not the config's ${BASH_REMATCH[1]} (a study keeps its direction, as in Optuna): give another STUDY (a study of its own)"
      exit 0
    fi
    if [ -n "$force" ] || [ "$rc" != 2 ] || [[ $msg != *" exists with a different config: "* ]]; then continue; fi
    msg=${msg%%$'\n'*}
    msg=${msg#* exists with a different config: }
    msg=${msg% (use --force to replace it)}
    echo "$name: '$value': study '$study' in DB '$db' keeps another config: $msg; give the config the study was made with, another STUDY (a study of its own), or SUGGEST_ARGS=--force to replace the kept one"
    exit 0 ;;
  args)
    config=${1-} bin=${2-}
    shift 2
    [ -n "$value" ] && [ -x "$bin/suggest" ] || continue
    set -f
    # shellcheck disable=SC2206  # split at blanks, as trial.sh splits SUGGEST_ARGS
    words=($value)
    set +f
    # suggest reads a '-' (--fixed -, --enqueue -) from stdin, in each trial make's: at a terminal
    # the sweep waited there for input, from a pipe the first trial took it all and the next
    # found it empty
    for w in "${words[@]}"; do
      case $w in -|--*=-) echo "$name: '$value': '-' is standard input, which each trial's suggest would read from make's: name a file"; exit 0 ;; esac
    done
    # after the options trial.sh gives before them (--db, --config, --study, --pid, --tag), so
    # that one of those given again is refused here, as suggest refuses it in every trial
    suggest_refuses "$name" "$value" "$config" "$bin" 1 --pid $$ --tag ws-check "${words[@]}" ;;
  stages)
    stage1=${1-}
    shift
    # (configs that are not JSON are the config kind's to refuse)
    names=$(jq -nr --slurpfile s1 "$stage1" --slurpfile s2 "$value" '[$s1[0].space // {} | keys_unsorted[] | . as $k
      | if $s2[0].fixed // {} | has($k) then "fixed.\($k)"
        elif $k == "epochs" and ($s2[0].budget // {} | has("epochs")) then "budget.epochs" else empty end] | join(", ")' 2>/dev/null) ||
      continue
    [ -n "$names" ] || continue
    case $names in *,*) them=them ;; *) them=it ;; esac
    echo "$name: '$value': sets $names, which STAGE1 '$stage1' searches: make staged fixes stage 1's best values into stage 2 (suggest --fixed), which refuses one that the config sets otherwise: leave $them out of STAGE2"
    exit 0 ;;
  db)
    runs=${1-} bin=${2-}
    shift 2
    if is_pg_url "$value"; then
      [ -x "$bin/report" ] || continue
      # A database with no study yet (no Optuna tables, or none of this name) is what a sweep
      # starts from. The message names the URL as report does, its password left out.
      msg=$("$bin/report" --db "$value" --study ws-check --format json 2>&1 >/dev/null) && rc=0 || rc=$?
      case $rc:$msg in
      0:* | 2:*"(no Optuna tables)"* | 2:*"unknown study 'ws-check'"*) ;;
      *) msg=${msg%%$'\n'*}; echo "$name: ${msg#report: }"; exit 0 ;;
      esac
      continue
    fi
    file=${value#sqlite:///}
    case $file in
    '') echo "$name: '$value': empty path; expected a file, sqlite:///FILE or postgresql://..."; exit 0 ;;
    *://*) echo "$name: '$value': unsupported database URL (expected a path, sqlite:///path or postgresql://...)"; exit 0 ;;
    */*) dir=${file%/*}; [ -n "$dir" ] || dir=/ ;;
    *) dir=. ;;
    esac
    # A URL that names no study file as the tools read it ('-', ':memory:', a name starting
    # 'file:', a query after sqlite:///FILE): each job slot's suggest refused it only after the
    # features were made. The rule is the store's (ws_store_url_no_file); study-copy applies it to
    # --to as it reads its options, before it opens anything, so its words are asked for here
    # (skipped while BIN/study-copy is not built yet).
    if [ -x "$bin/study-copy" ]; then
      msg=$("$bin/study-copy" --to "$value" 2>&1 >/dev/null) || :
      case $msg in "study-copy: --to: "*) msg=${msg%%$'\n'*}; echo "$name: '$value': ${msg#study-copy: --to: }"; exit 0 ;; esac
    fi
    if [ -d "$file" ]; then echo "$name: '$value' is a folder; expected a study database file"; exit 0; fi
    # A file that is there begins with SQLite's header ("SQLite format 3" and a NUL; an empty one is
    # a database SQLite makes): another (a config, a report, named by mistake) was found by each job
    # slot's suggest, after the features were made. One it cannot read is left to suggest to name.
    if [ -s "$file" ] && [ -r "$file" ] && [ "$(head -c 15 -- "$file" | tr -d '\0')" != "SQLite format 3" ]; then
      echo "$name: '$value': not a SQLite database (expected a study file, sqlite:///FILE or postgresql://...)"; exit 0
    fi
    if [ ! -d "$dir" ]; then
      r=$(realpath -m -- "$runs") d=$(realpath -m -- "$dir")
      [ "$r" = "$d" ] || [[ $r == "$d"/* ]] || {
        echo "$name: '$value': folder '$dir' does not exist (make makes RUNS, '$runs', and the folders above it, no other)"; exit 0; }
    fi ;;
  runs)
    study=${1-} db=${2-}
    shift 2
    files=("$value"/trial-*.json)
    had=
    # On jq's stdin: a file named as its argument that began with '-' would be read as its options.
    [ ! -e "${files[0]}" ] || had=$(jq -r '.study // empty' 2>/dev/null <"${files[0]}")
    [ -n "$had" ] || continue
    if [ "$had" != "$study" ]; then
      echo "$name: '$value' holds the trial files of study '$had', not of STUDY '$study' (make would take them for this sweep's trials): give another RUNS"
      exit 0
    fi
    is_pg_url "$db" && continue
    [ -e "${db#sqlite:///}" ] || {
      echo "DB: '$db': no such study database, but $name '$value' holds trial files of study '$had' (make would take them for this sweep's trials): put the study file back, or remove them ($value/trial-*.json) to begin the study again"
      exit 0; } ;;
  folder)
    # The nearest part of the path that is there (a trailing / asks for a folder: "rf/" of a file
    # rf is not there, rf is)
    p=$value
    while [ -n "$p" ] && [ ! -e "$p" ] && [ ! -L "$p" ]; do case $p in */*) p=${p%/*} ;; *) p= ;; esac; done
    [ -z "$p" ] || [ -d "$p" ] && continue
    # a link to nothing (its target's disk not mounted) is no file, though mkdir says the same of it
    what="a file"; [ -e "$p" ] || what="a symbolic link to nothing"
    if [ "$p" = "$value" ]; then
      echo "$name: '$value' is $what, not a folder (the sweep's folder, which make makes): give another $name"
    else
      echo "$name: '$value': '$p' is $what, not a folder (the sweep's folder, which make makes, with the folders above it): give another $name"
    fi
    exit 0 ;;
  launch)
    # Words as the recipe's shell reads them: read without -r takes a backslash as it does (my\ dir
    # one word, the backslash gone), and a leading ~ or ~user is expanded (the regex leaves eval
    # nothing else to run); with -r, and ~ taken literally, a command written so was refused.
    # shellcheck disable=SC2162  # the backslashes are the shell's, as said above
    read -a words <<<"$value"
    for w in "${words[@]}"; do
      [[ $w =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] && continue
      c=$w
      if [[ $w =~ ^(~[A-Za-z0-9._-]*)(/.*)?$ ]]; then eval "c=${BASH_REMATCH[1]}"; c=$c${BASH_REMATCH[2]}; fi
      # A builtin or a program: the recipe's NAME=VALUE words come first, where a keyword (time)
      # is none and command -v's yes for it stood for a program time that may not be installed.
      ok=
      case $(type -t -- "$c") in builtin | function) ok=1 ;; esac
      [[ $w == *[\'\"\$\`]* ]] || [ -n "$ok" ] || type -P -- "$c" >/dev/null ||
        { echo "$name: '$value': no command '$w' to run (not a program on PATH, nor an executable file)"; exit 0; }
      break
    done ;;
  threads)
    [ "$value" = auto ] || { [[ $value =~ ^[1-9][0-9]{0,3}$ ]] && [ "$value" -le 1024 ]; } ||
      { echo "$name: expected auto or an integer in [1, 1024] (threads per trial), got '$value'"; exit 0; } ;;
  fthreads)
    [[ $value =~ ^[1-9][0-9]{0,2}$ ]] && [ "$value" -le 256 ] ||
      { echo "$name: expected an integer in [1, 256] (featurize's threads), got '$value'"; exit 0; } ;;
  interval)
    [[ $value =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$ ]] &&
      awk -v v="$value" 'BEGIN { exit !(v + 0 >= 0.01 && v + 0 <= 86400) }' ||
      { echo "$name: expected seconds in [0.01, 86400] (gpu-monitor's interval), got '$value'"; exit 0; } ;;
  demo | demo1)
    # empty: the script's default, as when not given (make's ?= keeps a value given empty)
    [ -n "$value" ] || continue
    if [[ ! $value =~ ^[0-9]+$ ]] || { [ "$kind" = demo1 ] && [[ $value != *[1-9]* ]]; }; then
      what=non-negative; [ "$kind" = demo ] || what=positive
      echo "$name: expected a $what integer (a setting of the demo corpus), got '$value'"; exit 0
    fi ;;
  device)
    case $value in auto | cpu | cuda) ;; *) echo "$name: expected auto, cpu or cuda, got '$value'"; exit 0 ;; esac ;;
  gpu)
    # DEVICE=cuda with the trials run here (no LAUNCH) on a machine without a GPU: each job slot's
    # train-trial refused it, after the features were made and a trial claimed per slot. train-trial
    # says whether there is one (its message, the reason in it); asked only where no NVIDIA driver
    # is there (no /dev/nvidia*), where it answers before loading anything: with a driver it would
    # load the CUDA backend, a second or so at every make, and the trials find out.
    launch=${1-} bin=${2-}
    shift 2
    if [ "$value" != cuda ] || [ -n "$launch" ] || [ ! -x "$bin/train-trial" ]; then continue; fi
    if [ -e /dev/nvidiactl ] || [ -e /dev/nvidia0 ] || [ -e /dev/dxg ]; then continue; fi
    # (no trial line, /dev/null: nothing to fail, no study opened)
    msg=$("$bin/train-trial" --device cuda --db /dev/null/none --features /dev/null/none /dev/null 2>&1 >/dev/null)
    msg=${msg%%$'\n'*}
    [[ $msg == "train-trial: --device cuda: no CUDA device"* ]] || continue
    echo "$name: 'cuda': ${msg#train-trial: --device cuda: }: give DEVICE=auto (a GPU where there is one, else the CPU) or cpu, or a LAUNCH that runs the trials where there is one"
    exit 0 ;;
  cache)
    what="expected a feature cache (a file featurize wrote, beginning WSFCACHE) or a path with nothing there, where make writes one"
    if [ -d "$value" ]; then echo "$name: '$value' is a folder; $what"; exit 0; fi
    # (one that cannot be read is left to featurize or train-trial to name, with the reason). read,
    # a builtin, takes the 8 bytes without a fork: head and tr were 2.6 ms of each make.
    magic=
    [ -f "$value" ] && [ -r "$value" ] && { IFS= LC_ALL=C read -r -N 8 magic <"$value" 2>/dev/null || :; }
    if [ -f "$value" ] && [ -r "$value" ] && [ "$magic" != WSFCACHE ]; then
      echo "$name: '$value': not a feature cache (its first bytes are not WSFCACHE); $what: give another $name, or remove the file to have make write the cache there"
      exit 0
    fi ;;
  corpus)
    [ -e "$value" ] || { echo "$name: '$value': no such corpus (a Speech Commands folder or a JSONL manifest)"; exit 0; }
    # One that is there but empty: featurize's "no audio clips found" came once make ran it, naming
    # no variable, RUNS made beside it. Only emptiness is looked for (the first file, the first line
    # that is not blank: at once on a corpus of any size); what the files hold is featurize's to read.
    expected="expected a Speech Commands folder (one folder of audio files per class) or a JSONL manifest"
    if [ -d "$value" ]; then
      if [ -z "$(find -L "$value" -type f -print -quit 2>/dev/null)" ]; then
        echo "$name: '$value': a folder with no file in it; $expected"; exit 0
      fi
    elif [ -r "$value" ] && ! grep -q '[^[:space:]]' "$value" 2>/dev/null; then
      echo "$name: '$value': an empty manifest (no line in it); $expected"; exit 0
    fi ;;
  count)
    [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "$name: expected a positive integer, got '$value'"; exit 0; }
    [ "${#value}" -le 7 ] && [ "$value" -le 1000000 ] ||
      { echo "$name: at most 1000000 (make holds a target per trial), got '$value'"; exit 0; } ;;
  path | study)
    if [ -z "$value" ]; then
      if [ "$kind" = study ]; then echo "STUDY: empty: CONFIG names no study (no \"study\" in it, or not JSON: jq -r .study CONFIG); give STUDY=NAME, or another CONFIG"
      else echo "$name: empty; expected a path"; fi
      exit 0
    fi
    if [ "$kind" = study ]; then
      case /$value/ in
      *//* | */./* | */../*)
        echo "STUDY: '$value' names the sweep's folder (RUNS=runs/STUDY), and runs/$value is not a folder of its own there (a '.' or '..' part, or a '/' at either end or doubled); give another STUDY, or RUNS"
        exit 0 ;;
      esac
    fi
    # make expands a leading ~ (~/ or ~user) in a target's name to a home folder, the commands it
    # is handed to (quoted) do not: RUNS='~/runs' made ./~/runs in the checkout, then failed.
    if [ "$kind" = path ] && [[ $value == '~'* ]]; then
      echo "$name: '$value': make reads a leading ~ in a target as a home folder, the commands given it do not; give the path with the folder written out"
      exit 0
    fi
    # A leading '-': the commands make hands the path to (mkdir, touch, rm, featurize's corpus) read
    # it as an option. RUNS=-r stopped at "mkdir: invalid option", naming no variable; FEATURES=-f.feat
    # at touch's, after featurize had made the cache (make deleted it); DATA=-m.jsonl at featurize's
    # "unknown option", after RUNS was made.
    if [ "$kind" = path ] && [[ $value == -* ]]; then
      echo "$name: '$value': begins with '-', which the commands make hands it to read as an option; write ./$value"
      exit 0
    fi
    has_bad_char "$value" || continue
    if [ "$kind" = study ]; then
      echo "STUDY: '$value' names the sweep's folder (RUNS=runs/STUDY), and make cannot use a path with a space or any of : % ; | \$ \\ ( ) * ? [ ] as a target; give another STUDY, or RUNS"
    else
      echo "$name: '$value': make cannot use a path with a space or any of : % ; | \$ \\ ( ) * ? [ ] as a target; give another"
    fi
    exit 0 ;;
  esac
done
