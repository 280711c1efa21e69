#!/usr/bin/env bash
# gpu-monitor --db writes its samples into the study file, but did not read its alembic_version
# as the other tools do (ws_store_check_revision, t5041): a newer Optuna's file (a revision Optuna
# 3.1 does not know), one with two revisions or an older one that needs `optuna storage upgrade`,
# which suggest, tell and report refuse (exit 2) and Optuna 3.1 refuses too (t5041 asks it), got
# a samples table and rows, exit 0. gpu-monitor now refuses them at start with the store's own
# words (report's message on the same file is the reference), exit 2, no sample printed, the file
# as it was; with the /proc fallback and with a GPU (the fake NVML) alike. A file Optuna 3.1 takes
# (its head revision, an empty alembic_version, no Optuna tables yet) is sampled into as before.
. "$WS_ROOT/tests/cli/lib.sh"
FAKE=$WS_BUILD/fake_nvml/libnvidia-ml.so.1
unset FAKE_NVML_DEVICES FAKE_NVML_FAIL FAKE_NVML_LOST FAKE_NVML_PROCS FAKE_NVML_NPROCS FAKE_NVML_STATS LD_LIBRARY_PATH
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db base.db --config c.json --n 2 >/dev/null || exit 1
command sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
revised() {  # NAME ROWS...: base.db as NAME.db, its alembic_version holding ROWS
  local db=$1.db r; shift
  cp base.db "$db" && sqlite3 "$db" "DELETE FROM alembic_version" || exit 1
  for r in "$@"; do sqlite3 "$db" "INSERT INTO alembic_version VALUES ('$r')" || exit 1; done
}
revised newer v3.2.0.a
revised two v3.0.0.d v3.2.0.a
revised older v3.0.0.c
revised empty
samples() { sqlite3 "$1" "SELECT count(*) FROM sqlite_master WHERE name = 'wakesweep_gpu_samples'"; }
for db in newer two older; do
  test_expect_code 2 "report refuses $db.db (the reference)" report --db $db.db
  cp err report.err
  sum=$(md5sum <$db.db)
  test_expect_code 2 "gpu-monitor --db $db.db (/proc fallback): refused" \
    gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -i 0.02 -n 1 --db $db.db
  test_expect_success "... in the store's words, no sample printed, the file as it was" '
    [ -s report.err ] && diff <(sed "s/^report: //" report.err) <(sed "s/^gpu-monitor: //" err) &&
    [ ! -s out ] && [ "$(md5sum <$db.db)" = "$sum" ] && [ "$(samples $db.db)" = 0 ]'
  if [ -e "$FAKE" ]; then
    test_expect_code 2 "gpu-monitor --db $db.db (a GPU, the fake NVML): refused" \
      env FAKE_NVML_DEVICES=1 gpu-monitor --nvml-library "$FAKE" -q -i 0.02 -n 1 --db $db.db
    test_expect_success "... in the store's words, no sample printed, the file as it was" '
      diff <(sed "s/^report: //" report.err) <(sed "s/^gpu-monitor: //" err) &&
      [ ! -s out ] && [ "$(md5sum <$db.db)" = "$sum" ] && [ "$(samples $db.db)" = 0 ]'
  else
    test_skip "gpu-monitor --db $db.db (the fake NVML)" "no $FAKE (make check builds it)"
  fi
done
# what Optuna 3.1 takes, gpu-monitor samples into as before
for db in base empty new; do
  test_expect_code 0 "gpu-monitor --db $db.db: sampled" gpu-monitor --nvml-library /nonexistent/libnvidia-ml.so.1 -q -i 0.02 -n 1 --db $db.db
  test_expect_success "... its sample printed and stored" '
    [ "$(jq -s length out)" = 1 ] && [ "$(sqlite3 $db.db "SELECT count(DISTINCT sample) FROM wakesweep_gpu_samples")" = 1 ]'
done
test_expect_code 0 "report still reads the sampled study" report --db base.db
