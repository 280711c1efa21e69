#!/usr/bin/env bash
# A value a parameter cannot take (queued, fixed or in a config's "when") is named with what is
# wrong with it: past a bound, or within the bounds but off the step grid. Every such value was
# "outside [LOW, HIGH] or off the step grid", also for an int of step 1, which has no grid to be
# off ("8 is outside [7, 7] or off the step grid"), and for 17 in [16, 128], which is not outside.
# (Optuna 3.1's _contains refuses each value below: its bounds and its grid, (v - low) % step.)
. "$WS_ROOT/tests/cli/lib.sh"
cat >c.json <<'J'
{"study": "m", "sampler": {"name": "random", "seed": 1},
 "space": {"one": {"type": "int", "low": 7, "high": 7},
           "ch": {"type": "int", "low": 16, "high": 128, "step": 16},
           "dr": {"type": "float", "low": 0, "high": 0.5, "step": 0.1},
           "lr": {"type": "float", "low": 1e-4, "high": 1e-2, "log": true}}}
J
check() {   # check NAME VALUE MESSAGE: --enqueue of {NAME: VALUE} exits 2 with MESSAGE, queues nothing
  pname=$1 pmsg=$3
  echo "{\"$1\": $2}" >q.jsonl
  test_expect_code 2 "enqueue $1 $2" suggest --db s.db --config c.json --enqueue q.jsonl
  test_expect_success "... says: $3" '[ "$(cat err)" = "suggest: q.jsonl:1.$pname: $pmsg" ] && [ ! -s out ] &&
    [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 0 ]'
}
suggest --db s.db --config c.json --n 0
check one 8 "8 is outside [7, 7]"
check ch 17 "17 is off the step grid of [16, 128] (16 + a multiple of 16)"
check ch 144 "144 is outside [16, 128]"
check ch 0 "0 is outside [16, 128]"
check dr 0.25 "0.25 is off the step grid of [0.0, 0.5] (0.0 + a multiple of 0.1)"
check dr 0.6 "0.6 is outside [0.0, 0.5]"
check lr 0.5 "0.5 is outside [0.0001, 0.01]"
py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
if "$PY" -c 'import optuna' 2>/dev/null; then
  test_expect_success "Optuna 3.1 holds none of them in its distribution, and 32 and 0.3 in theirs" '"$PY" -W ignore -c "
from optuna.distributions import IntDistribution as I, FloatDistribution as F
assert not any([I(7, 7)._contains(8), I(16, 128, step=16)._contains(17), I(16, 128, step=16)._contains(144),
                I(16, 128, step=16)._contains(0), F(0, 0.5, step=0.1)._contains(0.25), F(0, 0.5, step=0.1)._contains(0.6),
                F(1e-4, 1e-2, log=True)._contains(0.5)])
assert I(16, 128, step=16)._contains(32) and F(0, 0.5, step=0.1)._contains(0.3)"'
else
  test_skip "Optuna 3.1 holds none of them in its distribution" "python3-optuna is not installed (make deps installs it)"
fi
