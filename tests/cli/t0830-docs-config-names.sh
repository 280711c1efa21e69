#!/usr/bin/env bash
# The names a study config may use are the ones the docs give: every top-level key the config
# parser takes (lib/space/config.c's config_keys) is in suggest(1)'s --config list, and every
# name suggest --help lists there is such a key (it listed "name", which a config refuses: the
# key is "study"); every pruner name the parser takes (lib/pruner/pruner.c) is in README's list
# of pruners ("asha", successive halving's other name, was not). Each name read from the source
# is also tried on suggest, so that the list checked is the one the tool takes. Each pruner's
# arguments and their defaults are Optuna 3.1's and suggest(1)'s PRUNER names them (below).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json

sed -n '/config_keys\[\] = {/,/};/p' "$WS_ROOT/lib/space/config.c" | grep -oE '"[a-z_]+"' | tr -d '"' >keys
grep -oE 'strcmp\(name, "[a-z_]+"\)' "$WS_ROOT/lib/pruner/pruner.c" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u >pruners
test_expect_success "the source lists the config's keys and the pruners' names" '
  grep -qx study keys && grep -qx fixed keys && [ "$(wc -l <keys)" -ge 10 ] &&
  grep -qx median pruners && grep -qx nop pruners && [ "$(wc -l <pruners)" -ge 7 ]'

# suggest(1)'s --config entry: the sentence after "Study config (JSON):"
man_list=$(awk '/^\.BI \\-\\-config/ { on = 1; next } on && /^\.(TP|SH)/ { exit } on' "$WS_ROOT/share/man/man1/suggest.1" |
  tr '\n' ' ' | sed -E 's/.*Study config \(JSON\): ([^.]*)\..*/\1/')
help_list=$(suggest --help | grep -E '^ +--config FILE' | sed -E 's/.*\(JSON\): //; s/, \.\.\.//')
for k in $(cat keys); do
  # a config with the key (a description, or the key as the tone study has it) is taken
  case $k in
    description) jq '.description = "a study of tones"' c.json >k.json ;;
    *) jq --arg k "$k" 'if has($k) then . else error("the tone study has no \($k)") end' c.json >k.json 2>/dev/null || cp c.json k.json ;;
  esac
  test_expect_code 0 "suggest takes a config with \"$k\"" suggest --db "k-$k.db" --config k.json --n 0
  test_expect_success "... and suggest(1)'s --config names it" 'echo "$man_list" | tr -s ", ()" "\n" | grep -qx "$k"'
done
test_expect_code 2 "suggest refuses a config key that is not one of them" \
  suggest --db x.db --config <(jq '.name = "tones"' c.json) --n 0
test_expect_success "suggest --help's --config names keys of a config only" '
  echo "$help_list" >&2 && [ -n "$help_list" ] &&
  for w in $(echo "$help_list" | tr -d ","); do grep -qx "$w" keys || { echo "not a config key: $w" >&2; exit 1; }; done'

# README's list of pruners: the sentence "the pruner (...)" of its Studies section
readme=$(tr '\n' ' ' <"$WS_ROOT/README.md" | grep -oE 'the pruner \([^)]*\)' | head -1)
for p in $(cat pruners); do
  test_expect_code 0 "suggest takes the pruner \"$p\"" \
    suggest --db "p-$p.db" --config <(jq --arg p "$p" '.pruner = ({name: $p} + ({patient: {patience: 2}, percentile: {percentile: 25}, threshold: {lower: 0}}[$p] // {}))' c.json) --n 0
  test_expect_success "... and README's list of pruners names it" 'echo "$readme" >&2; [[ $readme == *"\`$p\`"* ]]'
done

# suggest(1)'s PRUNER: each pruner takes Optuna 3.1's arguments of its pruner by their names (the
# reference: the class's signature; PatientPruner's wrapped_pruner is "wrapped" here), and its
# entry names each; where the ranges depart from Optuna's, suggest refuses what Optuna takes
# and the section says so. It had no such section: "wrapped" was nowhere.
awk '/^\.SH/ { on = ($0 ~ /^\.SH PRUNER/); next }
  on && /^\.TP/ { tag = 1; next }
  on && tag { tag = 0; if (key != "") print key "\t" text; key = $2; text = ""; next }
  on && key != "" { text = text " " $0 }
  END { if (key != "") print key "\t" text }' "$WS_ROOT/share/man/man1/suggest.1" | sed 's/\\f.//g' >pruner.entries
pruner_intro=$(sed -n '/^\.SH PRUNER/,/^\.TP/p' "$WS_ROOT/share/man/man1/suggest.1" | sed 's/\\f.//g' | tr '\n' ' ')
need_python "Optuna's pruners' arguments" optuna
for p in median:median percentile:percentile halving:successive_halving hyperband:hyperband patient:patient \
         threshold:threshold nop:nop; do
  arr=${p%%:*} p=${p#*:}
  awk "/${arr}_keys\\[\\] = \\{/,/\\};/" "$WS_ROOT/lib/pruner/pruner.c" | grep -oE '"[a-z_]+"' | tr -d '"' | grep -vx name | sort >keys.$p
  test_expect_success "pruner $p takes Optuna 3.1's arguments of its pruner, by their names" '
    [ "$p" = nop ] || [ -s keys.$p ] &&
    "$PY" -c "
import inspect, optuna
c = {\"median\": optuna.pruners.MedianPruner, \"percentile\": optuna.pruners.PercentilePruner,
     \"successive_halving\": optuna.pruners.SuccessiveHalvingPruner, \"hyperband\": optuna.pruners.HyperbandPruner,
     \"patient\": optuna.pruners.PatientPruner, \"threshold\": optuna.pruners.ThresholdPruner,
     \"nop\": optuna.pruners.NopPruner}[\"$p\"]
ps = inspect.signature(c.__init__).parameters.values()
print(\"\\n\".join(sorted(\"wrapped\" if q.name == \"wrapped_pruner\" else q.name for q in ps
                         if q.name != \"self\" and q.kind not in (q.VAR_POSITIONAL, q.VAR_KEYWORD))))
" | grep . >optuna.$p; diff optuna.$p keys.$p >&2'
  test_expect_success "... and the defaults its entry gives are Optuna's" '
    text=$(awk -F"\t" -v k="$p" "\$1 == k { print \$2 }" pruner.entries) &&
    echo "$text" | grep -oE "[a-z_]+ \((\"auto\"|[0-9.]+)\)" | tr -d "()\"" >given.$p &&
    "$PY" -c "
import inspect, optuna, sys
c = getattr(optuna.pruners, {\"median\": \"MedianPruner\", \"percentile\": \"PercentilePruner\",
     \"successive_halving\": \"SuccessiveHalvingPruner\", \"hyperband\": \"HyperbandPruner\",
     \"patient\": \"PatientPruner\", \"threshold\": \"ThresholdPruner\", \"nop\": \"NopPruner\"}[\"$p\"])
ps = inspect.signature(c.__init__).parameters
for line in open(\"given.$p\"):
    k, v = line.split()
    d = ps[k].default
    assert str(d) == v or (isinstance(d, (int, float)) and float(v) == d), (k, v, d)
print(open(\"given.$p\").read(), file=sys.stderr)
"'
  test_expect_success "... and suggest(1)'s PRUNER entry for $p names each" '
    text=$(awk -F"\t" -v k="$p" "\$1 == k { print \$2 }" pruner.entries) && [ -n "$text" ] &&
    for k in $(cat keys.$p); do [[ $text == *"$k"* ]] || { echo "no $k" >&2; exit 1; }; done'
done
for c in 'reduction_factor 1001|reduction_factor is 2 to 1000' 'min_early_stopping_rate 61|min_early_stopping_rate 0 to 60'; do
  IFS='|' read -r kv words <<<"$c"
  read -r k v <<<"$kv"
  test_expect_code 2 "suggest refuses successive halving's $k $v" \
    suggest --db "r-$k.db" --config <(jq --arg k "$k" --argjson v "$v" '.pruner = {name: "successive_halving", ($k): $v}' c.json) --n 0
  test_expect_success "... which Optuna 3.1 takes" '"$PY" -c "import optuna; optuna.pruners.SuccessiveHalvingPruner($k=$v)"'
  test_expect_success "... and suggest(1)'s PRUNER says so" '[[ $pruner_intro == *"$words"* ]]'
done

# The budget's validations_per_epoch K is 1 to 1000: suggest refuses 1001 (exit 2, naming it),
# README, where the budget is described, gave no range.
test_expect_code 2 "suggest refuses budget.validations_per_epoch 1001" \
  suggest --db vpe.db --config <(jq '.budget.validations_per_epoch = 1001' c.json) --n 0
test_expect_success "... naming it" 'grep -q "validations_per_epoch" err'
test_expect_code 0 "... and takes 1000" suggest --db vpe.db --config <(jq '.budget.validations_per_epoch = 1000' c.json) --n 0
test_expect_success "... as README says: K from 1 to 1000" '
  tr "\n" " " <"$WS_ROOT/README.md" | grep -q "\"validations_per_epoch\": K\` (1 to 1000)"'
