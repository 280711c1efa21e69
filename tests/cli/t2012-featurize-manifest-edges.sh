#!/usr/bin/env bash
# featurize on manifests (and folders) a user could plausibly get wrong: class names that could
# not be a class folder's (a newline, a tab or an escape sequence, a '/', '.' or '..', more than
# 255 bytes) are refused, exit 2, naming the line and the label shown on one line; names that
# could be (spaces, accents, a leading dot, exactly 255 bytes) are classes as before. A UTF-8 byte
# order mark (Windows tools write one) starting a manifest or a list file is skipped; one starting
# a later line is an error saying what it is. A noise line in split validation or test is an
# error: noise streams are training augmentation, so a held-out noise file would be trained on.
# An --out that names one of the corpus's own files (the manifest, a list file, a clip), by any
# path, or the --config settings file, is refused before any work, the file untouched. Manifest
# paths are relative to its folder.
# A file listed twice by a hard link is listed twice. Messages quoting a manifest's text (an
# unknown split, a file listed twice) show its control characters as \xNN, on one line. Keys
# featurize does not read, and class names that differ only in letter case, are named on stderr.
. "$WS_ROOT/tests/cli/lib.sh"

tone() { sox -n -r 16000 -b 16 -c 1 "$1" synth "${2:-1}" sine "${3:-440}" vol 0.2; }
mkdir -p c/yes c/no
for i in 0 1; do tone "c/yes/y${i}_nohash_0.wav" 1 $((400 + 50 * i)); tone "c/no/n${i}_nohash_0.wav" 0.8 $((900 + 50 * i)); done

# --- 1. class names: what a class folder's name can be
# label LABEL_JSON: a manifest of two clips, the first labelled LABEL_JSON (JSON string text).
label() { printf '{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n{"path": "c/yes/y0_nohash_0.wav", "label": "%s"}\n' "$1" >l.jsonl; }
long=$(printf 'a%.0s' $(seq 256))
for case in 'newline|ye\ns|ye\x0as" has a control character' 'tab|yes\t|yes\x09" has a control character' \
            'escape|\u001b[31mred|\x1b[31mred" has a control character' 'c1|yes\u0085|yes\xc2\x85" has a control character' \
            "slash|y/es|y/es\" has a '/'" "dotdot|..|..\" is '.' or '..'" \
            "long|$long|$(printf 'a%.0s' $(seq 60))... (256 bytes)\" is longer than 255 bytes"; do
  IFS='|' read -r name json says <<<"$case"
  label "$json"
  test_expect_code 2 "label-$name" featurize -q -o l.feat l.jsonl
  test_expect_success "label-$name-message" '[ "$(wc -l <err)" = 1 ] && grep -qF "featurize: l.jsonl:2: label \"$says; expected a class name of at most 255 bytes" err &&
    [ ! -e l.feat ] && ! ls l.feat.tmp.* 2>/dev/null'
done
ok255=$(printf 'b%.0s' $(seq 255))
printf '{"path": "c/no/n0_nohash_0.wav", "label": "hey nova"}\n{"path": "c/no/n1_nohash_0.wav", "label": ".hidden"}\n{"path": "c/yes/y0_nohash_0.wav", "label": "caf\\u00e9"}\n{"path": "c/yes/y1_nohash_0.wav", "label": "%s"}\n' "$ok255" >good.jsonl
test_expect_code 0 labels-that-could-be-folders featurize -q -o g.feat good.jsonl
test_expect_success labels-that-could-be-folders-kept '[ ! -s err ] && featurize --describe g.feat >d &&
  jq -e --arg b "$ok255" ".classes == [\".hidden\", \$b, \"café\", \"hey nova\"]" d >/dev/null'
# a class folder with a control character in its name (a script's "yes\r") is refused the same way
cp -r c cr && mkdir cr/yes$'\r' && tone cr/yes$'\r'/z_nohash_0.wav
test_expect_code 2 class-folder-control-char featurize -q -o cr.feat cr
test_expect_success class-folder-control-char-message '[ "$(wc -l <err)" = 1 ] &&
  grep -qF "featurize: cr/yes\x0d: the class folder'"'"'s name has a control character; expected a class name" err && [ ! -e cr.feat ]'

# --- 2. a UTF-8 byte order mark, with CRLF line ends and a blank last line, as Notepad saves them
printf '\xef\xbb\xbf{"path": "c/yes/y0_nohash_0.wav", "label": "yes", "split": "test"}\r\n{"path": "c/no/n0_nohash_0.wav", "label": "no", "split": "train"}\r\n\r\n' >bom.jsonl
test_expect_code 0 manifest-bom featurize -q -o bom.feat bom.jsonl
test_expect_success manifest-bom-read '[ ! -s err ] && jq -e ".clips == 2 and .classes.yes.test == 1 and .classes.no.train == 1" out >/dev/null'
cp -r c bomlist && printf '\xef\xbb\xbfyes/y0_nohash_0.wav\r\nno/n0_nohash_0.wav\r\n' >bomlist/validation_list.txt
test_expect_code 0 list-file-bom featurize -q -o bl.feat bomlist
# (without a testing_list.txt: its note, t2046, is all there is on stderr)
test_expect_success list-file-bom-read '[ "$(grep -cv "^featurize: bomlist/testing_list.txt: not there, while" err)" = 0 ] && jq -e ".split_rule == \"lists\" and .classes.yes.validation == 1
  and .classes.no.validation == 1 and .splits.validation == 2" out >/dev/null'
{ cat bom.jsonl; printf '\xef\xbb\xbf{"path": "c/yes/y1_nohash_0.wav", "label": "yes"}\n'; } >joined.jsonl
test_expect_code 2 manifest-bom-mid-file featurize -q -o j.feat joined.jsonl
test_expect_success manifest-bom-mid-file-message 'grep -q "^featurize: joined.jsonl:4: a UTF-8 byte order mark (EF BB BF) starts the line" err && [ ! -e j.feat ]'

# --- 3. a noise line's split: train (or training) or none; validation or test was taken as
# training noise without a word
printf '{"path": "c/yes/y0_nohash_0.wav", "label": "yes"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n{"path": "c/yes/y1_nohash_0.wav", "label": "_background_noise_", "split": "%s"}\n' test >nt.jsonl
test_expect_code 2 noise-in-test-split featurize -q -o nt.feat nt.jsonl
test_expect_success noise-in-test-split-message '[ "$(wc -l <err)" = 1 ] && [ ! -e nt.feat ] &&
  grep -qF "featurize: nt.jsonl:3: a noise file (label _background_noise_) in split '"'test'"'; expected split train or none" err'
sed 's/"test"/"validation"/' nt.jsonl >nv.jsonl
test_expect_code 2 noise-in-validation-split featurize -q -o nv.feat nv.jsonl
for split in train training null; do
  sed "s/\"test\"/$( [ $split = null ] && echo null || echo "\"$split\"")/" nt.jsonl >n-$split.jsonl
  test_expect_code 0 "noise-split-$split" featurize -q -o n-$split.feat n-$split.jsonl
  test_expect_success "noise-split-$split-is-noise" 'jq -e ".noise == 1 and .clips == 2" out >/dev/null'
done

# --- 4. --out naming the corpus's own files: the cache replaced them (a manifest given twice)
printf '{"path": "c/yes/y0_nohash_0.wav", "label": "yes"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n' >m.jsonl
cp m.jsonl m.orig && ln -s m.jsonl m-link.jsonl && cp c/no/n0_nohash_0.wav n0.orig
test_expect_code 2 out-is-the-manifest featurize -q -o m.jsonl m.jsonl
test_expect_success out-is-the-manifest-untouched 'cmp m.jsonl m.orig && [ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: m.jsonl: is the manifest being read, m.jsonl; expected a path apart from the corpus (the cache would replace it)" err &&
  ! ls m.jsonl.tmp.* 2>/dev/null'
test_expect_code 2 out-is-the-manifest-by-a-link featurize -q -o ./m-link.jsonl m.jsonl
test_expect_success out-is-the-manifest-by-a-link-untouched 'cmp m.jsonl m.orig && grep -q "is the manifest being read" err'
test_expect_code 2 out-is-a-clip featurize -q -o c/no/n0_nohash_0.wav m.jsonl
test_expect_success out-is-a-clip-untouched 'cmp c/no/n0_nohash_0.wav n0.orig &&
  grep -qF "featurize: c/no/n0_nohash_0.wav: is a clip of the corpus, ./c/no/n0_nohash_0.wav; expected" err'
cp -r c lists && printf 'yes/y0_nohash_0.wav\n' >lists/validation_list.txt && cp lists/validation_list.txt v.orig
test_expect_code 2 out-is-a-list-file featurize -q -o lists/validation_list.txt lists
test_expect_success out-is-a-list-file-untouched 'cmp lists/validation_list.txt v.orig && grep -qF "featurize: lists/validation_list.txt: is a list file of the corpus, lists/validation_list.txt;" err'
test_expect_code 0 out-inside-the-corpus-folder featurize -q -o lists/c.feat lists
test_expect_code 0 out-inside-the-corpus-folder-again featurize -q -o lists/c.feat lists

# --- 5. manifest paths are relative to the manifest's folder whatever the working directory (a
# path written relative to the working directory is not there: skipped, and said so), or absolute
mkdir -p sub && printf '{"path": "../c/yes/y0_nohash_0.wav", "label": "yes"}\n{"path": "%s/c/yes/y1_nohash_0.wav", "label": "yes"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n{"path": "../c/no/n1_nohash_0.wav", "label": "no"}\n' "$PWD" >sub/m.jsonl
test_expect_code 0 manifest-relative-paths featurize -q -o sub.feat sub/m.jsonl
test_expect_success manifest-relative-paths-read 'jq -e ".clips == 3 and .skipped == 1" out >/dev/null &&
  grep -qxF "featurize: skipped sub/c/no/n0_nohash_0.wav: cannot open: No such file or directory" err'
test_expect_success manifest-relative-paths-any-cwd '(cd sub && featurize -q -o ../sub2.feat m.jsonl >../out2 2>../err2) && jq -e ".clips == 3 and .skipped == 1" out2 >/dev/null &&
  grep -qxF "featurize: skipped ./c/no/n0_nohash_0.wav: cannot open: No such file or directory" err2'

# --- 6. a clip listed twice by a hard link (the same file, another name: realpath tells them
# apart) was taken, here once in train and once in test
ln c/yes/y1_nohash_0.wav hard.wav
printf '{"path": "c/yes/y1_nohash_0.wav", "label": "yes", "split": "train"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n{"path": "hard.wav", "label": "yes", "split": "test"}\n' >hard.jsonl
test_expect_code 2 manifest-clip-twice-hard-link featurize -q -o h.feat hard.jsonl
test_expect_success manifest-clip-twice-hard-link-message '[ ! -e h.feat ] &&
  grep -qF "is listed twice (as '"'c/yes/y1_nohash_0.wav'"' and '"'hard.wav'"')" err'
printf '{"path": "c/yes/y1_nohash_0.wav", "label": "yes"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n{"path": "hard.wav", "label": "_background_noise_"}\n' >hardnoise.jsonl
test_expect_code 2 manifest-clip-as-noise-hard-link featurize -q -o h.feat hardnoise.jsonl

# --- 7. a manifest's other messages that quote its text are one line too, control characters
# shown as \xNN: an unknown split (an escape sequence in it reached the terminal and cleared it)
# and a file listed twice (its paths as listed and its real path)
printf '{"path": "c/yes/y0_nohash_0.wav", "label": "yes", "split": "te\\u001b[2Jst"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n' >split-esc.jsonl
test_expect_code 2 manifest-unknown-split-escape featurize -q -o se.feat split-esc.jsonl
test_expect_success manifest-unknown-split-escape-message '! grep -q "$(printf "\033")" err && [ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: split-esc.jsonl:1: unknown split '"'te\x1b[2Jst'"' (expected train, validation or test; training and testing are taken too)" err && [ ! -e se.feat ]'
mkdir -p "esc$(printf '\033')dir" && cp c/yes/y1_nohash_0.wav "esc$(printf '\033')dir/a"$'\n'"b.wav"
printf '{"path": "esc\\u001bdir/a\\nb.wav", "label": "yes"}\n{"path": "c/no/n0_nohash_0.wav", "label": "no"}\n{"path": "./esc\\u001bdir/a\\nb.wav", "label": "no"}\n' >twice-esc.jsonl
test_expect_code 2 manifest-twice-escape featurize -q -o te.feat twice-esc.jsonl
test_expect_success manifest-twice-escape-message '! grep -q "$(printf "\033")" err && [ "$(wc -l <err)" = 1 ] &&
  grep -qF "featurize: twice-esc.jsonl:3: '"'$PWD/esc\x1bdir/a\x0ab.wav'"' is listed twice (as '"'esc\x1bdir/a\x0ab.wav'"' and '"'./esc\x1bdir/a\x0ab.wav'"')" err && [ ! -e te.feat ]'

# --- 8. --out naming the --config settings file (by its name or a link): the cache replaced it,
# exit 0, as it replaced a manifest given as --out (section 4)
cp "$WS_ROOT/configs/features/default.json" s.json && cp s.json s.orig && ln -s s.json s-link.json
test_expect_code 2 out-is-the-settings-file featurize -q -c s.json -o s.json m.jsonl
test_expect_success out-is-the-settings-file-untouched 'cmp s.json s.orig && [ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: s.json: is the settings file being read (--config), s.json; expected a path apart from the inputs (the cache would replace it)" err &&
  ! ls s.json.tmp.* 2>/dev/null'
test_expect_code 2 out-is-the-settings-file-by-a-link featurize -q -c s-link.json -o ./s.json m.jsonl
test_expect_success out-is-the-settings-file-by-a-link-untouched 'cmp s.json s.orig && grep -qF "is the settings file being read (--config), s-link.json;" err'

# --- 9. many classes, first seen out of name order and each named again later: class ids are in
# name order and every clip keeps its own label (the scan finds a label in a search tree, no longer
# by a pass over all classes: tests/bench/featurize/classes.sh times it)
sox -n -r 16000 -b 16 -c 1 tiny.wav synth 0.05 sine 440 vol 0.2
mkdir -p many && seq -f "many/k%g.wav" 0 119 | xargs sh -c 'tee "$@" <tiny.wav >/dev/null' sh
for i in $(seq 0 119); do printf '{"path": "many/k%d.wav", "label": "w%02d"}\n' "$i" $(((i * 37) % 60)); done >many.jsonl
test_expect_code 0 many-classes featurize -q -o many.feat many.jsonl
test_expect_success many-classes-in-name-order 'featurize --describe many.feat >d.json &&
  jq -e "[.classes[]] == ([range(60)] | map(\"w\" + (if . < 10 then \"0\" else \"\" end) + tostring))" d.json >/dev/null'
# (jq 1.6 reads "label" in {path, label} as its keyword: the keys are spelled out)
test_expect_success many-classes-each-clip-its-label 'for i in $(seq 0 119); do featurize --dump many.feat --clip $i | jq -c "[.path, .label]"; done | sort >got &&
  jq -c "[.path, .label]" many.jsonl | sort >want && [ "$(wc -l <want)" = 120 ] && cmp got want'

# --- 10. keys a manifest line has that featurize does not read are named once each on stderr
# (exit 0, the cache made): a misspelt "split" would otherwise split by the which_set rule unheard
# of. A key's control characters are shown as \xNN; at most 16 keys are named.
printf '%s\n' '{"path": "c/no/n0_nohash_0.wav", "label": "no", "Split": "test", "speaker": "a"}' \
  '{"path": "c/yes/y0_nohash_0.wav", "label": "yes", "Split": "test", "speaker": "b", "x\u001b": 1}' >keys.jsonl
test_expect_code 0 unknown-keys featurize -q -o keys.feat keys.jsonl
test_expect_success unknown-keys-named-once-each '[ "$(wc -l <err)" = 3 ] &&
  grep -qxF "featurize: keys.jsonl:1: key \"Split\" is not one featurize reads (path, label, split): ignored, on this line and every other" err &&
  grep -qF "keys.jsonl:1: key \"speaker\" is not" err && grep -qF "keys.jsonl:2: key \"x\x1b\" is not" err && [ -s keys.feat ]'
for i in $(seq 1 20); do printf '"k%d": 1, ' "$i"; done | sed 's/^/{/; s/$/"path": "c\/no\/n0_nohash_0.wav", "label": "no"}/' >keys20.jsonl
test_expect_code 0 unknown-keys-many featurize -q -o keys20.feat keys20.jsonl
test_expect_success unknown-keys-at-most-16 '[ "$(grep -c "is not one featurize reads" err)" = 16 ]'

# --- 11. class names that differ only in letter case are noted on stderr (two classes, as before):
# "Yes" beside "yes" is most likely one word labelled two ways
mkdir -p case/yes case/Yes case/no && cp c/yes/y0_nohash_0.wav case/yes/ && cp c/yes/y1_nohash_0.wav case/Yes/ && cp c/no/n0_nohash_0.wav case/no/
test_expect_code 0 case-twins-folders featurize -q -o case.feat case
test_expect_success case-twins-folders-noted '[ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: case: classes \"Yes\" and \"yes\" differ only in letter case: they are two classes" err &&
  featurize --describe case.feat | jq -e ".classes == [\"Yes\", \"no\", \"yes\"]" >/dev/null'
printf '%s\n' '{"path": "c/no/n0_nohash_0.wav", "label": "no"}' '{"path": "c/no/n1_nohash_0.wav", "label": "NO"}' \
  '{"path": "c/yes/y0_nohash_0.wav", "label": "yes"}' >case.jsonl
test_expect_code 0 case-twins-manifest featurize -q -o case2.feat case.jsonl
test_expect_success case-twins-manifest-noted '[ "$(wc -l <err)" = 1 ] && grep -qF "case.jsonl: classes \"NO\" and \"no\" differ only" err'
