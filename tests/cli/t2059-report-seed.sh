#!/usr/bin/env bash
# report shows each trial's seed, the system attribute wakesweep:seed that suggest keeps (the
# seed its line trained with, suggest(1) --seed): "seed" in the JSON lines, the JSON's trials
# and best, a seed column in the CSV (after the params, as Optuna's trials_dataframe puts
# system attributes after them) and in the HTML table; null (empty in CSV and HTML) for a trial
# the study keeps none for: a WAITING trial queued by --enqueue not yet claimed (a retry has its
# failed trial's, below), every trial of an Optuna-made
# study. The reference is Optuna: its FrozenTrial.system_attrs of the same file.
. "$WS_ROOT/tests/cli/lib.sh"
need_python optuna optuna

cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db s.db --config c.json --n 4 >lines
suggest --db s.db --config c.json --seed 99 >>lines    # trial 4: another study seed for this call
tell --db s.db --study kws --trial 0 --state complete --value 0.7 >/dev/null
tell --db s.db --study kws --trial 1 --state complete --value 0.9 >/dev/null
tell --db s.db --study kws --trial 2 --state fail --reason "diverged" >/dev/null
echo '{"learning_rate": 0.001, "batch_size": 64, "channels": 32, "dropout": 0.1, "optimizer": "adam"}' >q.jsonl
suggest --db s.db --config c.json --enqueue q.jsonl >/dev/null    # trial 5, WAITING: no seed yet

# want: "NUMBER SEED" per trial by number, SEED null where Optuna finds no wakesweep:seed
seeds() {
  "$PY" -W ignore - "$1" "$2" <<'PY'
import json, sys, optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
for t in optuna.load_study(study_name=sys.argv[2], storage="sqlite:///" + sys.argv[1]).trials:
    print(t.number, json.dumps(t.system_attrs.get("wakesweep:seed")))
PY
}
seeds s.db kws >want
test_expect_success "the reference: Optuna finds suggest's seeds, none for the WAITING trial" '
  [ "$(wc -l <want)" = 6 ] && [ "$(grep -c " null$" want)" = 1 ] && grep -q "^5 null$" want &&
  jq -r "\"\(.trial) \(.seed)\"" lines | while read -r n s; do grep -qx "$n $s" want || exit 1; done'

test_expect_code 0 "jsonl" report --db s.db --format jsonl
test_expect_success "... each trial has its seed, as Optuna reads it" '
  jq -r "\"\(.trial) \(.seed | tojson)\"" out | sort -n | cmp - want'
test_expect_code 0 "json" report --db s.db --format json
test_expect_success "... the trials have them too, and the best its own" '
  jq -r ".trials[] | \"\(.trial) \(.seed | tojson)\"" out | sort -n | cmp - want &&
  [ "$(jq -r "\"\(.best.trial) \(.best.seed)\"" out)" = "$(grep "^1 " want)" ]'
test_expect_code 0 "csv" report --db s.db --format csv
test_expect_success "... a seed column after the params, empty where there is none" '
  "$PY" -c "
import csv, sys
rows = list(csv.reader(open(\"out\")))
h = rows[0]
assert h.index(\"seed\") == max(i for i, c in enumerate(h) if c.startswith(\"params_\")) + 1, h
for r in sorted(rows[1:], key=lambda r: int(r[0])):
    print(r[0], r[h.index(\"seed\")] or \"null\")" >got && cmp got want'
test_expect_code 0 "html" report --db s.db --format html
test_expect_success "... the trial table has a seed column" '
  "$PY" -c "
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.on = False; s.rows = []; s.cell = None
    def handle_starttag(s, tag, a):
        if tag == \"table\" and dict(a).get(\"id\") == \"trials\": s.on = True
        if s.on and tag == \"tr\": s.rows.append([])
        if s.on and tag in (\"td\", \"th\"): s.cell = \"\"
    def handle_endtag(s, tag):
        if tag == \"table\": s.on = False
        if s.on and tag in (\"td\", \"th\"): s.rows[-1].append(s.cell); s.cell = None
    def handle_data(s, d):
        if s.cell is not None: s.cell += d
p = P(); p.feed(open(\"out\").read())
h = p.rows[0]
for r in sorted(p.rows[1:], key=lambda r: int(r[1])):
    print(r[1], r[h.index(\"seed\")] or \"null\")" >got && cmp got want'
test_expect_code 0 "text" report --db s.db
test_expect_success "... is as it was: no seed in the table" '! grep -q seed out && grep -q "^best: trial 1, value 0.9$" out'

# An Optuna-made study keeps no seed: null, and an empty CSV cell
"$PY" -W ignore -c 'import optuna; optuna.logging.set_verbosity(40); optuna.create_study(study_name="o", storage="sqlite:///o.db").optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)'
seeds o.db o >want.o
test_expect_code 0 "jsonl of an Optuna study" report --db o.db --format jsonl
test_expect_success "... seed null on every trial" '
  [ "$(grep -c " null$" want.o)" = 3 ] && jq -r "\"\(.trial) \(.seed | tojson)\"" out | sort -n | cmp - want.o'
test_expect_code 0 "csv of an Optuna study" report --db o.db --format csv
test_expect_success "... the seed cells empty" '
  head -1 out | grep -q "^trial,state,value,duration_s,params_x,seed,reason," && [ "$(cut -d, -f6 out | sort -u | tr -d "\n")" = "seed" ]'

# A WAITING trial that is a retry (a stale trial failed and queued again) carries its failed
# trial's seed before any suggest claims it: report(1) said null of "a WAITING trial not yet
# claimed", true only of one queued by --enqueue (trial 5 above) or Optuna's enqueue_trial.
suggest --db r.db --config c.json >/dev/null
sleep 2.2
suggest --db r.db --config c.json --grace 1 --n 0 2>/dev/null
seeds r.db kws >want.r
test_expect_success "the reference: Optuna finds the WAITING retry's seed, the failed trial's" '
  [ "$(wc -l <want.r)" = 2 ] && ! grep -q " null$" want.r && [ "$(cut -d" " -f2 want.r | sort -u | wc -l)" = 1 ]'
test_expect_code 0 "jsonl of a study with a WAITING retry" report --db r.db --format jsonl
test_expect_success "... the retry (WAITING) has its seed, as Optuna reads it" '
  jq -s -e "map(select(.trial == 1))[0].state == \"WAITING\"" out >/dev/null &&
  jq -r "\"\(.trial) \(.seed | tojson)\"" out | sort -n | cmp - want.r'
sed -n '/^\\fBjsonl\\fR: one object per trial/,/duration_s/p' "$WS_ROOT/share/man/man1/report.1" | tr '\n' ' ' | sed 's/\\f[BIR]//g; s/\\-/-/g' >seed.man
test_expect_success "report(1) says so: null for a WAITING trial queued by --enqueue, not for a retry" '
  grep -qF "null where the study keeps none: a WAITING trial queued by suggest --enqueue (or Optuna'"'"'s enqueue_trial) and not yet claimed" seed.man &&
  ! grep -qF "a WAITING trial not yet claimed" seed.man'
