#!/usr/bin/env bash
# A message prefixed with where it happened (ws_err_prefix: "DB: study 'NAME': ...") kept 255
# bytes of the where, and cut the whole at 1023 bytes at its end: a study file folders deep (a
# path of 304 bytes) lost the study's name, though ws_err_set shortens a long message in its
# middle, its end kept (t2092). Now made as ws_err_set makes any message: whole where it fits,
# else "..." in its middle, the file's start and the end (the name's end, the reason) kept.
. "$WS_ROOT/tests/cli/lib.sh"
seg=$(printf 'f%.0s' $(seq 99))
mid=$seg/$seg/$seg                 # 299 bytes (SQLite opens paths of up to 512)
name=$(printf 'n%.0s' $(seq 511))   # a study's name holds 511 bytes
mkdir -p "$mid/$seg"
jq --arg n "$name" '.study = $n' "$WS_ROOT/tests/cli/study.json" >long.json
suggest --db "$mid/p.db" --config "$WS_ROOT/tests/cli/study.json" >/dev/null
suggest --db "$mid/$seg/p.db" --config long.json >/dev/null
for db in "$mid/p.db" "$mid/$seg/p.db"; do
  sqlite3 "$db" "UPDATE study_system_attributes SET value_json = json_set(value_json, '$.pruner', json('{\"name\": \"bogus\"}')) WHERE key = 'wakesweep:config'"
done
why="study config: pruner.name: unknown pruner 'bogus' (expected median, percentile, successive_halving, hyperband, patient, threshold or nop)"
test_expect_code 2 "prune-check, a study file at a path of 304 bytes whose kept pruner is unknown" \
  prune-check --db "$mid/p.db" --study kws --trial 0 --step 1 --value 0.5
test_expect_success "... the whole path, the study and the reason (the study's name was cut away)" \
  'grep -qxF "prune-check: $mid/p.db: study '"'kws'"': $why" err'
test_expect_code 2 "... a path of 404 bytes and a study's name of 511, a message of 1075" \
  prune-check --db "$mid/$seg/p.db" --study "$name" --trial 0 --step 1 --value 0.5
test_expect_success "... the path's start, ... in the middle, the name's end and the reason" '
  line=$(cat err) &&
  case $line in "prune-check: $seg/$seg/"*"..."*"nnnnnnnn'"'"': $why") ;; *) false ;; esac &&
  [ "$(wc -c <err)" -le $((1023 + 14)) ]'
