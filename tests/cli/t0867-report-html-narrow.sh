#!/usr/bin/env bash
# report --format html in a narrow window: each plot's SVG is scaled to its figure's width, and
# the wide ones (parallel coordinates, timeline, utilization, time per trial: 1160 px of viewBox)
# shrank to 0.62 of it in an 800 px window, their 12 px labels drawn 7.4 px high and 10.5 px
# tick labels 6.5 px, too small to read; the half-width ones (570 px) sat two to a row down to
# 900 px, at 0.78 in a 1000 px one. Laid out in headless Chromium at 800, 1000 and 1400 px
# (skipped without it): every plot is drawn at 0.85 of its size or more (12 px text at 10 px or
# more), the page itself is no wider than the window (a wide plot scrolls inside its figure, as
# the table of trials does), and there are no console errors.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
samples_study
test_expect_code 0 "html" report --db s.db --format html
cp out r.html
# a probe: each plot's drawn width over its viewBox width, and the page's width against the window's
probe='<script>const out=[];for(const s of document.querySelectorAll("svg.plot")){
out.push(s.id+"="+(s.getBoundingClientRect().width/s.viewBox.baseVal.width).toFixed(3));}
out.push("page="+document.documentElement.scrollWidth+"/"+window.innerWidth);
const p=document.createElement("pre");p.id="ws-probe";p.textContent=out.join(" ");document.body.appendChild(p);</script>'
for w in 800 1000 1400; do
  if ! chromium_probe r.html "$probe" $w probe-$w; then
    test_skip "chromium lays out the page at 800, 1000 and 1400 px" "no chromium (Debian package chromium)"; exit 0
  fi
  tr ' ' '\n' <probe-$w.got >got-$w
  test_expect_success "chromium at $w px: every plot at 0.85 of its size or more, the page within the window" '
    [ "$(grep -c "^[a-z-]*=" got-'$w')" -ge 9 ] &&
    awk -F= "\$1 != \"page\" && \$2 < 0.85 { print \"drawn at \" \$2 \" of its size: \" \$1; bad = 1 }
             \$1 == \"page\" { split(\$2, p, \"/\"); if (p[1] > p[2]) { print \"page \" p[1] \" px wide in a \" p[2] \" px window\"; bad = 1 } }
             END { exit bad }" got-'$w' >&2 &&
    ! grep -E ":CONSOLE|Uncaught|Refused to" probe-'$w'.err'
done
