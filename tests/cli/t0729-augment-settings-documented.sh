#!/usr/bin/env bash
# train-trial(1) tells what the augmentation settings take, as train-trial enforces it: the man
# page listed noise_prob, snr_low, snr_high, time_shift, time_masks, time_mask_width, freq_masks
# and freq_mask_width by name only, with neither their ranges nor the SNR range a noise_prob
# alone mixes at (0 to 20 dB). The ranges and defaults are read here from train-trial's own
# messages on values outside them (settings are checked before the cache is opened: no cache
# needed), and each must be in the man page as "KEY (LOW to HIGH" ("K1 and K2 (LOW to HIGH" for
# a pair).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
tone_study_config c.json
# said KEY VALUE: what train-trial says of the fixed setting KEY = VALUE (a study of its own)
said() {
  local d="s-$1$2"
  mkdir "$d"
  jq --arg k "$1" --argjson v "$2" '.fixed[$k] = $v | .budget.epochs = 1' c.json >"$d/c.json"
  suggest_kept "$d/s.db" "$d/c.json" >"$d/line" &&
    { train-trial --db "$d/s.db" --features none.feat --quiet "$d/line" >/dev/null 2>"$d/err"; cat "$d/err"; }
}
: >ranges
for k in noise_prob snr_low snr_high time_shift time_masks time_mask_width freq_masks freq_mask_width; do
  # "fixed.KEY: -1000: must be in [LOW, HIGH]"
  said "$k" -1000 | sed -n "s/.*fixed\.$k: -1000: must be in \[\(.*\), \(.*\)\]\$/$k \1 \2/p" >>ranges
done
# the defaults: a setting beyond the other names it ("fixed.snr_low: 30 is above snr_high 20")
low=$(said snr_high -50 | sed -n 's/.*fixed\.snr_low: \(.*\) is above snr_high -50$/\1/p')
high=$(said snr_low 30 | sed -n 's/.*fixed\.snr_low: 30 is above snr_high \(.*\)$/\1/p')
test_expect_success "setup: train-trial names the range of each augmentation setting, and the SNR defaults" '
  [ "$(wc -l <ranges)" = 8 ] && [ -n "$low" ] && [ -n "$high" ]'

cat >check.py <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
# the roff source as read: font changes, escaped minus signs and line breaks away
text = re.sub(r'\\f[BIRPC]|\\f\(CW', '', text).replace('\\-', '-').replace('\\(em', '-')
text = re.sub(r'\s+', ' ', text)
def num(v):
    v = float(v)
    return '%g' % v if abs(v) < 1e5 else str(int(v))
bad = []
for line in open(sys.argv[2]):
    k, lo, hi = line.split()
    if not re.search(r'\b%s\b(?: and \w+)? \(%s to %s\b' % (k, re.escape(num(lo)), re.escape(num(hi))), text):
        bad.append('%s (%s to %s' % (k, num(lo), num(hi)))
lo, hi = sys.argv[3:5]
if not lo or not hi or not re.search(r'snr_low and snr_high \([^)]*; %s and %s dB when not given' % (re.escape(num(lo)), re.escape(num(hi))), text):
    bad.append('snr_low and snr_high defaults %s and %s dB' % (num(lo), num(hi)))
if bad: print('\n'.join(bad))
EOF
test_expect_success "the man page gives each augmentation setting its range, and the SNR defaults" '
  $PY check.py "$WS_ROOT/share/man/man1/train-trial.1" ranges "$low" "$high" >missing && [ -s ranges ] &&
  { [ ! -s missing ] || { echo "not in train-trial.1:"; cat missing; false; }; }'

