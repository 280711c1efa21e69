#!/usr/bin/env bash
# featurize read a manifest's lines with getline, which holds a whole line in memory however long:
# a manifest piped on stdin that never ends a line (INPUT -, from a program gone wrong) was read
# until memory ran out, and the failed read (ENOMEM) was then taken for the end of the manifest:
# "stdin: no audio clips found", exit 2, for a manifest that was never read. A manifest line
# stops at 1 MiB now (a path and a label; suggest --enqueue's and train-trial's lines stop there
# too): exit 2 naming the line.
. "$WS_ROOT/tests/cli/lib.sh"
# a memory limit, so that a reader that does not stop fails soon (where one can be set: without
# it the timeout bounds the run)
limit=""
can_limit_address_space "a 1 GB address-space limit on featurize" featurize && limit="ulimit -v 1000000;"
test_expect_code 2 "a manifest on stdin whose first line never ends: exit 2" \
  bash -c "$limit"' tr "\0" a </dev/zero | timeout 60 featurize --quiet --out f.feat -'
test_expect_success "... names the line and the limit" 'grep -qx "featurize: stdin:1: more than 1048576 bytes: expected a JSON object" err && [ ! -e f.feat ]'
{ echo '{"path": "x.wav", "label": "yes"}'; head -c 2000000 /dev/zero | tr '\0' ' '; echo '{"path": "y.wav", "label": "no"}'; } >long.jsonl
test_expect_code 2 "a manifest file with a 2 MB line: exit 2" featurize --quiet --out f.feat long.jsonl
test_expect_success "... names it" 'grep -qx "featurize: long.jsonl:2: more than 1048576 bytes: expected a JSON object" err'
