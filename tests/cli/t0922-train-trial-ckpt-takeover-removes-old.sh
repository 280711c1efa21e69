#!/usr/bin/env bash
# A study made anew at the store and name a folder's claim names (its study file removed and made
# again, as when a sweep begins again) takes the folder over (t0919), but took only the claim: the
# old study's trial-N.ckpt stayed beside the new one's, and its best.ckpt until a trial of the new
# study became the best, so that a new study whose trials never completed kept the old one's
# best.ckpt as its own. Taking a folder over now removes the old study's checkpoints first
# (best.ckpt and trial-N.ckpt whose header names the study: nothing else), then puts the new claim
# in place: a trial killed meanwhile leaves the old claim (and what is left of the old study's
# checkpoints, removed by the next trial), never the new claim beside the old study's weights.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
tone_study_config c.json
jq 'del(.constraints) | .budget.epochs = 1' c.json >s.json
# the new study: another seed; its trial 0 of epochs enough that --max-seconds 1 ends it
# unfinished, the others of one
jq '.sampler.seed = 3 | .budget.epochs = [[1, 100000], [null, 1]]' s.json >sb.json
jq '.sampler.seed = 3' s.json >s3.json
tt() { train-trial --features tones.feat --threads 1 --quiet "$@"; }
uid_of() { sqlite3 "$1" "SELECT json_extract(value_json, '$') FROM study_system_attributes WHERE key = 'wakesweep:uid'"; }
state_of() { sqlite3 "$1" "SELECT state FROM trials WHERE number = $2"; }
# old_study DIR: study 'tones' at DIR/s.db, its trials 0 and 1 kept in DIR (trial-0.ckpt,
# trial-1.ckpt, best.ckpt, .study.json), beside files that are not its checkpoints: notes, its
# weights under another name, another study's trial-7.ckpt, a trial-8.ckpt naming no study; then
# its study file removed. DIR.keep holds copies of what is to stay.
old_study() {
  mkdir "$1" "$1.keep"
  suggest --db "$1/s.db" --config s.json >"$1.l0" && tt --db "$1/s.db" "$1.l0" >/dev/null 2>&1
  suggest --db "$1/s.db" --config s.json >"$1.l1" && tt --db "$1/s.db" "$1.l1" >/dev/null 2>&1
  echo notes >"$1/notes.txt"; cp "$1/trial-1.ckpt" "$1/kept.ckpt"
  ckpt_edit "$1/trial-0.ckpt" "$1/trial-7.ckpt" 'h["trial"]["study"] = "other"; h["trial"]["number"] = 7'
  ckpt_edit "$1/trial-0.ckpt" "$1/trial-8.ckpt" 'h["trial"] = None'
  cp "$1"/notes.txt "$1"/kept.ckpt "$1"/trial-7.ckpt "$1"/trial-8.ckpt "$1"/.study.json "$1.keep/"
  cp "$1"/trial-0.ckpt "$1"/trial-1.ckpt "$1"/best.ckpt "$1.keep/"
  rm -f "$1"/s.db "$1"/s.db-wal "$1"/s.db-shm
}
# others_stay DIR: the files of DIR that are not the old study's checkpoints are as they were
others_stay() {
  local f
  for f in notes.txt kept.ckpt trial-7.ckpt trial-8.ckpt; do cmp "$1/$f" "$1.keep/$f" || return 1; done
  [ -e "$1/.best.lock" ]
}

# The new study's first trial, ended by --max-seconds before it completes.
old_study re
suggest --db re/s.db --config sb.json >r.l0
test_expect_code 0 "a study made anew at the path of the one that claimed the folder: its trial, ended unfinished" \
  tt --db re/s.db --max-seconds 1 r.l0
test_expect_success "... FAIL, the folder claimed for the new study" '
  [ "$(state_of re/s.db 0)" = FAIL ] && jq -e --arg u "$(uid_of re/s.db)" ".uid == \$u" re/.study.json &&
  ! cmp -s re/.study.json re.keep/.study.json'
test_expect_success "... the old study's best.ckpt and trial-1.ckpt removed, its trial-0.ckpt not left" '
  [ ! -e re/best.ckpt ] && [ ! -e re/trial-1.ckpt ] && ! cmp -s re/trial-0.ckpt re.keep/trial-0.ckpt'
test_expect_success "... the files that are not its checkpoints as they were" 'others_stay re'
suggest --db re/s.db --config sb.json >r.l1
test_expect_code 0 "the new study's next trial there" tt --db re/s.db r.l1
test_expect_success "... completes, its best.ckpt its own; the others as they were" '
  [ "$(state_of re/s.db 1)" = COMPLETE ] && cmp re/best.ckpt re/trial-1.ckpt && ! cmp -s re/trial-1.ckpt re.keep/trial-1.ckpt &&
  others_stay re'

# Killed while it removes the old study's checkpoints (an LD_PRELOAD shim: once a checkpoint is
# removed, unlink marks it and waits to be killed): the old claim stays. (A checkpoint is renamed
# aside to a temporary of its name, X.ckpt.tmp.HOST-PID.XXXXXX, before it is removed: t0945.)
cat >unlink.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
int unlink(const char *path)
{
    static int (*real)(const char *);
    if (!real) real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    int rc = real(path);
    size_t n = strlen(path);
    if ((n > 5 && !strcmp(path + n - 5, ".ckpt")) || strstr(path, ".ckpt.tmp.")) {
        close(open("unlinked.mark", O_CREAT | O_WRONLY, 0644));
        sleep(60);
    }
    return rc;
}
C
build_shim "a trial killed while it takes a folder over" unlink.c unlink.so || exit 0
asan=$(asan_lib train-trial)
old_study kill
suggest --db kill/s.db --config s3.json >k.l0
# (not under timeout: the pid killed is train-trial's; the shim's wait ends by itself)
LD_PRELOAD="$asan${asan:+ }$PWD/unlink.so" "$WS_BIN/train-trial" --db kill/s.db --features tones.feat \
  --threads 1 --quiet k.l0 >k.out 2>k.err &
pid=$!
for _ in $(seq 300); do [ -e unlinked.mark ] || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.1; done
[ -e unlinked.mark ] && kill -KILL "$pid"
wait "$pid"
test_expect_success "a trial killed while it takes a folder over: killed after removing a checkpoint" '[ -e unlinked.mark ]'
test_expect_success "... the old claim in place, not the new one beside the old study's weights" '
  cmp kill/.study.json kill.keep/.study.json &&
  { [ ! -e kill/trial-0.ckpt ] || [ ! -e kill/trial-1.ckpt ] || [ ! -e kill/best.ckpt ]; }'
suggest --db kill/s.db --config s3.json >k.l1
test_expect_code 0 "... the new study's next trial there" tt --db kill/s.db k.l1
test_expect_success "... takes the folder over: the new claim, none of the old study's checkpoints left" '
  jq -e --arg u "$(uid_of kill/s.db)" ".uid == \$u" kill/.study.json && [ ! -e kill/trial-0.ckpt ] &&
  ! cmp -s kill/trial-1.ckpt kill.keep/trial-1.ckpt && cmp kill/best.ckpt kill/trial-1.ckpt && others_stay kill'

# The takeover said on stderr (the files it removes went without a word): the folder, the old
# study's uid and how many of its checkpoints went (best.ckpt, trial-0.ckpt, trial-1.ckpt); not
# with --quiet.
old_study say
old_uid=$(jq -r .uid say/.study.json)
suggest --db say/s.db --config s3.json >y.l0
test_expect_code 0 "a takeover without --quiet" \
  "$WS_BIN/train-trial" --db say/s.db --features tones.feat --threads 1 y.l0
test_expect_success "... says so: the folder, the old study's uid, 3 checkpoints removed" '
  grep -F "train-trial: say: taken over from the study '\''tones'\'' made before this one at say/s.db (uid $old_uid, gone from it): 3 of its checkpoints removed" err &&
  others_stay say'
old_study hush
suggest --db hush/s.db --config s3.json >h.l0
test_expect_code 0 "a takeover with --quiet" tt --db hush/s.db h.l0
test_expect_success "... says nothing of it; takes the folder over all the same" '
  ! grep -q "taken over" err && [ ! -e hush/trial-1.ckpt ] && cmp hush/best.ckpt hush/trial-0.ckpt'
