# bin/report --db runs/kws-default/study.db --format json | jq -c -f share/jq/best-params.jq
# Reads the report's JSON; prints the best trial's number, value and params. The best trial is
# the report's own choice (the best feasible COMPLETE trial), so this agrees with `report --best`
# and the text table. Exit 1 when there is none (no trial has completed, or none is feasible), as
# `report --best` does; exit 2 when the input is not a report.
if type != "object" or (has("best") | not) then
  "best-params.jq: expected the output of bin/report --format json (an object with .best)\n" | halt_error(2)
elif .best == null then
  "best-params.jq: study '\(.study)': no best trial (none completed, or none is feasible)\n" | halt_error(1)
else
  .best | {trial, value, params}
end
