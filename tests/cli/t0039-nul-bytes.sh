#!/usr/bin/env bash
# A NUL byte in a JSON file (a study config, a --fixed file, feature settings: a file padded
# with NULs after a crash, a C string written with its terminator) or in a trial line is no
# JSON text; jansson took it for the end of the text and said "end of file expected near end of
# file" or "string or '}' expected near end of file", which names nothing there. Each is exit 2,
# "FILE:LINE:COLUMN: a NUL byte", as --enqueue lines and manifests say it, nothing created. A
# syntax error before the NUL is still said as such.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
nul_said() {  # NAME PATTERN COMMAND...: exit 2, stderr one line matching PATTERN, no stdout
  local name=$1 pat=$2; shift 2
  local rc=0
  "$@" >out 2>err || rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l <err)" = 1 ] && grep -q -- "$pat" err && [ ! -s out ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc, stderr: $(head -c 300 err | tr '\n' ' ') (wanted /$pat/)"; fi
}
# c.json is 11 lines; NULs after its last newline begin line 12
{ cat c.json; printf '\0\0\0\0'; } >padded.json
nul_said "suggest --config: NULs after the JSON" "^suggest: padded.json:12:1: a NUL byte: expected JSON text$" \
  suggest --db s.db --config padded.json
test_expect_success "... no study file made" '[ ! -e s.db ]'
printf '{"study": "x",\n  "direction"\0: "maximize"}\n' >inside.json
nul_said "suggest --config: a NUL inside the object" "^suggest: inside.json:2:14: a NUL byte: expected JSON text$" \
  suggest --db s.db --config inside.json
printf '\0' >only.json
nul_said "suggest --config: a NUL alone" "^suggest: only.json:1:1: a NUL byte: expected JSON text$" \
  suggest --db s.db --config only.json
printf '{"study": "x",, \0}' >syntax.json
nul_said "a syntax error before the NUL is said as such" "^suggest: syntax.json:1:15: string or '}' expected near ','$" \
  suggest --db s.db --config syntax.json
printf '{"study": "x", "n": "caf\xc3\xa9"\0}' >col.json
nul_said "the column counts characters, as jansson's do" "^suggest: col.json:1:27: a NUL byte" \
  suggest --db s.db --config col.json
suggest --db s.db --config c.json >/dev/null
printf '{"learning_rate": 0.001}\n\0' >fixed.json
nul_said "suggest --fixed" "^suggest: fixed.json:2:1: a NUL byte: expected JSON text$" \
  suggest --db s.db --config c.json --fixed fixed.json
{ cat "$WS_ROOT/configs/features/default.json"; printf '\0'; } >feat.json
n=$(($(wc -l <feat.json) + 1))
nul_said "featurize --config" "^featurize: feat.json:$n:1: a NUL byte: expected JSON text$" \
  featurize --config feat.json --out x.feat nowhere
nul_said "suggest --config from a pipe (<(...))" "^suggest: /dev/fd/[0-9]*:12:1: a NUL byte" \
  bash -c 'suggest --db s.db --config <(cat padded.json)'
# train-trial: the trial line checked before the cache is opened (the device note aside)
line='{"study":"kws","trial":0,"params":{}}'
printf '%s\0' "$line" >trial.line
nul_said "train-trial: a NUL after the trial line" "^train-trial: trial.line:1:38: a NUL byte: expected a trial line (one JSON object)$" \
  train-trial --db s.db --features nope.feat --device cpu --quiet trial.line
nul_said "... on stdin, on the line after it" "^train-trial: stdin:2:1: a NUL byte" \
  bash -c "printf '%s\\n\\0' '$line' | train-trial --db s.db --features nope.feat --device cpu --quiet"
printf '{"study":"kws",\0"trial":0}' >mid.line
nul_said "... inside it" "^train-trial: mid.line:1:16: a NUL byte" \
  train-trial --db s.db --features nope.feat --device cpu --quiet mid.line
printf '\0' >only.line
nul_said "... alone" "^train-trial: only.line:1:1: a NUL byte" \
  train-trial --db s.db --features nope.feat --device cpu --quiet only.line
test_expect_success "the trial was not touched" \
  '[ "$(sqlite3 s.db "SELECT state FROM trials WHERE number = 0")" = RUNNING ]'
