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
worker() {
  local w=$1 i line n s v
  for ((i = 0; i < L; i++)); do
    line=$(suggest --db "$DB" --config c.json) || { echo "worker $w: suggest failed" >&2; return 1; }
    n=$(jq -r .trial <<<"$line")
    for s in 0 1 2 3 4; do
      v=$(jq -r ".params.x * .params.x + $s" <<<"$line")
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
