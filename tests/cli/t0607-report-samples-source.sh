#!/usr/bin/env bash
# report's utilization when the samples' source (wakesweep_gpu_samples.source: gpu-monitor writes
# "nvml" or "proc") is another text, edited by hand: one that is not UTF-8, or a UTF-8 one longer
# than the report keeps, cut inside a character, made json_string refuse it, and the JSON's
# whole utilization object was null (exit 0): the mean and the sample count gone with it. The
# source is now shown with its bytes that are not UTF-8 as \xNN and cut between characters.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
# a trial RUNNING while gpu-monitor (no GPU here or not: --nvml-library of nothing, /proc) samples
suggest --db s.db --config c.json >/dev/null
gpu-monitor --db s.db --interval 0.05 --count 3 --fallback cpu --nvml-library "$TMP/none.so" --quiet >/dev/null
tell --db s.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 0 "the study's report" report --db s.db --format json
test_expect_success "... has 3 samples from /proc, with their mean" '
  [ "$(jq -c ".utilization | [.source, .samples, (.sweep_mean | type)]" out)" = "[\"proc\",3,\"number\"]" ]'
cp s.db bad.db && sqlite3 bad.db "UPDATE wakesweep_gpu_samples SET source = CAST(X'70ff' AS TEXT)"
cp s.db long.db && sqlite3 long.db "UPDATE wakesweep_gpu_samples SET source = 'abcdef' || char(233)"   # 8 bytes
test_expect_code 0 "a source that is not UTF-8" report --db bad.db --format json
test_expect_success "... shown as p\\xff, the utilization kept" '
  [ "$(jq -c ".utilization | [.source, .samples, (.sweep_mean | type)]" out)" = "[\"p\\\\xff\",3,\"number\"]" ]'
test_expect_code 0 "a UTF-8 source longer than the report keeps (7 bytes), cut inside its last character" report --db long.db --format json
test_expect_success "... cut before it, the utilization kept" '
  [ "$(jq -c ".utilization | [.source, .samples]" out)" = "[\"abcdef\",3]" ]'
for f in text html; do
  test_expect_code 0 "report --format $f of the source that is not UTF-8" report --db bad.db --format $f
  test_expect_success "... valid UTF-8, the samples counted" 'iconv -f UTF-8 -t UTF-8 out >/dev/null && grep -q "3 samples" out'
done
# A source other than "nvml" or "proc" names no device kind: the text said "utilization (,
# gpu-monitor)" and the HTML "<dt> utilization" with nothing before it; the plot's title already
# said "GPU or CPU", and now all three do.
test_expect_code 0 "report --format text of another source" report --db bad.db --format text
test_expect_success "... says GPU or CPU, with no empty name" '
  grep -q "^utilization (GPU or CPU, gpu-monitor): sweep mean" out && ! grep -q "(, " out'
test_expect_code 0 "report --format html of another source" report --db bad.db --format html
test_expect_success "... the same words in its summary and its plot" '
  grep -q "<dt>GPU or CPU utilization</dt>" out && grep -q "GPU or CPU utilization (gpu-monitor)" out'
