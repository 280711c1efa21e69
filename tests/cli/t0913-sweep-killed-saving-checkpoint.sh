#!/usr/bin/env bash
# A sweep's train-trial killed by SIGKILL (as the OOM killer does) while it wrote a checkpoint:
# its temporary, whole but not renamed, must not be left in RUNS. trial.sh told the trial FAIL
# and went on, and only a later train-trial's start in that folder removed it: after the sweep's
# last trial (and every `make sweep` after, which trains nothing) the folder kept a
# trial-N.ckpt.tmp.HOST-PID.XXXXXX that README does not name. Killed while it copied its weights
# to best.ckpt (its trial finished), best.ckpt is the best's, whole, and no temporary is left.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
cat >killer.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
/* a rename onto a path ending in $KILL_AT_RENAME: the process kills itself (SIGKILL) instead,
 * its temporary written whole and left */
int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    const char *at = getenv("KILL_AT_RENAME");
    size_t n = strlen(to), k = at ? strlen(at) : 0;
    if (at && k && n >= k && !strcmp(to + n - k, at)) raise(SIGKILL);
    return real(from, to);
}
C
build_shim "a sweep's trial killed saving a checkpoint" killer.c killer.so || exit 0
asan=$(asan_lib train-trial) || asan=
make_tone_cache tones
tone_sweep_config c.json killed-saving 2
# The trials' train-trial (LAUNCH's BIN): trial KILL_TRIAL's with the shim, killed at the rename
# onto KILL_AT (a path's end); the others, and every --result-of, the real one.
bin_but shim train-trial
cat >shim/train-trial <<EOF
#!/usr/bin/env bash
case " \$* " in *" --result-of "*) exec "$WS_BIN/train-trial" "\$@" ;; esac
IFS= read -r line
n=\$(jq .trial <<<"\$line")
[ "\$n" = "\$KILL_TRIAL" ] && export KILL_AT_RENAME=\$KILL_AT LD_PRELOAD="$asan${asan:+ }$TMP/killer.so"
exec "$WS_BIN/train-trial" "\$@" <<<"\$line"
EOF
printf '#!/usr/bin/env bash\nBIN=%q exec "$@"\n' "$TMP/shim" >launch.sh
chmod +x shim/train-trial launch.sh
# one trial at a time: trial 1, the last, is killed with no trial after it
sweep() { ws_make -j1 sweep DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/tones.feat" CONFIG="$TMP/c.json" TRIALS=2 \
            RUNS="$TMP/$1" MONITOR_INTERVAL=0.2 LAUNCH="$TMP/launch.sh"; }
best_is() { local b; b=$(report --db "$1/study.db" --best | jq .trial) && [ -n "$b" ] && cmp "$1/best.ckpt" "$1/trial-$b.ckpt"; }

test_expect_success "the last trial killed saving trial-1.ckpt: the sweep finishes" \
  'KILL_TRIAL=1 KILL_AT=/trial-1.ckpt sweep s >s.out 2>s.err'
test_expect_success "... the trial FAIL, killed by signal 9" \
  'jq -e ".trial == 1 and .state == \"FAIL\" and (.reason | test(\"killed by signal 9\"))" s/trial-001.json'
test_expect_success "... no temporary left in RUNS" 'ls -A s >&2; [ -z "$(find s -name "*.tmp.*")" ]'
test_expect_success "... best.ckpt is the best's, trial 0's" 'best_is s && [ "$(report --db s/study.db --best | jq .trial)" = 0 ]'

test_expect_success "the last trial killed copying its weights to best.ckpt: the sweep finishes" \
  'KILL_TRIAL=1 KILL_AT=/best.ckpt sweep b >b.out 2>b.err'
test_expect_success "... best.ckpt is the best's, whole" 'best_is b && train-trial --evaluate b/best.ckpt --features tones.feat >/dev/null'
test_expect_success "... no temporary left in RUNS" 'ls -A b >&2; [ -z "$(find b -name "*.tmp.*")" ]'
