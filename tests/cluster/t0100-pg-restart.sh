#!/usr/bin/env bash
# The PostgreSQL server restarting under a running sweep: trainers reporting intermediate values
# and workers creating trials ride it out (reconnect with backoff, transactions replayed), and
# nothing is lost. A server that stays away: the tool gives up after WS_DB_RETRY_S with a clear
# message. Needs the server of tests/cluster/run.sh (WS_PG_DIR).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
. "$WS_ROOT/tests/cluster/pg.sh"
DB=$(db_new r) || exit 1
export WS_DB_RETRY_S=30
cat >c.json <<'J'
{"study": "rs", "direction": "minimize", "sampler": {"name": "random", "seed": 5},
 "space": {"x": {"type": "float", "low": -5, "high": 5}}}
J
# A trainer: one trial, 12 steps 0.25 s apart (3 s), then tell.
trainer() {
  local line n s
  line=$(suggest --db "$DB" --config c.json) || return 1
  n=$(jq -r .trial <<<"$line")
  for s in $(seq 0 11); do
    prune-check --db "$DB" --study rs --trial "$n" --step "$s" --value "0.$s" >/dev/null
    [ $? -le 1 ] || { echo "trial $n step $s: prune-check failed" >&2; return 1; }
    sleep 0.25
  done
  tell --db "$DB" --study rs --trial "$n" --state complete --value 1 >/dev/null
}
# Workers: short suggest -> tell loops, so some transaction is open when the server goes.
worker() {
  local i line
  for ((i = 0; i < 15; i++)); do
    line=$(suggest --db "$DB" --config c.json) || { echo "worker $1: suggest failed" >&2; return 1; }
    tell --db "$DB" --study rs --trial "$(jq -r .trial <<<"$line")" --state complete --value 2 >/dev/null ||
      { echo "worker $1: tell failed" >&2; return 1; }
  done
}
suggest --db "$DB" --config c.json --n 0 >/dev/null 2>&1   # creates the schema and the study
pids=()
for k in 1 2; do trainer 2>"terr.$k" & pids+=($!); done
for k in 1 2 3; do worker $k 2>"werr.$k" & pids+=($!); done
sleep 1
pg_restart "$WS_PG_DIR" "$WS_PG_PORT" 2 2>restart.err; restarted=$?
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
cat terr.* werr.* >all.err
test_expect_success "the server was stopped for 2 s and started again" "[ $restarted = 0 ]"
test_expect_success "trainers and workers all finished across the restart" "[ $failed = 0 ] || { cat all.err >&2; false; }"
test_expect_success "every trial COMPLETE, numbers dense" '
  [ "$(dbq "$DB" "SELECT count(*), min(number), max(number), sum(CASE WHEN state = '"'COMPLETE'"' THEN 1 ELSE 0 END) FROM trials")" = "47|0|46|47" ]'
test_expect_success "every intermediate value of the trainers stored" '
  [ "$(dbq "$DB" "SELECT count(*) FROM trial_intermediate_values")" = 24 ]'

# A server that stays away: the tool waits WS_DB_RETRY_S, then fails naming the server.
pg_as "$PG_BIN/pg_ctl" -D "$WS_PG_DIR/data" -m fast -w stop >/dev/null
start=$(date +%s%N)
WS_DB_RETRY_S=2 test_expect_code 3 "a server that stays away: exit 3 after the bounded wait" \
  report --db "$DB" --format jsonl
ms=$((($(date +%s%N) - start) / 1000000))
test_expect_success "... within about WS_DB_RETRY_S (2 s; took ${ms} ms)" "[ $ms -ge 2000 ] && [ $ms -lt 8000 ]"
test_expect_success "... with a message that says so" 'grep -q "did not answer within 2 s" err'
pg_ctl_start "$WS_PG_DIR" "$WS_PG_PORT"
test_expect_success "the server is back for the tests after this one" '[ "$(dbq "$DB" "SELECT count(*) FROM trials")" = 47 ]'
