#!/usr/bin/env bash
# A feature cache whose class list names one class twice (written by something else, or edited:
# featurize makes one class of a name) was read: train-trial trained on it with exit 0, its
# result's per_class held one entry for the two classes, the positive class was the first of the
# two, and the checkpoint it wrote was refused by train-trial --evaluate ("classes[1]: repeats
# classes[0]"). The cache's structure is checked on open, whatever the checksum says: a name
# given twice makes it no valid cache, exit 2 naming both classes; no trial is trained on it.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
# classes go, hey_nova, no, yes: "no" becomes a second "go" (the checksum made again)
cache_edit tones.feat twice.feat 'm["classes"][2] = "go"'
cat >classes.py <<'P'
import json, struct, sys
d = open(sys.argv[1], "rb").read()
off, n = struct.unpack_from("<QQ", d, 72 + 16 * 6)
print(json.dumps(json.loads(d[off:off + n])["classes"]))
P
test_expect_success "the edited cache names go twice" '[ "$("$PY" classes.py twice.feat)" = "[\"go\", \"hey_nova\", \"go\", \"yes\"]" ]'
W="twice.feat: not a valid feature cache: class 2 has the name of class 0, 'go' (a class is named once)"
test_expect_code 2 "featurize --describe: exit 2" featurize --describe twice.feat
test_expect_success "... says which classes" "[ \"\$(cat err)\" = \"featurize: $W\" ] && [ ! -s out ]"
mkdir runs
tone_study_config c.json
jq '.budget.epochs = 2' c.json >c2.json
suggest --db runs/s.db --config c2.json >line
test_expect_code 2 "train-trial on it: exit 2" train-trial --db runs/s.db --features twice.feat --threads 1 --quiet line
test_expect_success "... says which classes, trains nothing" "grep -qxF \"train-trial: $W\" err &&
  [ \"\$(sqlite3 runs/s.db 'SELECT count(*) FROM trial_intermediate_values')\" = 0 ] && [ ! -e runs/trial-0.ckpt ]"
