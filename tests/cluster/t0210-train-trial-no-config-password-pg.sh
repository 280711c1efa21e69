#!/usr/bin/env bash
# train-trial on a PostgreSQL study without wakesweep's config (one Optuna made, copied in by
# study-copy) named the study's URL as it was given, password and all ("postgresql://me:secret@
# ...: study 'plain' has no wakesweep config"), where every other message shows it without
# (ws_store_path, t0949). The test server trusts every connection, so a URL with a password
# connects.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
. "$WS_ROOT/tests/cluster/db.sh"
if [ -z "${WS_PG_HOST:-}" ]; then
  test_skip "train-trial, a study without config, the password" "no PostgreSQL server (make check-cluster starts one)"; exit 0
fi
PG=$(db_new noconf) || exit 1
url=${PG/postgres@/postgres:s3cret@}
/usr/bin/python3 -c 'import optuna, sys
optuna.logging.set_verbosity(optuna.logging.WARNING)
optuna.create_study(study_name="plain", storage="sqlite:///o.db").ask()' ||
  echo "FAIL making the Optuna study"
study-copy --from o.db --to "$url" >/dev/null 2>&1 || echo "FAIL copying the study"
make_tone_cache tones
echo '{"study":"plain","trial":0,"params":{}}' >line
test_expect_code 2 "train-trial: a study without wakesweep config, the URL with a password" \
  train-trial --db "$url" --features tones.feat --quiet line
test_expect_success "... says so, naming the study" 'grep -q "study '"'"'plain'"'"' has no wakesweep config" err'
test_expect_success "... without the password" '! grep -q s3cret err'
