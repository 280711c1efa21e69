#!/usr/bin/env bash
# The study config's sampler options are documented, with their defaults: README said "Optuna's
# options", though the TPE sampler takes options Optuna's has not (mode, gamma_max, bandwidth,
# kernel, dedup, ...) and, unless "mode": "optuna", other defaults than Optuna's (5 start-up
# trials, multivariate, the constant liar, ...); none of them was in a man page. Now suggest(1)'s
# SAMPLER lists them. Checked here: every key the sampler's parser takes (lib/sampler/sampler.c)
# has an entry there; and the defaults it gives are the ones suggest uses: in each mode, a study
# whose config gives every documented default explicitly draws the same trials as one that gives
# none (a wrong default, gamma 0.3 for 0.2, draws others: the comparison can fail).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

man=$WS_ROOT/share/man/man1/suggest.1
# the SAMPLER section's entries, "KEY<TAB>its text" a line
awk '/^\.SH/ { on = ($0 ~ /^\.SH SAMPLER/); next }
  on && /^\.TP/ { tag = 1; next }
  on && tag { tag = 0; if (key != "") print key "\t" text; key = $2; text = ""; next }
  on && key != "" { text = text " " $0 }
  END { if (key != "") print key "\t" text }' "$man" | sed 's/\\-/-/g; s/\\f.//g; s/\\(mu/x/g' >entries
sed -n '/static const char \*const keys\[\] = {"name", "seed"/,/};/p' "$WS_ROOT/lib/sampler/sampler.c" |
  grep -oE '"[a-z_]+"' | tr -d '"' >keys
test_expect_success "the parser's keys are read from its source" 'grep -qx gamma keys && grep -qx dedup keys && [ "$(wc -l <keys)" -ge 20 ]'
for k in $(cat keys); do
  test_expect_success "suggest(1)'s SAMPLER has an entry for sampler.$k" 'cut -f1 entries | grep -qx "$k"'
done

# KEY MODE: def, the default the entry gives in MODE (wakesweep or optuna), as its text (JSON, or a
# word jq takes as a string: explicit_of); nothing when it gives none, or one that depends on
# another option ("scott when multivariate"). The entries' texts, blanks squeezed, read once.
declare -A text_of
entry_keys=()   # in the man page's order
shopt -s extglob
while IFS=$'\t' read -r k t; do entry_keys+=("$k") text_of[$k]=${t//+( )/ }; done <entries
default_of() {   # (into def: no subshell a key)
  local text=${text_of[$1]-}
  def=
  [[ $text =~ Default:\ ([^\ ,;]+)\ \(both\ modes\) ]] && { def=${BASH_REMATCH[1]}; return; }
  [[ $text =~ Default:\ ([^\ ,;]+)\.(\ |$) ]] && { def=${BASH_REMATCH[1]}; return; }   # no mode's own
  if [ "$2" = wakesweep ]; then [[ $text =~ Default:\ ([^\ ,;]+)\ \(wakesweep\ mode\) ]] || return 0
  else [[ $text =~ \(wakesweep\ mode\),\ ([^\ ,;]+)\ \(optuna\ mode ]] || return 0; fi
  def=${BASH_REMATCH[1]}
}
# explicit_of BASE: BASE (a sampler's JSON) with each "KEY<TAB>DEFAULT" line of stdin set in it,
# a DEFAULT that is not JSON as a string ("scott"); one jq for them all
explicit_of() { jq -c -R -n --argjson b "$1" 'reduce (inputs | split("\t")) as [$k, $v] ($b; .[$k] = ($v | try fromjson catch $v))'; }

# a study of four parameters (a categorical beside numeric ones, a log int) for suggest and tell
# alone: the objective is computed from the params by jq
tone_study_config base.json
jq 'del(.constraints) | .pruner = {name: "nop"} |
    .space = {x: {type: "float", low: 0.0001, high: 0.1, log: true}, n: {type: "int", low: 1, high: 64, log: true},
              c: {type: "categorical", choices: ["a", "b", "c"]}, y: {type: "float", low: 0, high: 1}}' base.json >space.json
# run NAME SAMPLER_JSON: 14 trials asked and told; their params, one line each, in NAME.params
run() {
  jq --argjson s "$2" '.sampler = $s' space.json >"$1.json" || return 1
  local i line r
  for ((i = 0; i < 14; i++)); do
    line=$(suggest --db "$1.db" --config "$1.json") || return 1
    # its params (kept), its trial number and the objective's value, from one jq
    mapfile -t r < <(jq -c '.params, .trial, (.params |
      -((((.x | log) / (10 | log)) + 2.5) * (((.x | log) / (10 | log)) + 2.5)) - (.y - 0.3) * (.y - 0.3) + .n / 100
      + (if .c == "b" then 0.5 else 0 end))' <<<"$line")
    [ "${#r[@]}" = 3 ] || return 1
    echo "${r[0]}" >>"$1.params"
    tell --db "$1.db" --study tones --trial "${r[1]}" --state complete --value "${r[2]}" >/dev/null || return 1
  done
}
for mode in wakesweep optuna; do
  base='{"name": "tpe", "seed": 3}'
  [ $mode = optuna ] && base='{"name": "tpe", "seed": 3, "mode": "optuna"}'
  for k in "${entry_keys[@]}"; do
    # the mode is what is compared; liar_weight is refused without the constant liar, which the
    # optuna mode leaves off
    [ "$k" = mode ] && continue
    [ $mode = optuna ] && [ "$k" = liar_weight ] && continue
    default_of "$k" $mode
    [ -z "$def" ] || printf '%s\t%s\n' "$k" "$def"
  done | explicit_of "$base" >explicit-$mode.json
  test_expect_success "$mode mode: suggest(1) gives defaults for the sampler's options" '
    [ "$(jq length explicit-$mode.json)" -ge 18 ]'
  test_expect_success "$mode mode: the documented defaults, given, draw the trials that none given draw" '
    run implicit-$mode "$base" && run given-$mode "$(cat explicit-$mode.json)" &&
    [ "$(wc -l <implicit-$mode.params)" = 14 ] && diff implicit-$mode.params given-$mode.params >&2'
done
test_expect_success "... and the mode it gives as the default is the one a sampler without a mode takes" '
  default_of mode wakesweep && [ -n "$def" ] &&
  run mode-given "$(printf "mode\t%s\n" "$def" | explicit_of "{\"name\": \"tpe\", \"seed\": 3}")" &&
  diff implicit-wakesweep.params mode-given.params >&2'
test_expect_success "... and the two modes draw different trials" '! diff -q implicit-wakesweep.params implicit-optuna.params'
test_expect_success "... and a wrong default (gamma 0.3 in the wakesweep mode) draws others" '
  run wrong "$(jq -c ".gamma = 0.3" explicit-wakesweep.json)" && ! diff -q implicit-wakesweep.params wrong.params'
test_expect_success "README points to suggest(1)'s SAMPLER for the sampler's options" '
  tr "\n" " " <"$WS_ROOT/README.md" | grep -q "the sampler (\`tpe\`[^)]*SAMPLER"'
