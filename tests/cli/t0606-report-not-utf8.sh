#!/usr/bin/env bash
# Names and values in a study file that are not UTF-8 (SQLite keeps any bytes: a study made by
# hand or by another client). JSON cannot hold them (jansson's json_string refuses them): report
# said "holds no study" of a study named so, and left a parameter so named out of every form
# (json, jsonl, text, csv, html) with exit status 0, as study-copy left out a study attribute so
# named. Each is now exit 2 naming the file, the table, the row and the bytes (\xNN), with nothing
# on stdout; Optuna cannot read such a study either (Python's sqlite3: "Could not decode to UTF-8
# column"), checked live below.
. "$WS_ROOT/tests/cli/lib.sh"
cat >c.json <<'J'
{"study": "u", "direction": "maximize", "objective": "f1", "sampler": {"name": "random", "seed": 5},
 "pruner": {"name": "nop"}, "budget": {"epochs": 1},
 "space": {"lr": {"type": "float", "low": 0.005, "high": 0.02, "log": true}}}
J
for i in 0 1; do
  suggest --db good.db --config c.json >/dev/null && tell --db good.db --study u --trial $i --state complete --value 0.$i >/dev/null
done
# u\xffs, l\xfer, k\xfe: bytes that start no UTF-8 character
edit() { cp good.db "$1.db" && sqlite3 "$1.db" "$2"; }
edit study "UPDATE studies SET study_name = CAST(X'75ff73' AS TEXT)"
edit param "UPDATE trial_params SET param_name = CAST(X'6cfe72' AS TEXT) WHERE trial_id = 1"
edit tkey "INSERT INTO trial_user_attributes (trial_id, key, value_json) VALUES (2, CAST(X'6bfe' AS TEXT), '1')"
edit tval "INSERT INTO trial_system_attributes (trial_id, key, value_json) VALUES (2, 'k', CAST(X'22fe22' AS TEXT))"
edit skey "INSERT INTO study_user_attributes (study_id, key, value_json) VALUES (1, CAST(X'6bfe' AS TEXT), '1')"
edit sval "INSERT INTO study_system_attributes (study_id, key, value_json) VALUES (1, 'k', CAST(X'22fe22' AS TEXT))"

py_warm optuna pywarm_optuna   # the "$PY" runs below import optuna: once a run, in its server (lib.sh)
test_expect_success "Optuna cannot read the study, the param or the attributes either" '
  "$PY" -W ignore - >optuna.out 2>&1 <<PYEOF
import optuna, sys
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
for db in ["study", "param", "tkey", "tval", "skey", "sval"]:
    try:
        s = optuna.get_all_study_summaries("sqlite:///%s.db" % db) and optuna.load_study(study_name="u", storage="sqlite:///%s.db" % db)
        s.trials, s.user_attrs, s.system_attrs
        sys.exit(db + ": read")
    except Exception as e:
        assert "decode" in str(e) or "decode" in str(e.__cause__ or e.__context__), (db, e)
PYEOF
'

want_study="study.db: studies: study_id 1: study_name 'u\\xffs' is not UTF-8"
want_param="param.db: study 'u': trial_params: trial 0: param_name 'l\\xfer' is not UTF-8"
want_tkey="tkey.db: study 'u': trial_user_attributes: trial 1: key 'k\\xfe' is not UTF-8"
want_tval="tval.db: study 'u': trial_system_attributes: trial 1, key 'k': value_json '\"\\xfe\"' is not UTF-8"
for db in study param tkey tval; do
  for f in json jsonl text csv html; do
    test_expect_code 2 "report --format $f on a $db that is not UTF-8" report --db $db.db --format $f
    w=want_$db
    printf '%s\n' "report: ${!w}" >want
    test_expect_success "... names the table, row and bytes, writes nothing" '[ ! -s out ] && grep -qF -f want err'
  done
done
test_expect_code 2 "report --best on a param name that is not UTF-8" report --db param.db --best
test_expect_code 2 "study-copy of a study attribute key that is not UTF-8" study-copy --from skey.db --to copy1.db
test_expect_success "... says which" 'grep -qF "skey.db: study_user_attributes: study_id 1: key '\''k\xfe'\'' is not UTF-8" err'
test_expect_code 2 "study-copy of a study attribute value that is not UTF-8" study-copy --from sval.db --to copy2.db
test_expect_success "... says which" 'grep -qF "sval.db: study_system_attributes: study_id 1, key '\''k'\'': value_json '\''\"\xfe\"'\'' is not UTF-8" err'
test_expect_code 2 "study-copy of a param name that is not UTF-8" study-copy --from param.db --to copy3.db
test_expect_success "... none of the three left a study file behind" '[ ! -e copy1.db ] && [ ! -e copy2.db ] && [ ! -e copy3.db ]'
test_expect_code 0 "the study as it was reads" report --db good.db --format json
test_expect_success "... with its param" '[ "$(jq -c ".trials | map(.params | keys)" out)" = "[[\"lr\"],[\"lr\"]]" ]'
