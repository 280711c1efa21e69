#!/usr/bin/env bash
# report --format json built the whole study as one JSON tree (a few hundred bytes of jansson
# per intermediate value), then its text, before writing a byte: its memory grew with the study
# to 2.7 times text's (4000 trials of 100 reports: 133 MB against 50 MB; below, 200 trials of
# 2000 reports: 98 MB against 14 MB). It is written a trial at a time now, the same line.
. "$WS_ROOT/tests/cli/lib.sh"
suggest --db s.db --config "$WS_ROOT/tests/cli/study.json" --n 200 >/dev/null
sqlite3 s.db "
  UPDATE trials SET state = 'COMPLETE', datetime_complete = datetime_start;
  INSERT INTO trial_values (trial_id, objective, value, value_type) SELECT trial_id, 0, number / 1000.0, 'FINITE' FROM trials;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 1999)
  INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type)
    SELECT trial_id, i, ((i * 7 + number) % 1000) / 1000.0, 'FINITE' FROM trials, k;"
# run FORMAT: report on s.db, its peak RSS (KB) in FORMAT.kb
run() { /usr/bin/time -f %M -o "$1.kb" report --db s.db --format "$1"; }
test_expect_code 0 "report --format text on 200 trials of 2000 reports" run text
test_expect_code 0 "report --format json on them" run json
test_expect_success "... one line: the study, its 200 trials and 400000 intermediate values as stored" '
  [ "$(wc -l <out)" = 1 ] &&
  [ "$(jq -c "[.study, .n_trials, (.trials | length), ([.trials[].intermediate_values | length] | add), .best.trial]" out)" = "[\"kws\",200,200,400000,199]" ] &&
  [ "$(jq -r ".trials[] | select(.trial == 7) | .intermediate_values[:3][] | @csv" out)" = \
    "$(sqlite3 -csv s.db "SELECT step, intermediate_value FROM trial_intermediate_values x JOIN trials t USING (trial_id)
       WHERE t.number = 7 ORDER BY step LIMIT 3")" ]'
expect_rss_within "its memory is text's, not a tree of the whole study (at most 8 MB more)" report json.kb text.kb 8192
