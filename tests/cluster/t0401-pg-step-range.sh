#!/usr/bin/env bash
# prune-check --step takes Optuna's 64-bit steps, but Optuna's PostgreSQL schema holds a step as
# INTEGER (32 bits): a larger step there is bad input (exit 2, saying so), not the server's "out
# of range" as an internal error (exit 3); the trial is unchanged. Needs the server of
# tests/cluster/run.sh.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then test_skip "prune-check step range" "PostgreSQL only (make check-cluster)"; exit 0; fi
DB=$(db_new steps) || exit 1
cat >c.json <<'J'
{"study": "st", "direction": "minimize", "sampler": {"name": "random", "seed": 5},
 "space": {"x": {"type": "float", "low": -5, "high": 5}}}
J
suggest --db "$DB" --config c.json >/dev/null
test_expect_code 1 "step 2^31-1, the largest INTEGER" prune-check --db "$DB" --study st --trial 0 --step 2147483647 --value 1
test_expect_code 2 "step 2^31: bad input" prune-check --db "$DB" --study st --trial 0 --step 2147483648 --value 1
test_expect_success "... saying why" 'grep -q "step 2147483648: a PostgreSQL study holds steps up to 2147483647" err'
test_expect_success "... and the trial has its one step, still RUNNING" '
  [ "$(dbq "$DB" "SELECT count(*) FROM trial_intermediate_values")" = 1 ] &&
  [ "$(dbq "$DB" "SELECT state FROM trials")" = RUNNING ]'
# A SQLite study holding such a step (Optuna's, or prune-check's) copied to PostgreSQL: the same,
# for study-copy (it was exit 3), and nothing is copied.
suggest --db s.db --config c.json >/dev/null
prune-check --db s.db --study st --trial 0 --step 3000000000 --value 1 >/dev/null
test_expect_code 2 "study-copy of a study with step 3e9 to PostgreSQL: bad input" study-copy --from s.db --to "$DB" --study st --to-study st2
test_expect_success "... saying why, naming the trial; nothing copied" '
  grep -q "trial 0: step 3000000000: a PostgreSQL study holds steps up to 2147483647" err &&
  [ "$(dbq "$DB" "SELECT count(*) FROM studies")" = 1 ]'
