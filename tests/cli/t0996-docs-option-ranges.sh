#!/usr/bin/env bash
# Every range a tool holds an option's value to, as its refusal names it ("train-trial: --threads:
# expected an integer in [1, 1024], got -5"), is the range its man page gives that option (t0024
# and t0010 compare the options' names and arguments, not their values): prune-check(1) and
# tell(1) gave --trial no range, suggest(1) none for --pid, train-trial(1) no upper bound for
# --grow-threads and featurize(1) no lower one for --threads, where each tool refused values past
# them (exit 2). The ranges are found by running each option of a tool's --help that takes an
# argument with a few values that are out of every range (an unknown option after it, so that a
# value taken runs nothing); the man page's entry is the text after the option's .TP tag, which
# must give both ends as a range ("1 to 1024", "from 0 to 2^63-1", "at most 256" beside "at
# least 1", "[0, 1]"; 2^K and 2^K-1 for the powers of two), or the one bound of a value held on
# one side only ("must be > 0": "above 0"; "expected seconds >= 0": "0 or more"). suggest(1) gave
# --grace, and train-trial(1) --max-seconds, none, though each refused a value past it.
. "$WS_ROOT/tests/cli/lib.sh"

cat >check.py <<'EOF'
import re, sys
page, opt, lo, hi = sys.argv[1:5]   # hi "-": a bound on one side only, lo ">0" (above 0) or ">=0" (0 or more)
def plain(s):   # roff to words: \- is -, fonts and escapes dropped, lines joined
    s = s.replace('\\-', '-').replace('\\(mu', 'x')
    s = re.sub(r'\\f(\(..|\[[^]]*\]|.)', '', s)
    return ' '.join(s.replace('"', '').split())
lines = open(page).read().split('\n')
entry, on = [], False
for i, l in enumerate(lines):
    if l.startswith('.TP') and i + 1 < len(lines):
        on = re.search(re.escape(opt) + r'(?![\w-])', plain(lines[i + 1])) is not None
        continue
    if l.startswith('.SH'): on = False
    if on: entry.append(l)
text = plain(' '.join(entry))
if not text: sys.exit(f'{opt}: no entry in its man page')
def forms(b):   # the ways a bound may be written
    out = [b]
    if re.fullmatch(r'\d+', b):
        n = int(b)
        for k in range(10, 64):
            if n == 2 ** k: out.append(f'2^{k}')
            if n == 2 ** k - 1: out += [f'2^{k}-1', f'2^{k} - 1']
    return out
def said(pats):
    return any(re.search(p, text) for p in pats)
end = r'(?!\d|\.\d|\^)'   # a full stop after it ends a sentence, not the number
if hi == '-':
    pats = {'>0': [r'\babove 0\b', r'\bmore than 0\b', r'> ?0\b', r'\bpositive\b'],
            '>=0': [r'\b0 or more\b', r'\bat least 0\b', r'>= ?0\b', r'\bfrom 0\b']}[lo]
    if not said(pats): sys.exit(f'{opt}: its bound, {lo}, is not given: "{text[:300]}"')
    sys.exit(0)
low = [p for f in forms(lo) for p in (rf'(?<![\w.^-]){re.escape(f)} to ', rf'(?<![\w.^-]){re.escape(f)}\.\.',
       rf'\bfrom {re.escape(f)}{end}', rf'\bat least {re.escape(f)}{end}', rf'\[{re.escape(f)}, ')]
high = [p for f in forms(hi) for p in (rf'\bto {re.escape(f)}{end}', rf'\.\.{re.escape(f)}{end}',
        rf'\bat most {re.escape(f)}{end}', rf', {re.escape(f)}\]')]
bad = [f'its {w} end, {b}, is not given' for w, b, p in (('low', lo, low), ('high', hi, high)) if not said(p)]
if bad: sys.exit(f'{opt}: ' + '; '.join(bad) + f': "{text[:300]}"')
EOF

# probe TOOL: "TOOL OPTION LOW HIGH" for each option of TOOL's --help whose refusal names a range
probe() {
  local t=$1 o v
  for o in $("$WS_BIN/$t" --help | grep -oE '^ {1,8}(-[a-zA-Z], +)?--[a-z-]+ [A-Z][A-Z_]*' | grep -oE -- '--[a-z-]+'); do
    for v in x -5 99999999999999999999 0; do
      timeout 20 "$WS_BIN/$t" "$o" "$v" --no-such-option </dev/null >/dev/null 2>probe.err
      sed -n -e "s/^$t: $o: expected [^[]*in \[\([^],]*\), \([^]]*\)\].*/$t $o \1 \2/p" \
             -e "s/^$t: $o: \(must be > 0\|expected a positive \).*/$t $o >0 -/p" \
             -e "s/^$t: $o: expected [a-z]* >= 0.*/$t $o >=0 -/p" probe.err | head -1
    done
  done | sort -u
}
for t in "$WS_BIN"/*; do probe "$(basename "$t")"; done >ranges
test_expect_success "the tools' refusals name ranges (at least 10 options)" '
  cat ranges >&2; [ "$(wc -l <ranges)" -ge 10 ] && grep -q "^train-trial --threads 1 1024$" ranges'
while read -r t o lo hi; do
  range="[$lo, $hi]"; [ "$hi" != - ] || range=$lo
  test_expect_success "$t $o: its man page gives the range it takes, $range" \
    '$PY check.py "$WS_ROOT/share/man/man1/$t.1" "$o" "$lo" "$hi"'
done <ranges

# The check finds a range the page does not give: an end that is not the page's
test_expect_success "the check refuses an end the page does not give" '
  ! $PY check.py "$WS_ROOT/share/man/man1/train-trial.1" --threads 1 1023 2>/dev/null &&
  ! $PY check.py "$WS_ROOT/share/man/man1/gpu-monitor.1" --interval 0.1 86400 2>/dev/null &&
  ! $PY check.py "$WS_ROOT/share/man/man1/tell.1" --trial ">0" - 2>/dev/null'
