#!/usr/bin/env bash
# gpu-monitor said its fallback ("NVML: ... (no NVIDIA driver?); sampling CPUs and memory from
# /proc instead") before it opened --db, so a --db it then refused (a URL of no form it takes,
# sqlite://x.db; a file that is no study) came after a note that it was about to sample, as if
# sampling had begun. The study is opened first now: a refusal is said alone (exit 2, nothing
# on stdout), and the note comes once the sources are all open. The NVML library is one that is
# not there, so that the fallback is taken on any machine.
# runner: waits (gpu-monitor's intervals and durations)
. "$WS_ROOT/tests/cli/lib.sh"
nvml=(--nvml-library "$TMP/no-such/libnvidia-ml.so.1")
only_refusal() { [ ! -s out ] && ! grep -q "NVML\|/proc instead" err && [ "$(wc -l <err)" = 1 ] && grep -q "^gpu-monitor: $1" err; }

test_expect_code 2 "--db sqlite://x.db (two slashes)" gpu-monitor --count 1 "${nvml[@]}" --db sqlite://x.db
test_expect_success "... refused alone, no fallback note" 'only_refusal "sqlite://x.db: unsupported database URL"'
echo hello >text.db
test_expect_code 2 "--db a text file" gpu-monitor --count 1 "${nvml[@]}" --db text.db
test_expect_success "... refused alone" 'only_refusal "text.db: file is not a database"'
sqlite3 other.db "CREATE TABLE trials (x)"
test_expect_code 2 "--db an SQLite file that is no study" gpu-monitor --count 1 "${nvml[@]}" --db other.db
test_expect_success "... refused alone" 'only_refusal "other.db: "'

suggest --db s.db --config "$WS_ROOT/tests/cli/study.json" --n 0
test_expect_code 0 "--db a study" gpu-monitor --count 1 "${nvml[@]}" --db s.db
test_expect_success "... the fallback note said, once, and one sample" '
  [ "$(grep -c "sampling CPUs and memory from /proc instead" err)" = 1 ] && [ "$(jq -r .source out)" = proc ]'
test_expect_code 0 "no --db" gpu-monitor --count 1 "${nvml[@]}"
test_expect_success "... the note said, as before" '[ "$(grep -c "sampling CPUs and memory from /proc instead" err)" = 1 ]'
sed -n '/^Without a GPU or driver/,/^\.PP/p' "$WS_ROOT/share/man/man1/gpu-monitor.1" | tr '\n' ' ' | sed 's/\\f[BIR]//g; s/\\-/-/g' >note.man
test_expect_success "gpu-monitor(1) says the note comes once --db is open" '
  grep -qF "(the note comes once --db, where given, is open: a study refused is said alone, exit 2)" note.man'
