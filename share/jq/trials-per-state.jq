# bin/report --db runs/kws-default/study.db --format json | jq -c -f share/jq/trials-per-state.jq
# Reads the report's JSON, or its --format jsonl or result lines slurped with `jq -s` (no database needed:
# `jq -s -c -f share/jq/trials-per-state.jq runs/kws-default/trial-*.json`); counts trials per
# state. Optuna's five states always appear, in Optuna's order (as in the report's .states), so
# a script can read .FAIL without a default; a state Optuna does not know comes after them.
def trials:
  if type == "object" and has("trials") then .trials
  elif type == "array" then .
  else "trials-per-state.jq: expected bin/report --format json, or its --format jsonl or result lines slurped with jq -s\n" | halt_error(2)
  end;
reduce (trials[] | .state // ("trials-per-state.jq: trial \(.trial): no .state\n" | halt_error(2))) as $s
  ({"RUNNING": 0, "COMPLETE": 0, "PRUNED": 0, "FAIL": 0, "WAITING": 0}; .[$s] += 1)
