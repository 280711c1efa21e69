#!/usr/bin/env bash
# Concurrency: P processes each run L loops of suggest -> 5 x prune-check -> tell against one
# study. Trial numbers must be 0..P*L-1 exactly once, nothing "database is locked", every
# intermediate value stored, and PRAGMA integrity_check ok. (tests/bench/store runs 8 x 200.)
# The database is SQLite, or PostgreSQL under `make check-cluster` (tests/cluster/db.sh).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
P=${P:-8} L=${L:-20}
DB=$(db_new s) || exit 1
cat >c.json <<'J'
{"study": "conc", "direction": "minimize", "sampler": {"name": "random", "seed": 3},
 "pruner": {"name": "median", "n_startup_trials": 3},
 "space": {"x": {"type": "float", "low": -5, "high": 5}, "k": {"type": "int", "low": 1, "high": 9}}}
J
# One awk per loop for the five values (x*x + step), the trial number and x read from the line by
# bash: a jq per value was three quarters of the file's processes (and of its CPU time), none of
# them touching the study, and a jq per loop still cost three times an awk.
worker() {
  local w=$1 i line n x s v vs
  for ((i = 0; i < L; i++)); do
    line=$(suggest --db "$DB" --config c.json) || { echo "worker $w: suggest failed" >&2; return 1; }
    [[ $line =~ \"trial\":\ *([0-9]+) ]] && n=${BASH_REMATCH[1]} &&
      [[ $line =~ \"x\":\ *(-?[0-9][-+.0-9eE]*) ]] && x=${BASH_REMATCH[1]} ||
      { echo "worker $w: no trial or x in $line" >&2; return 1; }
    mapfile -t vs < <(awk -v x="$x" 'BEGIN { for (s = 0; s < 5; s++) printf "%.17g\n", x * x + s }')
    for s in 0 1 2 3 4; do
      v=${vs[s]}
      prune-check --db "$DB" --study conc --trial "$n" --step "$s" --value "$v" >/dev/null
      [ $? -le 1 ] || { echo "worker $w: prune-check failed" >&2; return 1; }
    done
    tell --db "$DB" --study conc --trial "$n" --state complete --value "$v" >/dev/null || { echo "worker $w: tell failed" >&2; return 1; }
  done
}
pids=()
for ((w = 0; w < P; w++)); do worker $w 2>"err.$w" & pids+=($!); done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
cat err.* >all.err
total=$((P * L))
test_expect_success "all $P workers finished" "[ $failed = 0 ]"
test_expect_success "no 'database is locked'" "! grep -qi 'locked' all.err"
test_expect_success "trial numbers 0..$((total - 1)) exactly once" "
  dbq \"\$DB\" 'SELECT number FROM trials ORDER BY number' >numbers
  seq 0 $((total - 1)) >want
  cmp numbers want"
test_expect_success "every trial COMPLETE" "[ \$(dbq \"\$DB\" \"SELECT count(*) FROM trials WHERE state='COMPLETE'\") = $total ]"
test_expect_success "every intermediate value stored" "[ \$(dbq \"\$DB\" 'SELECT count(*) FROM trial_intermediate_values') = $((total * 5)) ]"
test_expect_success "integrity_check ok" "[ \"\$(db_integrity \"\$DB\")\" = ok ]"

# study-copy to a destination that holds the study already is refused, exit 2, the copy there
# left as it was (trials, values).
CDB=$(db_new copy) || exit 1
study-copy --from "$DB" --to "$CDB" >/dev/null
dbq "$CDB" "SELECT number, state FROM trials ORDER BY number" >copy.before
test_expect_code 2 "study-copy: a second copy to the same --to" study-copy --from "$DB" --to "$CDB"
# (PostgreSQL's: "--to: " and the server as the store names it, its password masked)
test_expect_success "... says the study is there" 'grep -Eq "^study-copy: --to[ :].*: a study named .conc. exists already$" err || { cat err >&2; false; }'
test_expect_success "... leaves the first copy as it was" '
  [ -s copy.before ] && [ "$(dbq "$CDB" "SELECT count(*) FROM studies")" = 1 ] &&
  dbq "$CDB" "SELECT number, state FROM trials ORDER BY number" | cmp - copy.before'

# Two copies at once: the destination's "no study of that name" must be the answer inside the
# copy's own write transaction. A copy that checked before taking the write lock, then waited for
# it while another connection created the study, copied its trials into that study (exit 0, two
# studies' trials in one). Made deterministic: the other connection holds the lock, with the
# study created and not yet committed, until the copy has checked and waits for the lock.
if [ -z "${WS_PG_HOST:-}" ]; then
  rm -f race.db* hold.fifo
  study-copy --from "$DB" --to race.db --to-study other >/dev/null && mkfifo hold.fifo || exit 1
  cat >hold.sql <<'S'
BEGIN IMMEDIATE;
INSERT INTO studies (study_name) VALUES ('conc');
INSERT INTO study_directions (direction, study_id, objective) SELECT 'MINIMIZE', study_id, 0 FROM studies WHERE study_name = 'conc';
S
  sqlite3 race.db <hold.fifo & holder=$!
  { cat hold.sql; sleep 2; echo "COMMIT;"; } >hold.fifo & writer=$!
  for _ in $(seq 100); do command sqlite3 race.db "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || break; sleep 0.05; done   # lock taken
  race_rc=0; study-copy --from "$DB" --to race.db >race.out 2>race.err & copy=$!
  for _ in $(seq 600); do kill -0 $copy 2>/dev/null || break; sleep 0.05; done   # at most 30 s
  kill -KILL $copy 2>/dev/null; wait $copy || race_rc=$?
  kill $writer $holder 2>/dev/null; wait $writer $holder 2>/dev/null
  test_expect_success "study-copy racing another writer of the study: refused" '
    echo "exit $race_rc" >&2; cat race.err >&2; [ $race_rc = 2 ] && [ ! -s race.out ] && grep -q "^study-copy: --to race.db: a study named .conc. exists already$" race.err'
  test_expect_success "... the other writer's study left empty" '
    [ "$(sqlite3 race.db "SELECT count(*) FROM trials JOIN studies USING (study_id) WHERE study_name = '\''conc'\''")" = 0 ] &&
    [ "$(sqlite3 race.db "SELECT count(*) FROM studies")" = 2 ]'
fi
