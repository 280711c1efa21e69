#!/usr/bin/env bash
# What a man page's ENVIRONMENT says of a variable's value is what the tool does with it (t0024
# checks only that the variables read and those named are the same): each WS_ variable that
# holds a value says that empty is unset and that another value is exit status 2, and the tool
# exits 2 naming it on a bad value and takes an empty one as unset. WS_THREADS and
# WS_CUDA_MEM_MIB said neither, though train-trial refused a bad value (WS_CUDA_MEM_MIB even on a
# machine without a GPU, failing the trial), and the values of CUDA_VISIBLE_DEVICES that hide
# every GPU were not all named.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

# the man page's ENVIRONMENT entry of VAR in TOOL's page, as plain words on one line
entry() {
  awk -v v="$2" '/^\.SH/ { on = ($0 ~ /ENVIRONMENT/); next }
    on && /^\.TP/ { tag = 1; take = 0; next }
    on && tag { tag = 0; take = ($0 ~ "^\\.B " v "$"); next }
    on && take' "$WS_ROOT/share/man/man1/$1.1" | sed 's/\\-/-/g; s/\\f.//g; s/\\(.*//' | tr '\n' ' ' | tr -s ' '
}

make_tone_cache tones
tone_study_config c.json
suggest --db s.db --config c.json >line0
train-trial --db s.db --features tones.feat --quiet --device cpu line0 >/dev/null 2>&1
suggest --db s.db --config c.json >line1

# TOOL VAR BAD COMMAND...: a command of TOOL that reads VAR (and exits 0, 1 or 2 when it is unset)
cases=(
  "suggest WS_DB_BUSY_S x suggest --db s.db --config c.json --n 0"
  "tell WS_DB_BUSY_S x tell --db s.db --study tones --trial 99 --state fail"
  "prune-check WS_DB_BUSY_S x prune-check --db s.db --study tones --trial 99 --step 1 --value 1"
  "report WS_DB_BUSY_S x report --db s.db"
  "study-copy WS_DB_BUSY_S x study-copy --from s.db --study none --to copy.db"
  "train-trial WS_DB_BUSY_S x train-trial --db s.db --result-of none"
  "gpu-monitor WS_MONITOR_BUSY_S x gpu-monitor --db s.db -n 1 -i 0.01 -q"
  "train-trial WS_THREADS 0 train-trial --evaluate trial-0.ckpt --features tones.feat"
  "train-trial WS_CUDA_MEM_MIB x train-trial --db s.db --features tones.feat --quiet line1"
)
for c in "${cases[@]}"; do
  read -r tool var bad cmd <<<"$c"
  test_expect_success "$tool: ENVIRONMENT says what an empty $var and another value do" '
    e=$(entry "$tool" "$var") && echo "$e" >&2 && [ -n "$e" ] &&
    [[ $e == *"empty is unset"* ]] && [[ $e == *"exit status 2"* ]]'
  # the bad value first: WS_CUDA_MEM_MIB's fails the trial, which the other runs leave alone
  test_expect_code 2 "$tool: $var=$bad is exit status 2" env "$var=$bad" $cmd
  test_expect_success "... naming $var" 'grep -q "$var" err'
  unset_rc=0; env -u "$var" $cmd >/dev/null 2>&1 || unset_rc=$?
  test_expect_code "$unset_rc" "$tool: $var empty is $var unset (exit $unset_rc)" env "$var=" $cmd
  # (the run with the bad value failed the trial: train-trial now says it is not RUNNING with the
  # study's reason for it, that earlier run's complaint, which is not this run's)
  test_expect_success "... and says nothing of it" '! sed "s/ (the study.s reason: .*)\$//" err | grep -q "$var"'
done
test_expect_success "train-trial: the bad WS_CUDA_MEM_MIB failed its trial, with the reason" '
  [ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 1")" = FAIL ] &&
  sqlite3 s.db "SELECT value_json FROM trial_system_attributes JOIN trials USING (trial_id) WHERE number = 1 AND key = '\''wakesweep:reason'\''" | grep -q WS_CUDA_MEM_MIB'

# WS_DB_RETRY_S is read before a PostgreSQL server is asked: a bad value needs no server. (An
# empty one would wait for the server that is not there.)
for tool in suggest report; do
  case $tool in suggest) cmd="suggest --db postgresql://u@127.0.0.1:1/x --config c.json" ;;
                report) cmd="report --db postgresql://u@127.0.0.1:1/x" ;; esac
  test_expect_success "$tool: ENVIRONMENT says what an empty WS_DB_RETRY_S and another value do" '
    e=$(entry "$tool" WS_DB_RETRY_S) && [[ $e == *"empty is unset"* ]] && [[ $e == *"exit status 2"* ]]'
  test_expect_code 2 "$tool: WS_DB_RETRY_S=x is exit status 2" env WS_DB_RETRY_S=x $cmd
  test_expect_success "... naming it" 'grep -q "WS_DB_RETRY_S" err'
done

# CUDA_VISIBLE_DEVICES: each value that hides every GPU (as CUDA reads it: an empty list, an
# invalid first device; NoDevFiles is what Slurm sets for a job given no GPU) is said so by
# --device cuda, and named by the man page.
e=$(entry train-trial CUDA_VISIBLE_DEVICES)
for v in "" -1 none NoDevFiles; do
  test_expect_code 2 "train-trial --device cuda with CUDA_VISIBLE_DEVICES='$v'" \
    env CUDA_VISIBLE_DEVICES="$v" train-trial --db s.db --features tones.feat --device cuda --probe-batch line1
  test_expect_success "... it hides every GPU" 'grep -q "CUDA_VISIBLE_DEVICES=.$v. hides every GPU" err'
  [ -z "$v" ] && continue
  test_expect_success "... and train-trial(1) names '$v' among the values that do" '[[ $e == *"$v"* ]]'
done
