#!/usr/bin/env bash
# Time zones, as Optuna 3.1 keeps them: a trial's datetime_start/datetime_complete are local
# time (Python's datetime.now()), heartbeats the database's clock (SQLite: CURRENT_TIMESTAMP,
# UTC). Outside UTC a trial begun by one side and finished by the other must still have a
# small non-negative duration, by Optuna's reckoning and by report's, and stale detection must
# agree with Optuna's both ways. Optuna (Debian's python3-optuna) is the reference throughout.
# The database is SQLite, or PostgreSQL when WS_PG_HOST is set (tests/cluster/db.sh).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
# Optuna's RDBStorage imports alembic and SQLAlchemy's SQLite dialect as it starts: imported once,
# in the server, for the 16 "$PY" runs below (about 0.1 s of CPU each)
py_warm optuna alembic.command alembic.config alembic.migration alembic.script sqlalchemy.orm sqlite3 sqlalchemy.dialects.sqlite
need_python "time zones" optuna
cp "$WS_ROOT/tests/cli/study.json" c.json
# opt.py URL GRACE_S CMD [ARGS]: Optuna's side of each step, on storage with heartbeats enabled.
cat >opt.py <<'P'
import datetime, sys, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
url, grace, cmd, args = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
storage = optuna.storages.RDBStorage(url, heartbeat_interval=1, grace_period=grace)
study = optuna.load_study(study_name="kws", storage=storage)
def trial(n): return [t for t in study.get_trials(deepcopy=False) if t.number == int(n)][0]
if cmd == "ask":            # a RUNNING trial; "beat": with the heartbeat Optuna records
    t = study.ask()
    if args == ["beat"]: storage.record_heartbeat(t._trial_id)
    print(t.number)
elif cmd == "tell":
    study.tell(int(args[0]), float(args[1]))
elif cmd == "duration":     # Optuna's own duration of a finished trial, in seconds
    print(trial(args[0]).duration.total_seconds())
elif cmd == "start-age":    # how long ago the trial started, by this process's local clock
    print((datetime.datetime.now() - trial(args[0]).datetime_start).total_seconds())
elif cmd == "fail-stale":   # Optuna's stale check; prints the numbers it failed
    before = {t.number for t in study.get_trials(deepcopy=False) if t.state.name == "FAIL"}
    optuna.storages.fail_stale_trials(study)
    after = sorted(t.number for t in study.get_trials(deepcopy=False) if t.state.name == "FAIL")
    print(" ".join(str(n) for n in after if n not in before))
P
opt() { "$PY" opt.py "$URL" "$@"; }
# in_range X LO HI: LO <= X < HI
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x < hi) }'; }
report_duration() { report --db "$DB" --study kws --format json >rep.json &&
                    jq -r --argjson n "$1" '.trials[] | select(.trial == $n) | .duration_s' rep.json; }

# The two zones' steps interleave, so that one wait of 2.5 s serves both: phase_fresh of each
# zone, 2.5 s, phase_grace1 of each, 2.5 s, phase_stale of each. Each zone has its own study
# (DB_Z, URL_Z, its trials' numbers in c_Z..f_Z); zone_of Z makes it the current one (TZ too).
zones="Asia/Tokyo America/New_York"
declare -A zdb zurl zc zd ze zf
zone_of() { zone=$1; export TZ=$zone; DB=${zdb[$zone]}; URL=${zurl[$zone]}; c=${zc[$zone]-} d=${zd[$zone]-} e=${ze[$zone]-} f=${zf[$zone]-}; }

phase_fresh() {
  zone=$1; export TZ=$zone
  DB=$(db_new "s${zone%%/*}") || exit 1
  URL=$(db_sqlalchemy "$DB")
  zdb[$zone]=$DB zurl[$zone]=$URL
  suggest --db "$DB" --config c.json --n 0 >/dev/null || exit 1

  # (a) started by Optuna, finished by tell
  a=$(opt 30 ask)
  test_expect_code 0 "$zone: tell finishes a trial Optuna started" tell --db "$DB" --study kws --trial "$a" --state complete --value 0.5
  test_expect_success "$zone: ... datetime_complete >= datetime_start" '
    [ "$(dbq "$DB" "SELECT CASE WHEN datetime_complete >= datetime_start THEN 1 ELSE 0 END FROM trials WHERE number = $a")" = 1 ]'
  test_expect_success "$zone: ... Optuna's duration is small and non-negative" 'd=$(opt 30 duration "$a") && in_range "$d" 0 30'
  test_expect_success "$zone: ... and so is report's" 'd=$(report_duration "$a") && in_range "$d" 0 30'

  # (b) started by suggest, finished by Optuna
  test_expect_code 0 "$zone: suggest starts a trial" suggest --db "$DB" --config c.json
  b=$(jq -r .trial out)
  test_expect_success "$zone: ... its datetime_start is Optuna's local time" 'd=$(opt 30 start-age "$b") && in_range "$d" 0 30'
  test_expect_success "$zone: Optuna's tell finishes it" 'opt 30 tell "$b" 0.7'
  test_expect_success "$zone: ... datetime_complete >= datetime_start" '
    [ "$(dbq "$DB" "SELECT CASE WHEN datetime_complete >= datetime_start THEN 1 ELSE 0 END FROM trials WHERE number = $b")" = 1 ]'
  test_expect_success "$zone: ... Optuna's duration is small and non-negative" 'd=$(opt 30 duration "$b") && in_range "$d" 0 30'
  test_expect_success "$zone: ... and so is report's" 'd=$(report_duration "$b") && in_range "$d" 0 30'

  # (c) heartbeats: Optuna's and ours, fresh and stale, judged by both
  c=$(opt 30 ask beat)
  suggest --db "$DB" --config c.json >line || exit 1
  d=$(jq -r .trial line)
  test_expect_code 0 "$zone: suggest --grace 30 right after" suggest --db "$DB" --config c.json --grace 30
  e=$(jq -r .trial out)
  zc[$zone]=$c zd[$zone]=$d ze[$zone]=$e
  test_expect_success "$zone: ... fails neither Optuna's fresh heartbeat nor ours" '
    ! grep -q "marked FAIL" err && [ "$(dbq "$DB" "SELECT count(*) FROM trials WHERE state = '"'RUNNING'"'")" = 3 ]'
  test_expect_success "$zone: Optuna's stale check (grace 30) fails none of ours either" 'failed=$(opt 30 fail-stale) && [ -z "$failed" ]'
}

phase_grace1() {   # 2.5 s (at least) after phase_fresh
  zone_of "$1"
  test_expect_code 0 "$zone: suggest --grace 1 after 2.5 s" suggest --db "$DB" --config c.json --grace 1
  f=$(jq -r .trial out)
  zf[$zone]=$f
  test_expect_success "$zone: ... fails Optuna's trial and ours, all three, and no other" '
    sed -n "s/.*trial \([0-9]*\): heartbeat older than 1s, marked FAIL and queued again/\1/p" err | tr "\n" " " >named &&
    [ "$(cat named)" = "$c $d $e " ] &&
    [ "$(dbq "$DB" "SELECT number FROM trials WHERE state = '"'RUNNING'"'")" = "$f" ]'
}

phase_stale() {   # 2.5 s (at least) after phase_grace1
  zone_of "$1"
  test_expect_success "$zone: Optuna's stale check (grace 1) fails our silent trial after 2.5 s" '[ "$(opt 1 fail-stale)" = "$f" ]'
}

for z in $zones; do phase_fresh "$z"; done
sleep 2.5
for z in $zones; do phase_grace1 "$z"; done
sleep 2.5
for z in $zones; do phase_stale "$z"; done
