#!/usr/bin/env bash
# report --format html: a small study made with suggest, prune-check and tell (complete,
# infeasible, pruned, failed, running and waiting trials, intermediate values, a categorical and
# a conditional parameter), with trial times, train-trial's time breakdown and gpu-monitor's
# samples set by the test. The page is self-contained, has every plot with content, agrees with
# the JSON and text forms, and renders in headless Chromium without console errors (skipped
# when Debian's chromium is absent). WS_REPORT_SCREENSHOT=FILE keeps the screenshot.
. "$WS_ROOT/tests/cli/lib.sh"
PLOTS="history curves parallel importance timeline breakdown trial-times utilization"

cp "$WS_ROOT/tests/cli/study.json" c.json   # random sampler, median pruner, optimizer → momentum
suggest --db s.db --config c.json --n 12 >lines
# curves: trial n reaches 0.6 + 0.03 n (3, 7, 10 stay low and are pruned), 5 steps each
for n in 0 1 2 3 4 5 6 7 8 9 10 11; do
  case $n in 3|7|10) top=0.35 ;; *) top=$(awk -v n=$n 'BEGIN { printf "%.4f", 0.6 + 0.03 * n }') ;; esac
  steps=5; [ $n = 4 ] && steps=2; [ $n = 5 ] && steps=3
  for s in $(seq 0 $((steps - 1))); do
    v=$(awk -v t=$top -v s=$s 'BEGIN { printf "%.6f", t * (1 - exp(-(s + 1) / 2)) }')
    rc=0; prune-check --db s.db --study kws --trial $n --step $s --value "$v" >/dev/null || rc=$?
    case $n in 3|7|10) [ $rc = 0 ] && break ;; esac
  done
  case $n in
    3|7|10) tell --db s.db --study kws --trial $n --state pruned --reason "median pruner" >/dev/null ;;
    4) tell --db s.db --study kws --trial $n --state fail --reason "diverged: loss=nan <script>" >/dev/null ;;
    5) ;;   # still running
    6) tell --db s.db --study kws --trial $n --state complete --value "$v" --constraint 0.1 >/dev/null ;;
    *) tell --db s.db --study kws --trial $n --state complete --value "$v" --constraint -0.01 >/dev/null ;;
  esac
done
echo '{"learning_rate": 0.001, "batch_size": 64, "channels": 32, "dropout": 0.1, "optimizer": "adam"}' >q.jsonl
suggest --db s.db --config c.json --enqueue q.jsonl >/dev/null   # a WAITING trial
# two slots: trial n starts at 40 (n / 2) + 6 (n % 2) s, runs 30 s; train-trial's breakdown
gpu-monitor --db s.db --count 1 --quiet >/dev/null 2>&1   # creates the samples table
sqlite3 s.db "
  UPDATE trials SET datetime_start = strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || (number / 2 * 40 + number % 2 * 6) || ' seconds') || '.000000',
                    datetime_complete = strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || (number / 2 * 40 + number % 2 * 6 + 30) || ' seconds') || '.000000'
   WHERE state <> 'WAITING';
  UPDATE trials SET datetime_complete = NULL WHERE state = 'RUNNING';
  UPDATE trial_heartbeats SET heartbeat = '2026-01-01 00:01:40.000000' WHERE trial_id = (SELECT trial_id FROM trials WHERE number = 5);
  INSERT INTO trial_user_attributes (trial_id, key, value_json)
    SELECT trial_id, 'seconds', json_object('setup', 1.5, 'train', 22.0, 'eval', 3.0, 'total', 27.0, 'threads', 1)
      FROM trials WHERE state IN ('COMPLETE', 'PRUNED', 'FAIL');
  INSERT INTO trial_user_attributes (trial_id, key, value_json)
    SELECT t.trial_id, 'metrics', json_object('accuracy', 0.91, 'macro_f1', 0.9, 'f1', v.value, 'fpr', 0.02, 'frr', 0.1,
           'at_fpr', json_object('max_fpr', 0.05, 'threshold', 0.625, 'f1', 0.875, 'fpr', 0.04, 'frr', 0.2),
           'per_class', json_object('_unknown', json_object('f1', 0.9), 'hey_nova', json_object('f1', 0.92)),
           'confusion', json_array(json_array(40, 2), json_array(3, 35)))
      FROM trials t JOIN trial_values v ON v.trial_id = t.trial_id WHERE t.state = 'COMPLETE';
  DELETE FROM wakesweep_gpu_samples;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 250)
  INSERT INTO wakesweep_gpu_samples (sample, t, datetime, source, kind, util)
    SELECT i, 1767225600 + i, strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || i || ' seconds') || '.000000', 'proc', 'device',
           60 + 30 * ((i % 40) < 30) + (i % 7) FROM k;" || echo "FAIL setting up the study with sqlite3"

test_expect_code 0 "html" report --db s.db --format html
cp out r.html
test_expect_success "one self-contained page: no scripts, nothing fetched" '
  head -1 r.html | grep -q "^<!DOCTYPE html>" && tail -1 r.html | grep -q "</html>" &&
  ! grep -qi "<script" r.html && ! grep -qiE "(src|href)=" r.html && ! grep -qi "@import" r.html &&
  ! grep -qi "url(http" r.html && grep -q "&lt;script&gt;" r.html'
test_expect_success "every plot: an SVG with an id, a title and content" '
  for p in $PLOTS; do
    awk -v id="$p" "index(\$0, \"<svg id=\\\"\" id \"\\\" class=\\\"plot\\\"\") {on = 1} on {print} on && /<\\/svg>/ {exit}" r.html >svg.$p
    n=$(grep -cE "<(path|circle|rect|polyline|line|text)[ >]" svg.$p)
    grep -q "<title id=\"$p-title\">" svg.$p || { echo "$p: no title" >&2; exit 1; }
    [ "$n" -ge 8 ] || { echo "$p: $n elements" >&2; exit 1; }
  done'
test_expect_success "plots show what the study holds" '
  grep -q "pruned here" svg.curves && grep -q "n/a" svg.parallel && grep -q "(log)" svg.parallel &&
  grep -q "adamw" svg.parallel && grep -q "slot 1" svg.timeline && ! grep -q "slot 2" svg.timeline && grep -q "url(#ws-idle)" svg.timeline &&
  grep -q "sweep mean" svg.utilization && grep -q "infeasible" svg.history && grep -q "failed" svg.history'
test_expect_code 0 "json" report --db s.db --format json
cp out r.json
test_expect_success "json carries importance, utilization and time" '
  [ "$(jq -r .importance.method r.json)" = PED-ANOVA ] && [ "$(jq ".importance.params | length" r.json)" -ge 4 ] &&
  [ "$(jq -r .utilization.source r.json)" = proc ] && [ "$(jq .time.slots r.json)" = 2 ] &&
  [ "$(jq "[.trials[] | select(.util_mean != null)] | length" r.json)" -ge 10 ]'
test_expect_success "the best trial's card shows its wake-word operating point" '
  grep -q "<dt>at_fpr.threshold</dt><dd>0.625</dd><dt>at_fpr.f1</dt><dd>0.875</dd>" r.html'
test_expect_success "html and json agree: best value, top importance, utilization, idle share" '
  best=$(jq -r ".best.value | tostring" r.json) && b=$(printf "%.6g" "$best") && grep -q "#$(jq .best.trial r.json) · $b" r.html &&
  top=$(jq -r ".importance.params | to_entries[0] | \"\(.key) \(.value)\"" r.json) &&
  pct=$(awk -v x="${top#* }" "BEGIN { printf \"%.1f%%\", 100 * x }") && grep -q ">$pct<" svg.importance &&
  u=$(printf "%.1f%%" "$(jq .utilization.sweep_mean r.json)") && grep -q "id=\"sweep-util\">$u mean" r.html &&
  idle=$(printf "%.1f%%" "$(jq ".time.idle_s / .time.capacity_s * 100" r.json)") && grep -q "<dt>idle</dt><dd>$idle</dd>" r.html'
# time per trial: a bar's colours are the parts of its time; which trials were pruned, failed or
# are running (what pruning saved) showed nowhere on it. Each bar carries a mark of its state,
# the JSON's, with the trial's tooltip, and the legend names the states
test_expect_success "time per trial marks each trial's state, as the json has it" '
  jq -r ".trials[] | select(.slot != null) | \"<title>trial \(.trial) (\(.state))\"" r.json >states &&
  [ "$(grep -c . states)" = 12 ] && grep -q RUNNING states && grep -q FAIL states && grep -q PRUNED states &&
  while read -r t; do grep -qF "$t" svg.trial-times || { echo "no mark $t" >&2; exit 1; }; done <states &&
  for w in complete pruned failed running; do grep -q ">$w</text>" svg.trial-times || { echo "legend: no $w" >&2; exit 1; }; done'
test_expect_code 0 "text" report --db s.db
test_expect_success "text and json agree: importance, time, utilization" '
  top=$(jq -r ".importance.params | to_entries[0] | \"\(.key) \(.value)\"" r.json) &&
  pct=$(awk -v x="${top#* }" "BEGIN { printf \"%.1f%%\", 100 * x }") && grep -q "^importance (PED-ANOVA.*: ${top% *} $pct" out &&
  grep -q "^time: 2 slots" out && grep -q "utilization (CPU, gpu-monitor): sweep mean $(printf "%.1f" "$(jq .utilization.sweep_mean r.json)")%" out'

suggest --db e.db --config c.json --n 0 >/dev/null
test_expect_code 0 "html of a study without trials" report --db e.db --format html
test_expect_success "... has every plot, with a message" 'for p in $PLOTS; do grep -q "<svg id=\"$p\"" out || exit 1; done && grep -q "no trials yet" out'
suggest --db one.db --config c.json >/dev/null
tell --db one.db --study kws --trial 0 --state complete --value 0.5 >/dev/null
test_expect_code 0 "html of a one-trial study" report --db one.db --format html
test_expect_success "... has every plot" 'for p in $PLOTS; do grep -q "<svg id=\"$p\"" out || exit 1; done && grep -q "needs more than 5 complete trials with a finite value" out'
# the importance's caption named a top set the plot says there is none of: "top 10% of complete
# trials ... (at least 5; here 1 of 1)" above "needs more than 5 complete trials ..., has 1"
test_expect_success "... whose importance caption names no top set of its 1 trial" '
  grep -q "(at least 5)" out && ! grep -q "here 1 of 1" out'
test_expect_code 2 "--format names html among the choices" report --db s.db --format svg
test_expect_success "... in its message" 'grep -q "html" err'

# ---- headless Chromium ----
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  test_skip "chromium renders the page" "no chromium (Debian package chromium; make deps installs it)"
  exit 0
fi
chrome() {  # chrome OUT_PREFIX ARGS...: runs headless Chromium, stdout → PREFIX.out, stderr → PREFIX.err
  local p=$1; shift
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" --enable-logging=stderr --v=0 "$@" >"$p.out" 2>"$p.err"
}
# each plot as laid out: a copy of the page with a probe that measures every SVG and its shapes.
# The same run shows that the console capture works: the probe's canary console.error shows up
# (a run of its own for the canary page was a third Chromium start-up, 2 s of CPU). Only when it
# does not is the canary page run alone, so that a probe run that failed is not taken for a
# Chromium that does not log (the layout case below fails then, as it did).
probe='<script>console.error("ws-canary");const out=[];for(const s of document.querySelectorAll("svg.plot")){const r=s.getBoundingClientRect();let n=0;
for(const e of s.querySelectorAll("path,circle,rect,polyline,line,text")){const b=e.getBBox();if(b.width>0||b.height>0)n++;}
out.push(s.id+" "+Math.round(r.width)+" "+Math.round(r.height)+" "+n);}
const p=document.createElement("pre");p.id="ws-probe";p.textContent=out.join(";");document.body.appendChild(p);</script>'
sed "s|</body>|$(echo "$probe" | tr '\n' ' ' | sed 's/[&|]/\\&/g')</body>|" r.html >probe.html
chrome probe --window-size=1280,4000 --dump-dom "file://$TMP/probe.html"
if ! grep -q 'CONSOLE.*ws-canary' probe.err; then
  echo '<!DOCTYPE html><html><body><script>console.error("ws-canary")</script></body></html>' >canary.html
  chrome canary --dump-dom "file://$TMP/canary.html"
fi
if ! grep -q 'CONSOLE.*ws-canary' probe.err canary.err 2>/dev/null; then
  test_skip "chromium renders the page" "this chromium does not log console messages to stderr; cannot check"
  exit 0
fi
chrome page --screenshot="$TMP/shot.png" --window-size=1280,4000 --dump-dom "file://$TMP/r.html"
test_expect_success "chromium: no console errors, a screenshot" '
  ! grep -E ":CONSOLE|Uncaught|Refused to" page.err && [ -s shot.png ] && [ "$(head -c 4 shot.png | tail -c 3)" = PNG ] &&
  [ "$(stat -c %s shot.png)" -gt 100000 ]'
[ -n "${WS_REPORT_SCREENSHOT:-}" ] && cp shot.png "$WS_REPORT_SCREENSHOT"
tr -d '\n' <probe.out | sed 's/.*<pre id="ws-probe">//; s/<\/pre>.*//' | tr ';' '\n' >sizes
test_expect_success "chromium: every plot laid out, wide enough, with drawn shapes" '
  [ "$(grep -c . sizes)" = 8 ] && for p in $PLOTS; do
    read -r id w h n <<<"$(grep "^$p " sizes)"; [ "$id" = "$p" ] && [ "$w" -ge 400 ] && [ "$h" -ge 100 ] && [ "$n" -ge 8 ] ||
      { echo "$p: $(grep "^$p " sizes)" >&2; exit 1; }
  done'
