#!/usr/bin/env bash
# Names in an Optuna study that hold a NUL byte: Python's str holds one, and Optuna 3.1 writes it
# into the study file as it is (set_user_attr('k\x00x', ...), suggest_float('lr\x00', ...),
# create_study(study_name='kws\x00old')); SQLite keeps the bytes. Read as C strings they ended at
# the NUL, so two names that Optuna keeps apart were one: study-copy merged the attributes 'k'
# and 'k\x00x' into one 'k' holding the other's value (exit 0), report showed one of the
# parameters 'lr' and 'lr\x00' with one of their values (exit 0), study-copy died on the second
# 'lr' (UNIQUE constraint failed, exit 3), and a study named 'kws\x00old' was "unknown study
# 'kws'". JSON cannot hold such a name as a key (jansson refuses it), so each is now an input
# error, as a name that is not UTF-8 is (t0606): exit 2 naming the file, table, row and the
# bytes (\x00), nothing printed, no copy left. The reference is Optuna 3.1, which keeps the names
# apart (checked live below).
. "$WS_ROOT/tests/cli/lib.sh"
need_python "optuna" optuna
"$PY" -W ignore - <<'PY' || exit 1
import optuna
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
from optuna.distributions import FloatDistribution
def study(path, name="st"):
    return optuna.create_study(storage="sqlite:///" + path, study_name=name, direction="maximize")
s = study("sattr.db")
s.set_user_attr("k", 1); s.set_user_attr("k\x00x", 2)
t = s.ask({"x": FloatDistribution(0, 1)}); s.tell(t, 1.0)
s = study("tattr.db")
t = s.ask({"x": FloatDistribution(0, 1)}); t.set_user_attr("note", "a"); t.set_user_attr("note\x00old", "b"); s.tell(t, 1.0)
s = study("param.db")
t = s.ask({"lr": FloatDistribution(0, 1), "lr\x00": FloatDistribution(0, 1)}); s.tell(t, 1.0)
s = study("name.db", "kws\x00old")
t = s.ask({"x": FloatDistribution(0, 1)}); s.tell(t, 1.0)
PY

test_expect_success "Optuna 3.1 keeps each pair of names apart" '
  "$PY" -W ignore - <<PYEOF
import optuna
optuna.logging.set_verbosity(optuna.logging.CRITICAL)
load = lambda db, name="st": optuna.load_study(study_name=name, storage="sqlite:///%s.db" % db)
assert load("sattr").user_attrs == {"k": 1, "k\x00x": 2}
assert load("tattr").trials[0].user_attrs == {"note": "a", "note\x00old": "b"}
assert sorted(load("param").trials[0].params) == ["lr", "lr\x00"]
assert optuna.get_all_study_summaries("sqlite:///name.db")[0].study_name == "kws\x00old"
PYEOF
'

test_expect_code 2 "study-copy of study attributes 'k' and 'k<NUL>x'" study-copy --from sattr.db --to c1.db
test_expect_success "... names the key and its NUL, copies nothing" "
  grep -qxF \"study-copy: --from sattr.db: study_user_attributes: study_id 1: key 'k\\x00x' holds a NUL byte (JSON cannot hold it in a name; read up to it, it would be another name)\" err && [ ! -e c1.db ]"
test_expect_code 2 "study-copy of trial attributes 'note' and 'note<NUL>old'" study-copy --from tattr.db --to c2.db
test_expect_success "... names the trial and the key, copies nothing" "
  grep -qF \"tattr.db: study 'st': trial_user_attributes: trial 0: key 'note\\x00old' holds a NUL byte\" err && [ ! -e c2.db ]"
test_expect_code 2 "study-copy of params 'lr' and 'lr<NUL>'" study-copy --from param.db --to c3.db
test_expect_success "... names the param, copies nothing" "
  grep -qF \"param.db: study 'st': trial_params: trial 0: param_name 'lr\\x00' holds a NUL byte\" err && [ ! -e c3.db ]"
for f in json jsonl text csv html; do
  test_expect_code 2 "report --format $f of params 'lr' and 'lr<NUL>'" report --db param.db --format $f
  test_expect_success "... names the param, prints nothing" "
    [ ! -s out ] && grep -qxF \"report: param.db: study 'st': trial_params: trial 0: param_name 'lr\\x00' holds a NUL byte (JSON cannot hold it in a name; read up to it, it would be another name)\" err"
done
test_expect_code 2 "report of a study named 'kws<NUL>old'" report --db name.db
test_expect_success "... names the study row, not an unknown study 'kws'" "
  grep -qxF \"report: name.db: studies: study_id 1: study_name 'kws\\x00old' holds a NUL byte (JSON cannot hold it in a name; read up to it, it would be another name)\" err"
test_expect_code 2 "study-copy of it" study-copy --from name.db --to c4.db
test_expect_success "... the same, copies nothing" "grep -qF \"study_name 'kws\\x00old' holds a NUL byte\" err && [ ! -e c4.db ]"
