#!/usr/bin/env bash
# featurize on what a corpus folder can hold besides audio: names that are not UTF-8 (a class
# folder: exit 2 naming it; a clip or noise file: skipped and counted; an old cache holding such a
# path: --dump says why), FIFOs (skipped, never waited on), links to nothing and folders named
# x.wav (skipped and counted), '_' folders other than _background_noise_ (classes, as torchaudio's
# SPEECHCOMMANDS has them), list files that are folders or lines without CLASS/, huge finite
# samples whose features overflow (skipped; fatal with --strict), an n_mels the FFT bins cannot
# feed, an empty --out (exit 2 before any work), and file names and list lines with control
# characters (one line each, shown as \xNN).
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"

tone() { sox -n -r 16000 -b 16 -c 1 "$1" synth "${2:-1}" sine "${3:-440}" vol 0.2; }
mkdir -p c/yes c/no c/_background_noise_
for i in 0 1; do tone "c/yes/y${i}_nohash_0.wav" 1 $((400 + 50 * i)); tone "c/no/n${i}_nohash_0.wav" 0.8 $((900 + 50 * i)); done
sox -n -r 16000 -b 16 -c 1 c/_background_noise_/white.wav synth 2 whitenoise vol 0.1

# --- 1. names that are not UTF-8
cp -r c u8
tone "u8/yes/caf"$'\xe9'"_nohash_0.wav"
cp c/_background_noise_/white.wav "u8/_background_noise_/bl"$'\xe9'".wav"
test_expect_code 0 non-utf8-file-names-skipped featurize -q -o u8.feat u8
test_expect_success non-utf8-file-names-counted 'jq -e ".clips == 4 and .skipped == 2 and .noise == 1" out >/dev/null &&
  [ "$(wc -l <err)" = 2 ] &&
  grep -qF "featurize: skipped u8/yes/caf\xe9_nohash_0.wav: the file name is not valid UTF-8" err &&
  grep -qF "featurize: skipped u8/_background_noise_/bl\xe9.wav: the file name is not valid UTF-8" err'
test_expect_success non-utf8-cache-readable 'featurize --describe u8.feat >d && jq -e ".clips == 4 and .classes == [\"no\",\"yes\"]
  and (.noise | map(.name)) == [\"white.wav\"]" d >/dev/null'
test_expect_code 2 non-utf8-strict featurize -q --strict -o u8s.feat u8
test_expect_success non-utf8-strict-message 'grep -qF "\xe9" err && grep -q "not valid UTF-8 .*(--strict)" err && [ ! -e u8s.feat ]'
cp -r c u8class
mkdir "u8class/caf"$'\xe9' && tone "u8class/caf"$'\xe9'"/a_nohash_0.wav"
test_expect_code 2 non-utf8-class-folder featurize -q -o u8c.feat u8class
test_expect_success non-utf8-class-folder-message '[ "$(wc -l <err)" = 1 ] &&
  grep -qF "featurize: u8class/caf\xe9: the class folder'"'"'s name is not valid UTF-8" err && [ ! -e u8c.feat ]'
# an output path that is not UTF-8 is written, and the summary and --describe show it escaped
test_expect_code 0 non-utf8-output-path featurize -q -o "out"$'\xe9'".feat" c
test_expect_success non-utf8-output-summary 'jq -e ".cache == \"out\\\\xe9.feat\" and .clips == 4" out >/dev/null'
test_expect_code 0 non-utf8-describe-path featurize --describe "out"$'\xe9'".feat"
test_expect_success non-utf8-describe-path-escaped 'jq -e ".path == \"out\\\\xe9.feat\"" out >/dev/null'
# a cache from before the check, with a clip path that is not UTF-8 (patched in, checksum redone)
cp -r c old && tone old/yes/cafe_nohash_0.wav
featurize -q -o old.feat old >/dev/null 2>&1
cache_edit old.feat old.feat 'raw[:] = bytes(raw).replace(b"yes/cafe_nohash_0.wav", b"yes/caf\xe9_nohash_0.wav")'
test_expect_code 0 old-cache-describe featurize --describe old.feat
test_expect_success old-cache-clip-index 'featurize --dump old.feat --clip 3 | jq -e ".path == \"yes/y0_nohash_0.wav\"" >/dev/null'
test_expect_code 2 old-cache-dump-non-utf8 featurize --dump old.feat --clip 2
test_expect_success old-cache-dump-says-why '[ ! -s out ] &&
  grep -qF "featurize: old.feat: clip 2: its path \"yes/caf\xe9_nohash_0.wav\" is not valid UTF-8" err && grep -q "run featurize again" err'

# --- 2. FIFOs are skipped as "not a regular file", never opened for a writer that never comes
mkfifo fifo.wav
printf '{"path": "c/yes/y0_nohash_0.wav", "label": "yes"}\n{"path": "fifo.wav", "label": "no"}\n' > fifo.jsonl
test_expect_code 0 fifo-in-manifest timeout 30 featurize -q -o f.feat fifo.jsonl
test_expect_success fifo-in-manifest-skipped 'jq -e ".clips == 1 and .skipped == 1" out >/dev/null &&
  grep -q "^featurize: skipped ./fifo.wav: not a regular file" err'
cp -r c fifodir && mkfifo fifodir/no/pipe.wav
test_expect_code 0 fifo-in-folder timeout 30 featurize -q -o f2.feat fifodir
test_expect_success fifo-in-folder-skipped 'jq -e ".clips == 4 and .skipped == 1" out >/dev/null &&
  grep -q "^featurize: skipped fifodir/no/pipe.wav: not a regular file" err'

# --- 3. '_' folders other than _background_noise_ are classes
cp -r c us && mkdir us/_unknown_ us/_silence_
tone us/_unknown_/u0_nohash_0.wav 1 300 && tone us/_silence_/s0_nohash_0.wav 1 200
test_expect_code 0 underscore-folders featurize -q -o us.feat us
test_expect_success underscore-folders-are-classes 'jq -e ".clips == 6 and .noise == 1 and (.classes | keys) == [\"_silence_\",\"_unknown_\",\"no\",\"yes\"]
  and .classes._unknown_.train + .classes._unknown_.validation + .classes._unknown_.test == 1" out >/dev/null && [ ! -s err ]'

# --- 4. more mels than the FFT bins can feed
echo '{"n_mels": 300}' > mel300.json
test_expect_code 0 n-mels-all-zero-filters featurize -q --config mel300.json -o m.feat c
test_expect_success n-mels-warning '[ "$(grep -c n_mels err)" = 1 ] && grep -q "^featurize: mel300.json.n_mels: 300 mel filters, [0-9]* of them all zero: n_fft 512 .* sample_rate 16000 Hz, .* f_min 20 Hz and f_max 7600 Hz" err && [ -e m.feat ]'
py_warm torchaudio   # the "$PY" runs below import torchaudio: once a run, in its server (lib.sh)
if "$PY" -c "import torchaudio" 2>/dev/null; then
  test_expect_success n-mels-count-as-torchaudio 'n=$(sed -n "s/.*filters, \([0-9]*\) of them.*/\1/p" err) && "$PY" - "$n" <<P
import sys, torchaudio
fb = torchaudio.functional.melscale_fbanks(257, 20.0, 7600.0, 300, 16000)
assert int((fb.max(dim=0).values == 0).sum()) == int(sys.argv[1]), sys.argv[1]
P'
else
  test_skip n-mels-count-as-torchaudio "torchaudio not available to $PY"
fi
echo '{"n_mels": 100}' > mel100.json
test_expect_code 0 n-mels-100-fine featurize -q --config mel100.json -o m.feat c
test_expect_success n-mels-100-no-warning "! grep -q n_mels err"

# --- 5. an empty --out is a usage error, before the corpus is read
test_expect_code 2 empty-out featurize -q --out "" u8
test_expect_success empty-out-message '[ "$(wc -l <err)" -le 2 ] && grep -q "^featurize: --out: expected the path of a file" err && ! grep -q skipped err'

# --- 6. links to nothing and folders named like audio are skipped and counted; list files
cp -r c odd && ln -s nowhere.wav odd/yes/dangling.wav && mkdir odd/no/folder.wav
test_expect_code 0 odd-entries featurize -q -o o.feat odd
test_expect_success odd-entries-counted 'jq -e ".clips == 4 and .skipped == 2" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -q "^featurize: skipped odd/yes/dangling.wav: a symbolic link to nothing" err &&
  grep -q "^featurize: skipped odd/no/folder.wav: a directory, expected an audio file" err'
cp -r c nolabel && printf 'yes\n' > nolabel/validation_list.txt
test_expect_code 2 list-line-without-class featurize -q -o l.feat nolabel
test_expect_success list-line-message 'grep -q "^featurize: nolabel/validation_list.txt:1: .yes.: expected CLASS/FILE" err &&
  ! grep -q "unknown label" err'
cp -r c listdir && mkdir listdir/validation_list.txt
test_expect_code 2 list-file-is-a-folder featurize -q -o l.feat listdir
test_expect_success list-file-is-a-folder-message 'grep -q "^featurize: listdir/validation_list.txt: is a directory, expected a text file" err && [ ! -e l.feat ]'

# --- 7. huge finite float samples: the mel power overflows to Inf, so the clip is bad audio
cp -r c huge
"$PY" - <<'P'
import math, struct
def wav(path, samples):
    data = struct.pack("<%df" % len(samples), *samples)
    fmt = struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
    open(path, "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
wav("huge/yes/big_nohash_0.wav", [1e30 * math.sin(i / 5) for i in range(16000)])
wav("huge/_background_noise_/big.wav", [1e30 * math.sin(i / 3) for i in range(32000)])
P
test_expect_code 0 huge-samples featurize -q -o h.feat huge
test_expect_success huge-samples-skipped 'jq -e ".clips == 4 and .skipped == 2 and .noise == 1" out >/dev/null &&
  grep -q "^featurize: skipped huge/yes/big_nohash_0.wav: the mel power is not finite (from frame 0): samples reach 1e+30" err &&
  grep -q "^featurize: skipped huge/_background_noise_/big.wav: the mel power is not finite" err'
test_expect_success huge-samples-cache-finite 'for i in 0 1 2 3; do featurize --dump h.feat --clip $i | jq -e "[.mel_power[][]] | all(. != null)" >/dev/null || exit 1; done'
test_expect_code 2 huge-samples-strict featurize -q --strict -o hs.feat huge
test_expect_success huge-samples-strict-message 'grep -q "is not finite.*(--strict)" err && [ ! -e hs.feat ]'

# --- 8. control characters in file names: a bad file named with a newline or a tab is still one
# line on stderr (it was two: "skipped ctl/yes/bad" and "name.wav: not audio"), the character
# shown as \xNN; a good one is a clip like any other, its name kept as it is in the cache.
cp -r c ctl && echo "not audio" >ctl/yes/bad$'\n'name.wav && echo "not audio" >ctl/no/tab$'\t'bad.wav
tone ctl/no/good$'\t'tab_nohash_0.wav
test_expect_code 0 control-chars-in-names featurize -q -o ctl.feat ctl
test_expect_success control-chars-one-line-each 'jq -e ".clips == 5 and .skipped == 2" out >/dev/null && [ "$(wc -l <err)" = 2 ] &&
  grep -qxF "featurize: skipped ctl/yes/bad\x0aname.wav: not audio (Format not recognised.)" err &&
  grep -qxF "featurize: skipped ctl/no/tab\x09bad.wav: not audio (Format not recognised.)" err'
test_expect_success control-chars-good-clip-kept 'for i in 0 1 2 3 4; do featurize --dump ctl.feat --clip $i | jq -r .path; done >paths &&
  grep -qxF "no/good	tab_nohash_0.wav" paths'
printf '{"path": "c/yes/y0_nohash_0.wav", "label": "yes"}\n{"path": "no\\nsuch.wav", "label": "no"}\n' >ctl.jsonl
test_expect_code 0 control-chars-manifest-path featurize -q -o ctlm.feat ctl.jsonl
test_expect_success control-chars-manifest-path-one-line '[ "$(wc -l <err)" = 2 ] &&
  grep -qxF "featurize: skipped ./no\x0asuch.wav: cannot open: No such file or directory" err &&
  grep -qxF "featurize: ctl.jsonl: label '"'"'no'"'"': its one clip was skipped (named above), so it is not a class" err'
test_expect_code 2 control-chars-strict featurize -q --strict -o ctls.feat ctl
test_expect_success control-chars-strict-one-line '[ "$(wc -l <err)" = 1 ] && grep -q "\\\\x0[9a].*(--strict)$" err && [ ! -e ctls.feat ]'
# list files: a line's text in a message is one line too, whatever it holds (a carriage return of
# old Mac line ends sent the cursor back over the message; an escape sequence reached the terminal)
cp -r c crlist && printf 'yes/y0_nohash_0.wav\rno/n0_nohash_0.wav\r' >crlist/validation_list.txt
test_expect_code 2 list-file-cr-line-ends featurize -q -o crl.feat crlist
test_expect_success list-file-cr-line-ends-message '[ "$(wc -l <err)" = 1 ] &&
  grep -qxF "featurize: crlist/validation_list.txt:1: no such clip '"'yes/y0_nohash_0.wav\x0dno/n0_nohash_0.wav'"'" err'
printf 'yes/y0_nohash_0.wav\n\033[2Jno/n0_nohash_0.wav\n' >crlist/validation_list.txt
test_expect_code 2 list-file-escape-sequence featurize -q -o crl.feat crlist
test_expect_success list-file-escape-sequence-message '! grep -q "$(printf "\033")" err &&
  grep -qxF "featurize: crlist/validation_list.txt:2: unknown label '"'\x1b[2Jno'"' (no such class folder)" err'

# --- 9. one file under two names in the folder (a tree of links into a pool of recordings): the
# which_set rule splits by name, so it was taken twice, here in validation as yes and in test as no
# (names whose hashes fall so); a hard link, a symbolic link, a clip linked as noise: exit 2
# naming both, no cache. Two copies (two files) and a link to a file outside the corpus are fine.
dup_case() {  # NAME: c copied to dup-NAME, then the link made by the caller
  test_expect_code 2 "folder-one-file-twice-$1" featurize -q -o "dup-$1.feat" "dup-$1"
  test_expect_success "folder-one-file-twice-$1-says-which" "[ \"\$(wc -l <err)\" = 1 ] && [ ! -e dup-$1.feat ] &&
    grep -qF \"dup-$1: '\$PWD/dup-$1/yes/y0_nohash_0.wav' is in the folder twice (as '$2' and '$3', links to one file)\" err"
}
cp -r c dup-hard && ln dup-hard/yes/y0_nohash_0.wav dup-hard/no/ffff_nohash_1.wav
dup_case hard no/ffff_nohash_1.wav yes/y0_nohash_0.wav
cp -r c dup-sym && ln -s ../yes/y0_nohash_0.wav dup-sym/no/ffff_nohash_1.wav
dup_case sym no/ffff_nohash_1.wav yes/y0_nohash_0.wav
cp -r c dup-noise && ln -s ../yes/y0_nohash_0.wav dup-noise/_background_noise_/n.wav
dup_case noise yes/y0_nohash_0.wav _background_noise_/n.wav
cp -r c dup-fine && cp c/yes/y0_nohash_0.wav dup-fine/no/ffff_nohash_1.wav && ln -s "$PWD/c/no/n0_nohash_0.wav" dup-fine/no/ext_nohash_0.wav
test_expect_code 0 folder-copies-and-outside-links-fine featurize -q -o dup-fine.feat dup-fine
test_expect_success folder-copies-and-outside-links-counted 'jq -e ".clips == 6" out >/dev/null'
