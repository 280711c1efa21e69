#!/usr/bin/env bash
# report: the utilization plot of samples whose numbers are not in time order, as when two
# monitors write to one study file (make sweep's and one started by hand: a sample that waited
# for the lock is numbered when written) or the clock was stepped back: the series is in time
# order, a line drawn left to right. It was in sample order and bucketed from the first and last
# sample's times, so that its line went back and forth (and with over 400 samples, those before
# the first sample's time fell into the last bucket).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
samples_study
# sample i was taken at (7 i + 3 mod N) s: the first is not the earliest
prep() {  # N: samples 0..N-1 at (7 i + 3 mod N) s, util 1 + that; the trial over [0, N] s
  sqlite3 s.db "
  UPDATE trials SET datetime_start = '2026-03-01 00:00:00.000000',
    datetime_complete = strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+$1 seconds') || '.000000';
  DELETE FROM wakesweep_gpu_samples;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < $1 - 1)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
    SELECT i, 1772323200 + (7 * i + 3) % $1, strftime('%Y-%m-%d %H:%M:%S', '2026-03-01', '+' || ((7 * i + 3) % $1) || ' seconds') || '.000000',
           'proc', 'device', 1 + (7 * i + 3) % $1 FROM k;" || echo "FAIL setting up samples"
}
# The utilization plot's line: its points' x, then y, one a line.
line_xs() { sed -n '/id="utilization"/,/<\/svg>/p' out | grep -o '<polyline[^>]*points="[^"]*"' | head -1 |
  sed 's/.*points="//; s/"$//' | tr ' ' '\n' | cut -d, -f1; }
prep 61
test_expect_code 0 "html, 61 samples out of order" report --db s.db --format html
test_expect_success "... the line goes left to right, every sample a point" '
  line_xs >xs && [ "$(wc -l <xs)" = 61 ] && sort -g -c xs'
prep 1000
test_expect_code 0 "html, 1000 samples out of order (bucketed)" report --db s.db --format html
test_expect_success "... the line goes left to right, 400 points" '
  line_xs >xs && [ "$(wc -l <xs)" = 400 ] && sort -g -c xs'
