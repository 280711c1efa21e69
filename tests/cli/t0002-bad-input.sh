#!/usr/bin/env bash
# Bad input: each case exits 2 with a message that says where and what.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
expect_error() {  # NAME PATTERN COMMAND...
  local name=$1 pat=$2; shift 2
  local rc=0
  "$@" >out 2>err || rc=$?
  if [ "$rc" = 2 ] && grep -q -- "$pat" err && [ ! -s out ]; then echo "ok $name"
  else echo "FAIL $name: exit $rc, stderr: $(head -c 300 err | tr '\n' ' ') (wanted /$pat/)"; fi
}
printf '{"study": "x",\n  "space": {"a": {"type": "float" "low": 1}}}\n' >syntax.json
expect_error "malformed JSON gives line and column" "suggest: syntax.json:2:[0-9]*: " suggest --db s.db --config syntax.json
# jansson's "too big integer near '...'" said no bound
printf '{"study": "x",\n  "space": {"a": {"type": "int", "low": 1, "high": 99999999999999999999}}}\n' >bigint.json
expect_error "an integer past 64 bits names the bound" "suggest: bigint.json:2:[0-9]*: too big integer near '99999999999999999999': an integer must be within -9223372036854775808 to 9223372036854775807$" suggest --db s.db --config bigint.json
# jansson's own words named its flag ("... without JSON_ALLOW_NUL")
printf '{"study": "x\\u0000y"}\n' >nul.json
expect_error "a NUL in a string is named as such" "suggest: nul.json:1:[0-9]*: .u0000 (a NUL character) is not allowed in a string$" suggest --db s.db --config nul.json
printf '{"study": "x\\u0000y", "trial": 0, "params": {}}\n' >nul.line
expect_error "... in a trial line too" "train-trial: nul.line:1:[0-9]*: .u0000 (a NUL character) is not allowed" train-trial --db s.db --features nope.feat nul.line
jq '.space.channels.type = "complex"' c.json >t.json
expect_error "unknown parameter type" "t.json: space.channels.type: unknown parameter type 'complex'" suggest --db s.db --config t.json
jq '.space.learning_rate.low = 0.1' c.json >t.json
expect_error "low > high" "t.json: space.learning_rate: low must be <= high (got 0.1 > 0.01)" suggest --db s.db --config t.json
jq '.space.channels.step = 0' c.json >t.json
expect_error "step 0" "t.json: space.channels: step must be > 0 (got 0)" suggest --db s.db --config t.json
jq '.space.batch_size.choices = []' c.json >t.json
expect_error "empty choices" "t.json: space.batch_size.choices: must not be empty" suggest --db s.db --config t.json
# keys of another kind were ignored: batch_size's choices drawn uniformly, log or not
jq '.space.batch_size.log = true' c.json >t.json
expect_error "log on a categorical" "t.json: space.batch_size.log: not a key of a categorical parameter (expected type, choices and when)" suggest --db s.db --config t.json
# a setting both searched and fixed: the trainer took the trial's value, the fixed one unused
jq '.fixed = {"model": "dscnn", "batch_size": 64}' c.json >t.json
expect_error "a setting both in space and in fixed" "t.json: fixed.batch_size: is also a parameter of the space; a setting is searched (space) or fixed, not both" suggest --db s.db --config t.json
# fixed settings train-trial refuses whatever the trial's params: suggest handed out trials that
# all failed ("study config: fixed.label_smoothing: 2: ...", each one), the study filling with FAILs
jq '.fixed.label_smoothing = 2' c.json >t.json
expect_error "a fixed setting out of train-trial's range" "t.json: fixed.label_smoothing: 2: must be in \[0, 1\] (train-trial would fail every trial)" suggest --db fx.db --config t.json
test_expect_success "... no study made" '[ ! -e fx.db ]'
jq '.fixed.lerning_rate = 0.01' c.json >t.json
expect_error "a fixed setting train-trial does not know" "t.json: fixed: lerning_rate: unknown setting (train-trial would fail every trial)" suggest --db fx.db --config t.json
jq '.fixed.snr_low = 30' c.json >t.json
expect_error "a fixed snr_low above the default snr_high" "t.json: fixed.snr_low: 30 is above snr_high 20 (train-trial would fail every trial)" suggest --db fx.db --config t.json
jq '.fixed.snr_low = 30 | .space.snr_high = {"type": "float", "low": 25, "high": 40}' c.json >t.json
test_expect_success "... beside a searched snr_high that can be above it: a trial can train, taken" '
  suggest --db fx.db --config t.json >line && jq -e ".params.snr_high >= 25" line'
# a searched range reaching a value train-trial refuses whatever the others hold: suggest handed
# out the trials, and the sweep stopped at the first that drew it (train-trial: exit 2)
rm -f fx.db
jq '.space.dropout = {"type": "float", "low": 0, "high": 2}' c.json >t.json
expect_error "a searched range past train-trial's" "t.json: space.dropout: its high end: params.dropout: 2: must be in \[0, 1\] (train-trial would refuse every trial that draws it)" suggest --db fx.db --config t.json
test_expect_success "... no study made" '[ ! -e fx.db ]'
jq '.space.batch_size = {"type": "int", "low": 0, "high": 64}' c.json >t.json
expect_error "... its low end" "t.json: space.batch_size: its low end: params.batch_size: expected 1..65536, got 0" suggest --db fx.db --config t.json
jq '.space.optimizer = {"type": "categorical", "choices": ["sgd", "sgdd"]}' c.json >t.json
expect_error "... a choice" "t.json: space.optimizer: its choice 1: params.optimizer: unknown value 'sgdd'" suggest --db fx.db --config t.json
jq '.space.snr_low = {"type": "float", "low": 0, "high": 20} | .space.snr_high = {"type": "float", "low": 10, "high": 30}' c.json >t.json
test_expect_success "... ranges refused only together (snr_low above snr_high at some draws): taken" '
  suggest --db fx.db --config t.json >line && jq -e ".params.snr_low >= 0" line'
jq '.space = {"x": {"type": "float", "low": -5, "high": 5}} | del(.fixed)' c.json >t.json
test_expect_success "... a parameter train-trial does not know (one's own trainer): taken" '
  suggest --db own.db --config t.json >line && jq -e ".params.x >= -5" line'
# a range past the largest double: every value drawn was 1e308 or -1e308
jq '.space.dropout = {"type": "float", "low": -1e308, "high": 1e308}' c.json >t.json
expect_error "a float range past the largest double" "t.json: space.dropout: high - low must be within the largest double" suggest --db s.db --config t.json
jq '.space.channels.choices = [16, 32]' c.json >t.json
expect_error "choices on an int" "t.json: space.channels.choices: not a key of an int parameter" suggest --db s.db --config t.json
jq '.space.momentum.when = {"nothing": ["x"]}' c.json >t.json
expect_error "condition on an unknown parameter" "space.momentum.when: 'nothing' must be a parameter defined before" suggest --db s.db --config t.json
jq '.sampler.name = "grid"' c.json >t.json
expect_error "unknown sampler" "sampler.name: unknown sampler 'grid'" suggest --db s.db --config t.json
jq '.budget.epochs = [[5, 3], [2, 4]]' c.json >t.json
expect_error "bad epoch schedule" "budget.epochs\[1\]" suggest --db s.db --config t.json
jq '.learning_rat = 1' c.json >t.json
expect_error "unknown top-level key" "unknown key 'learning_rat'" suggest --db s.db --config t.json
expect_error "missing config file" "nope.json: cannot read" suggest --db s.db --config nope.json
expect_error "missing database directory" "no/such/dir/s.db: directory 'no/such/dir' does not exist" suggest --db no/such/dir/s.db --config c.json
expect_error "tell on a database that does not exist" "x.db: no such study database" tell --db x.db --study kws --trial 0 --state fail
echo "not a database at all, just some text that is long enough to look like a header........" >junk.db
expect_error "a file that is not a database" "junk.db" report --db junk.db
suggest --db s.db --config c.json --n 2 >/dev/null
cp s.db ro.db && chmod 444 ro.db
if [ "$(id -u)" = 0 ]; then
  # root writes through file modes; make the directory's files immutable another way
  mkdir rodir && cp s.db rodir/ro.db && chmod 444 rodir/ro.db
  if command -v chattr >/dev/null && chattr +i rodir/ro.db 2>/dev/null; then
    expect_error "read-only database" "read-only" suggest --db rodir/ro.db --config c.json
    chattr -i rodir/ro.db
  else
    test_skip "read-only database" "running as root without chattr: file modes do not stop root"
  fi
else
  expect_error "read-only database" "read-only" suggest --db ro.db --config c.json
fi
expect_error "unknown study" "unknown study 'nope'" tell --db s.db --study nope --trial 0 --state fail
expect_error "unknown trial number" "tell: s.db: study 'kws': unknown trial 42$" tell --db s.db --study kws --trial 42 --state fail
expect_error "step that is not an integer" "--step: expected an integer" prune-check --db s.db --study kws --trial 0 --step 1.5 --value 0.3
# an integer past 64 bits was "expected an integer, got '9223372036854775808'": it is one, out of range
expect_error "step past 2^63 - 1 is out of range, not 'not an integer'" "^prune-check: --step: expected an integer in \[0, 9223372036854775807\], got 9223372036854775808$" prune-check --db s.db --study kws --trial 0 --step 9223372036854775808 --value 0.3
expect_error "trial number past 64 bits, the same" "^tell: --trial: expected an integer in \[0, 2147483647\], got 99999999999999999999$" tell --db s.db --study kws --trial 99999999999999999999 --state fail
expect_error "value that is not a number" "--value: expected a number, got 'abc'" prune-check --db s.db --study kws --trial 0 --step 1 --value abc
expect_error "tell value that is not a number" "--value: expected a number" tell --db s.db --study kws --trial 0 --state complete --value 1x
expect_error "complete without a value" "needs --value" tell --db s.db --study kws --trial 0 --state complete
expect_error "unknown state" "--state: expected complete, pruned or fail" tell --db s.db --study kws --trial 0 --state done
expect_error "fail with a value (Optuna refuses one too)" "--state fail takes no --value" tell --db s.db --study kws --trial 0 --state fail --value 0.3
# Text that goes into the study as JSON must be UTF-8: refused before anything changes (a crash, once)
expect_error "a reason that is not UTF-8" "--reason: expected UTF-8 text" tell --db s.db --study kws --trial 0 --state complete --value 0.5 --reason $'bad\xff'
expect_error "a tag that is not UTF-8" "--tag: expected UTF-8 text" suggest --db s.db --config c.json --tag $'t\xff'
# an empty tag (an unset variable) tagged every such trial alike: --unless-done took any finished
# one for the target's, made no trial and exited 1
expect_error "an empty tag" "^suggest: --tag: empty: expected a tag that names the trial's target (its file)$" suggest --db s.db --config c.json --tag '' --unless-done
expect_error "a study name to create that is not UTF-8" "--to-study: expected UTF-8 text" study-copy --from s.db --to c2.db --to-study $'x\xfe'
# study-copy names its own options (it said "--db", which it has not) and creates no study
# without a name (an empty --to-study made one)
expect_error "study-copy: an empty --from" "^study-copy: --from: empty path" study-copy --from "" --to c2.db
expect_error "study-copy: an empty --to" "^study-copy: --to: empty path" study-copy --from s.db --to ""
expect_error "study-copy: an empty --to-study" "--to-study: expected a name of 1 to 512 characters" study-copy --from s.db --to c3.db --to-study ""
test_expect_success "... nothing created" '[ ! -e c2.db ] && [ ! -e c3.db ]'
# study-copy names the side that failed, --from or --to, with the URL as given: "s.db: ..." did
# not say which of two files was meant (the same file as both, or the same mistake on either).
expect_error "study-copy: a missing --from is named" "^study-copy: --from sqlite:///nope.db: no such study database$" \
  study-copy --from sqlite:///nope.db --to c2.db
expect_error "study-copy: a --to in no directory is named" "^study-copy: --to no/dir/c.db: directory 'no/dir' does not exist$" \
  study-copy --from s.db --to no/dir/c.db
expect_error "study-copy: junk as --from is named" "^study-copy: --from junk.db: " study-copy --from junk.db --to c2.db
expect_error "study-copy: junk as --to is named" "^study-copy: --to junk.db: " study-copy --from s.db --to junk.db
expect_error "study-copy: the study already in --to is named" "^study-copy: --to sqlite:///s.db: a study named 'kws' exists already$" \
  study-copy --from s.db --to sqlite:///s.db
expect_error "study-copy: an unsupported --to URL is named" "^study-copy: --to mysql://h/d: unsupported database URL" \
  study-copy --from s.db --to mysql://h/d
# sqlite:/// with nothing after it names no file: it said "--db: empty path", an option study-copy has not
expect_error "study-copy: --from sqlite:/// is an empty path" "^study-copy: --from: empty path after 'sqlite:///'" \
  study-copy --from sqlite:/// --to c2.db
expect_error "study-copy: --to sqlite:/// is an empty path" "^study-copy: --to: empty path after 'sqlite:///'" \
  study-copy --from s.db --to sqlite:///
test_expect_success "... nothing created" '[ ! -e c2.db ] && [ ! -e no ]'
# An unknown study is refused before --to is opened: the copy left a new, empty study file behind.
expect_error "study-copy: an unknown --study" "^study-copy: --from s.db: unknown study 'nope'$" \
  study-copy --from s.db --to c4.db --study nope
test_expect_success "... creates no --to file" '[ ! -e c4.db ] && [ ! -e c4.db-wal ]'
# Without --study a source of no study, or of several, says so as every tool's --study does: it
# said "holds 0 studies: choose one with --study" of a file with none, and named no study of several.
cp s.db none.db && sqlite3 none.db "DELETE FROM study_directions; DELETE FROM study_user_attributes;
  DELETE FROM study_system_attributes; DELETE FROM studies"
expect_error "study-copy: a source of no study" "^study-copy: --from none.db: holds no study$" study-copy --from none.db --to c5.db
study-copy --from s.db --to two.db >/dev/null && study-copy --from s.db --to two.db --to-study other >/dev/null
expect_error "study-copy: a source of several studies names them" \
  '^study-copy: --from two.db: holds several studies \["kws","other"\]: choose one with --study$' study-copy --from two.db --to c5.db
test_expect_success "... creates no --to file" '[ ! -e c5.db ]'
# An empty path names the option (it said ": cannot read: unable to open : No such file ...",
# naming neither file nor option), as --db and study-copy's --from do (train-trial's --features
# and --ckpt-dir: t0701, where the trial they were given fails)
suggest --db e.db --config c.json >e.line
expect_error "suggest: an empty --config" "^suggest: --config: empty path" suggest --db s.db --config ""
expect_error "suggest: an empty --fixed" "^suggest: --fixed: empty path" suggest --db s.db --config c.json --fixed ""
expect_error "suggest: an empty --enqueue" "^suggest: --enqueue: empty path" suggest --db s.db --config c.json --enqueue ""
expect_error "featurize: an empty --config" "^featurize: --config: empty path" featurize --config "" --out x.feat .
expect_error "featurize: an empty INPUT" "^featurize: INPUT: empty path" featurize --out x.feat ""
expect_error "featurize: an empty --describe" "^featurize: --describe: empty path" featurize --describe ""
expect_error "featurize: an empty --dump" "^featurize: --dump: empty path" featurize --dump "" --clip 0
expect_error "train-trial: an empty --evaluate" "^train-trial: --evaluate: empty path" train-trial --features x.feat --evaluate ""
expect_error "train-trial: an empty TRIAL_FILE" "^train-trial: TRIAL_FILE: empty path" train-trial --db e.db --features x.feat ""
expect_error "train-trial --evaluate: an empty --features" "^train-trial: --features: empty path" train-trial --evaluate x.ckpt --features ""
expect_error "train-trial --probe-batch: an empty --features" "^train-trial: --features: empty path" train-trial --probe-batch --db e.db --features "" e.line
test_expect_success "... nothing made, the trial still RUNNING" '[ ! -e x.feat ] && [ "$(sqlite3 e.db "SELECT state FROM trials")" = RUNNING ]'
cp s.db nullcfg.db
sqlite3 nullcfg.db "UPDATE study_system_attributes SET value_json = NULL WHERE key = 'wakesweep:config'"
expect_error "a stored config damaged to NULL" "key 'wakesweep:config': value_json: no JSON text (NULL)" suggest --db nullcfg.db --config c.json
mkdir cdir
: >empty.db
expect_error "an empty file as the study, to a tool that writes" "empty.db: an empty file, not a study database" tell --db empty.db --study kws --trial 0 --state fail
test_expect_success "... left empty, with no -wal or -shm beside it" '[ ! -s empty.db ] && ! ls empty.db-* >/dev/null 2>&1'
expect_error "a directory as the config" "cdir: is a directory, expected a JSON file" suggest --db s.db --config cdir
# White space around a number: strtol/strtod skipped it in front (" 2" was 2) but not behind
# ("2 " refused); both are refused now, naming the option. WS_DB_RETRY_S was read with a bare
# strtod: " 0" and hex "0x1" were taken (then exit 3, the server unreachable).
expect_error "suggest: --n ' 2' (white space in front)" "^suggest: --n: expected an integer, got ' 2'" suggest --db s.db --config c.json --n " 2"
expect_error "suggest: --n '2 ' (white space behind)" "^suggest: --n: expected an integer, got '2 '" suggest --db s.db --config c.json --n "2 "
expect_error "tell: --value ' 0.5'" "^tell: --value: expected a number, got ' 0.5'" tell --db s.db --study kws --trial 0 --state complete --value " 0.5"
expect_error "WS_DB_RETRY_S ' 0'" "WS_DB_RETRY_S: expected a number, got ' 0'" env WS_DB_RETRY_S=" 0" tell --db postgresql://127.0.0.1:1/x --study kws --trial 0 --state fail
expect_error "WS_DB_RETRY_S hexadecimal" "WS_DB_RETRY_S: expected a number, got '0x1'" env WS_DB_RETRY_S=0x1 tell --db postgresql://127.0.0.1:1/x --study kws --trial 0 --state fail
# A directory as the trial line said "cannot read" with no reason; as --enqueue it queued
# nothing, with exit 0 (getline's read error was taken for the end of the file)
expect_error "a directory as train-trial's TRIAL_FILE" "^train-trial: cdir: cannot read: Is a directory" train-trial --db s.db --features x.feat --device cpu cdir
expect_error "a directory as train-trial's stdin" "^train-trial: stdin: cannot read: Is a directory" sh -c 'exec train-trial --db s.db --features x.feat --device cpu - <cdir'
expect_error "a directory as --enqueue" "^suggest: cdir: cannot read: Is a directory" suggest --db s.db --config c.json --enqueue cdir
expect_error "a directory as --fixed" "^suggest: cdir: is a directory, expected a JSON file" suggest --db s.db --config c.json --fixed cdir
expect_error "unknown option" "unknown option" suggest --db s.db --config c.json --bogus
expect_error "report format" "--format: expected" report --db s.db --format xml
# A name from the command line with a newline or an escape sequence in it made the message two
# lines or reached the terminal (ESC [2J cleared it): every tool's messages show control
# characters (and bytes that are not UTF-8) as \xNN, on one line.
one_line_shown() {  # NAME SHOWN COMMAND...: exit 2, stderr one line holding SHOWN (and a usage error's
                    # "Try ..."), no ESC byte
  local name=$1 shown=$2; shift 2
  local rc=0
  "$@" >out 2>err || rc=$?
  if [ "$rc" = 2 ] && [ "$(grep -vc "^Try '" err)" = 1 ] && grep -qF -- "$shown" err && ! grep -q "$(printf '\033')" err; then echo "ok $name"
  else echo "FAIL $name: exit $rc, stderr: $(od -c err | head -5 | tr '\n' ' ') (wanted one line with $shown)"; fi
}
bad=$'a\e[2Jb\nc'
one_line_shown "report: an unknown --study with ESC and a newline" "unknown study 'a\x1b[2Jb\x0ac'" report --db s.db --study "$bad"
one_line_shown "tell: the same" "unknown study 'a\x1b[2Jb\x0ac'" tell --db s.db --study "$bad" --trial 0 --state fail
one_line_shown "prune-check: the same" "unknown study 'a\x1b[2Jb\x0ac'" prune-check --db s.db --study "$bad" --trial 0 --step 1 --value 0.5
one_line_shown "suggest: a --config path with them" "a\x1b[2Jb\x0ac: cannot read" suggest --db s.db --config "$bad"
one_line_shown "gpu-monitor: an unexpected argument with them (a usage error)" "unexpected argument 'a\x1b[2Jb\x0ac'" gpu-monitor "$bad"
one_line_shown "report: a --format with a byte that is not UTF-8" "got 'x\xe9'" report --db s.db --format $'x\xe9'
test_expect_success "the study is unharmed" '[ "$(sqlite3 s.db "PRAGMA integrity_check")" = ok ] && [ "$(sqlite3 s.db "SELECT count(*) FROM trials")" = 2 ]'
