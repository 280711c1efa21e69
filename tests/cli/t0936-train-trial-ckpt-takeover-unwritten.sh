#!/usr/bin/env bash
# A study made anew takes over the checkpoint folder of the one it replaced (t0922): the old
# study's checkpoints are removed, then the new claim is renamed over the old. Where that rename
# fails (a full disk: the claim's temporary cannot be written or put in place), the old claim
# stays, and the trial trained all the same, as a trial whose claim cannot be written in a folder
# claimed by none does. Its trial-N.ckpt, whose header names the study (old and new have one
# name), went into a folder still claimed by the old study: its best.ckpt was left alone, and the
# next trial's takeover removed it as the old study's. A trial whose takeover fails is refused now
# (exit 3, the trial FAIL, nothing written), the old claim in place.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq 'del(.constraints) | .budget.epochs = 1' c.json >s.json
jq '.sampler.seed = 3' s.json >s3.json
tt() { train-trial --features tones.feat --threads 1 --quiet "$@"; }
uid_of() { sqlite3 "$1" "SELECT json_extract(value_json, '$') FROM study_system_attributes WHERE key = 'wakesweep:uid'"; }
state_of() { sqlite3 "$1" "SELECT state FROM trials WHERE number = $2"; }

# The old study: its trial 0 kept in d (trial-0.ckpt, best.ckpt, its claim); its study file removed.
mkdir d
suggest --db d/s.db --config s.json >o.l0 && tt --db d/s.db o.l0 >/dev/null 2>&1
cp d/.study.json old-claim.json
rm -f d/s.db d/s.db-wal d/s.db-shm

# rename() onto a .study.json fails as on a full disk (ENOSPC); every other rename is left alone
cat >rename.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    size_t n = strlen(to);
    if (n >= 11 && !strcmp(to + n - 11, ".study.json")) { errno = ENOSPC; return -1; }
    return real(from, to);
}
C
build_shim "a takeover whose claim cannot be put in place" rename.c rename.so || exit 0
asan=$(asan_lib train-trial)

suggest --db d/s.db --config s3.json >n.l0
test_expect_code 3 "a takeover whose new claim cannot be put in place (ENOSPC): the trial refused, exit 3" \
  env LD_PRELOAD="$asan${asan:+ }$PWD/rename.so" "$WS_BIN/train-trial" --db d/s.db --features tones.feat \
  --threads 1 --quiet n.l0
test_expect_success "... says why, naming the claim" 'grep -F "d/.study.json: cannot write: No space left on device" err'
test_expect_success "... the trial FAIL, no weights of it in the folder, the old claim in place" '
  [ "$(state_of d/s.db 0)" = FAIL ] && [ ! -e d/trial-0.ckpt ] && cmp d/.study.json old-claim.json &&
  ! ls d | grep -q "\.tmp\."'
suggest --db d/s.db --config s3.json >n.l1
test_expect_code 0 "the new study's next trial, the disk no longer full" tt --db d/s.db n.l1
test_expect_success "... takes the folder over: the new claim; the weights of every COMPLETE trial of the new study there" '
  jq -e --arg u "$(uid_of d/s.db)" ".uid == \$u" d/.study.json &&
  for n in $(sqlite3 d/s.db "SELECT number FROM trials WHERE state = '\''COMPLETE'\''"); do
    [ -e "d/trial-$n.ckpt" ] || { echo "trial $n: COMPLETE, its trial-$n.ckpt gone" >&2; exit 1; }
  done'
test_expect_success "... best.ckpt the best trial's weights" '
  best=$(sqlite3 d/s.db "SELECT number FROM trials t JOIN trial_values v USING (trial_id) WHERE state = '\''COMPLETE'\'' ORDER BY v.value DESC LIMIT 1") &&
  cmp d/best.ckpt "d/trial-$best.ckpt"'
