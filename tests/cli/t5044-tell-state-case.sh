#!/usr/bin/env bash
# tell --state takes its names in any case (COMPLETE, as report prints a state, too), where
# Optuna's `optuna tell --state` takes complete, pruned and fail in lower case only (argparse
# choices). Harmless, and kept; tell(1) and --help now say what is taken. Optuna's CLI is the
# reference for its side.
. "$WS_ROOT/tests/cli/lib.sh"
need_python "tell --state case" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 2 >/dev/null; cp s.db o.db
test_expect_success "Optuna's CLI refuses --state COMPLETE (lower case only)" '
  ! /usr/bin/optuna tell --storage sqlite:///o.db --study-name kws --trial-number 0 --state COMPLETE --values 0.5 >o.out 2>o.err &&
  grep -q "invalid choice: .COMPLETE." o.err'
test_expect_code 0 "tell takes --state COMPLETE" tell --db s.db --study kws --trial 0 --state COMPLETE --value 0.5
test_expect_success "... as complete" '[ "$(jq -c "[.state,.value]" out)" = "[\"COMPLETE\",0.5]" ]'
test_expect_code 2 "--state Running is refused" tell --db s.db --study kws --trial 1 --state Running
test_expect_success "tell(1) says any case is taken, Optuna's CLI lower case only" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/tell.1" | grep -q "Case is not significant.*takes the lower-case names only"'
test_expect_success "--help says so too" 'tell --help | grep -q "complete, pruned or fail (any case"'
