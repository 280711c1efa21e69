#!/usr/bin/env bash
# gpu-monitor --pidfile reads its file at every sample, and read it whole: a 4 GB (sparse) file
# took 16.8 s for 2 samples at -i 0.1, every sample late by seconds. A file of pids, one per line,
# for the trials a sweep runs at once is a few hundred bytes; past 64 KiB (8192 lines of 7-digit
# pids) it is not one: refused unread, with a note once, and no pid taken from it.
. "$WS_ROOT/tests/cli/lib.sh"
NOGPU=(--nvml-library /nonexistent/libnvidia-ml.so.1)
lines() { local p=$1; shift; jq -e -s "$@" "$p" out >/dev/null; }
sleep 60 & sleeper=$!
trap 'kill $sleeper 2>/dev/null; [ -n "${WS_KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

truncate -s 4G big.pids
# (its speed is not asserted here: the note below says the file went unread, which is why it is
# fast; the timeout only keeps a regression from hanging the suite)
test_expect_code 0 "a 4 GB sparse pidfile, 2 samples at -i 0.1" timeout -k 2 60 gpu-monitor "${NOGPU[@]}" -i 0.1 -n 2 --pidfile big.pids
test_expect_success "... no pid from it, the note once naming the file and the limit" '
  lines "length == 2 and all(.[]; .processes == [])" &&
  [ "$(grep -c "^gpu-monitor: pidfile: big.pids: 4294967296 bytes, expected a file of pids, one per line, of at most 65536 bytes; no pid read$" err)" = 1 ]'

# at the limit: read, its pid watched; one byte past it: refused
{ echo "$sleeper"; head -c $((65536 - ${#sleeper} - 1 - 1)) /dev/zero | tr '\0' '#'; echo; } >edge.pids
test_expect_success "the edge file is 65536 bytes" '[ "$(stat -c %s edge.pids)" = 65536 ]'
test_expect_code 0 "a pidfile of 65536 bytes" gpu-monitor "${NOGPU[@]}" -q -i 0.02 -n 1 --pidfile edge.pids
test_expect_success "... is read: its pid watched, no note" 'lines ".[0].processes | map(.pid) == [$sleeper]" && [ ! -s err ]'
echo '#' >>edge.pids
test_expect_code 0 "a pidfile of 65538 bytes" gpu-monitor "${NOGPU[@]}" -q -i 0.02 -n 1 --pidfile edge.pids
test_expect_success "... is refused: no pid, the note says why" '
  lines ".[0].processes == []" && grep -q "edge.pids: 65538 bytes, expected a file of pids, one per line, of at most 65536 bytes; no pid read" err'
# grown past the limit while gpu-monitor runs: refused from then on; shrunk again: read again
echo "$sleeper" >grow.pids
( sleep 0.35; cp edge.pids grow.new && mv grow.new grow.pids; sleep 0.4; echo "$sleeper" >grow.new && mv grow.new grow.pids ) &
test_expect_code 0 "a pidfile that grows past the limit, then shrinks" gpu-monitor "${NOGPU[@]}" -q -i 0.1 -n 12 --pidfile grow.pids
wait $!
test_expect_success "... watched, then not, then again" '
  lines "(.[0].processes | map(.pid)) == [$sleeper] and any(.[]; .processes == []) and (.[11].processes | map(.pid)) == [$sleeper]"'
