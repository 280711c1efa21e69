#!/usr/bin/env bash
# The wakesweep TPE's dedup ("never hand out a configuration another trial holds",
# tests/bench/sampler/README.md) under a hyperband pruner: the sampler sees only the trials of
# the new trial's bracket (Optuna's _BracketStudy), and dedup checked only those, so a
# configuration that a trial of another bracket held (and trains, in parallel) was handed out
# again. Six trials over six choices must all differ, as they do under the median pruner.
. "$WS_ROOT/tests/cli/lib.sh"
for pr in '{"name": "hyperband", "min_resource": 1, "max_resource": 9, "reduction_factor": 3}' \
    '{"name": "hyperband", "min_resource": 1, "max_resource": 27, "reduction_factor": 3}' '{"name": "median"}'; do
  printf '{"study": "d", "sampler": {"seed": 1}, "pruner": %s, "space": {"c": {"type": "categorical", "choices": ["a", "b", "c", "d", "e", "f"]}}}\n' "$pr" >c.json
  for seed in 1 2 3 4; do
    rm -f s.db
    test_expect_code 0 "$pr, seed $seed: six trials" suggest --db s.db --config c.json --n 6 --seed $seed
    test_expect_success "... hold six configurations" '[ "$(jq -r .params.c out | sort -u | wc -l)" = 6 ]'
  done
done
# dedup off: repeats are allowed (the option still does what it says)
printf '{"study": "d", "sampler": {"seed": 1, "dedup": false}, "pruner": {"name": "hyperband", "min_resource": 1, "max_resource": 9}, "space": {"c": {"type": "categorical", "choices": ["a", "b"]}}}\n' >c.json
rm -f s.db
test_expect_code 0 "dedup off: eight trials over two choices" suggest --db s.db --config c.json --n 8
