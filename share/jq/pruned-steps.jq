# bin/report --db runs/kws-default/study.db --format json | jq -c -f share/jq/pruned-steps.jq
# Reads the report's JSON (or its --format jsonl slurped with `jq -s`); says where each PRUNED
# trial stopped: {"per_step": {"STEP": trials pruned there, ...}, "trials": [{"trial", "step",
# "value"}, ...]}. step is the last step the trial reported (for train-trial an epoch, or 1/K of
# one under the study's budget.validations_per_epoch K), value its intermediate value there
# (null when it was NaN); a trial pruned before it reported anything has step null. Result lines (trial-NNN.json) carry no intermediate values, hence the report.
def trials:
  if type == "object" and has("trials") then .trials
  elif type == "array" then .
  else "pruned-steps.jq: expected bin/report --format json, or its --format jsonl slurped with jq -s\n" | halt_error(2)
  end;
[trials[] | select(.state == "PRUNED") | . as $t
  | ($t.intermediate_values
     | if type == "array" then max_by(.[0])
       else "pruned-steps.jq: trial \($t.trial): no .intermediate_values (result lines lack them: use bin/report's output)\n" | halt_error(2)
       end) as $last
  | {trial, step: $last[0], value: $last[1]}]
| sort_by(.trial)
| {per_step: (group_by(.step) | map({key: (.[0].step | tostring), value: length}) | from_entries), trials: .}
