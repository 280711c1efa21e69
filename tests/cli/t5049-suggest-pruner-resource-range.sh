#!/usr/bin/env bash
# A pruner's min_resource or max_resource (successive halving, hyperband) given as a whole number
# past the +-9e15 that config integers are read within (9007199254740993): suggest refused it,
# rightly, but said 'expected "auto" or an integer >= 1', which the value is, so the message told
# nothing of what to change. Now the words of every other config integer past that range
# ("expected an integer within +-9e15, got ..."); a fraction, a string or null still reads
# 'expected "auto" or an integer >= 1' (or without "auto" where it is not taken).
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" base.json
big=9007199254740993
n=0
for pruner in "{\"name\": \"successive_halving\", \"min_resource\": $big}" \
              "{\"name\": \"hyperband\", \"min_resource\": $big}" \
              "{\"name\": \"hyperband\", \"max_resource\": $big}"; do
  n=$((n + 1))
  key=$(echo "$pruner" | jq -r 'del(.name) | keys[0]')
  jq --argjson p "$pruner" '.pruner = $p | del(.budget)' base.json >"c$n.json"
  test_expect_code 2 "$pruner: refused" suggest --db "s$n.db" --config "c$n.json"
  test_expect_success "... naming pruner.$key and the range it is read within, not a kind it is" "
    grep -q 'c$n.json: pruner.$key: expected an integer within +-9e15, got 9007199254740992' err &&
    ! grep -q 'or an integer >= 1' err"
done
for v in 1.5 '"x"' null; do
  n=$((n + 1))
  jq --argjson v "$v" '.pruner = {"name": "hyperband", "min_resource": $v} | del(.budget)' base.json >"c$n.json"
  test_expect_code 2 "hyperband min_resource $v: refused" suggest --db "s$n.db" --config "c$n.json"
  test_expect_success "... as before: an integer >= 1 expected" "grep -q 'pruner.min_resource: expected an integer >= 1' err"
  jq --argjson v "$v" '.pruner = {"name": "successive_halving", "min_resource": $v}' base.json >"c$n.h.json"
  test_expect_code 2 "successive_halving min_resource $v: refused" suggest --db "s$n.h.db" --config "c$n.h.json"
  test_expect_success "... as before: \"auto\" or an integer >= 1 expected" "grep -q 'pruner.min_resource: expected \"auto\" or an integer >= 1' err"
done
