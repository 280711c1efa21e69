#!/usr/bin/env bash
# pipelines/corpus-changed.sh read a manifest's paths through a process substitution,
# `mapfile < <(jq ...)`, which bash opens as /dev/fd/N: without /proc mounted (some chroots and
# minimal containers; /dev/fd is a link into it) that open failed ("/dev/fd/63: No such file or
# directory", on make's stderr), no listed clip was looked at, and a clip the manifest lists,
# replaced after the cache was made, went unseen: make features (and a sweep) kept the old cache.
# Now jq's output comes through a pipe. As t4066, /proc hidden in a mount namespace of its own.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
no_proc() { unshare -m bash -c 'mount -t tmpfs none /proc && exec "$@"' no_proc "$@"; }
cases="unchanged-no-proc changed-clip-no-proc"
if asan_built featurize; then
  for c in $cases; do test_skip "$c" "featurize is built with AddressSanitizer, whose LeakSanitizer reads /proc/PID/task at exit (a fatal error without /proc)"; done
  exit 0
fi
if ! no_proc bash -c '[ ! -e /dev/fd/0 ]' 2>probe.err; then
  for c in $cases; do test_skip "$c" "no mount namespace with /proc hidden here (unshare -m and mount need root): $(head -c 200 probe.err)"; done
  exit 0
fi
# t2016's corpus: two clips of each of four classes, and a manifest of them
mkdir -p tones
: >tones/manifest.jsonl
for cf in hey_nova:0:5:sine:700 yes:0:1:sine:2500 no:0:4:pinknoise: go:0:3:square:220; do
  IFS=: read -r c i j kind freq <<<"$cf"
  mkdir -p "tones/$c"
  sox -R -n -r 16000 -c 1 -b 16 "tones/$c/clip$i.wav" synth 0.4 $kind $freq pad 0.1 vol 0.5
  sox -R -n -r 16000 -c 1 -b 16 "tones/$c/clip$j.wav" synth 0.4 $kind $freq pad 0.3 vol 0.7
  printf '{"path":"%s","label":"%s","split":"train"}\n{"path":"%s","label":"%s","split":"validation"}\n' \
    "$c/clip$i.wav" "$c" "$c/clip$j.wav" "$c" >>tones/manifest.jsonl
done
feats() { no_proc make -s -C "$WS_ROOT" BUILD="$WS_BUILD" BIN="$WS_BIN" features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/m.feat"; }
desc() { featurize --describe "$1" | jq -r .checksum; }
ws_make features DATA="$TMP/tones/manifest.jsonl" FEATURES="$TMP/m.feat" >/dev/null 2>&1
cp -p m.feat m.before
sleep 0.05

test_expect_code 0 "unchanged-no-proc: without /proc, make features on an unchanged manifest corpus" feats
test_expect_success "... not made again, nothing said" \
  'cmp -s m.feat m.before && [ "$(stat -c %Y.%y m.feat)" = "$(stat -c %Y.%y m.before)" ] && ! grep -q "\"cache\"" out && [ ! -s err ]'
d=$(desc m.feat)
sleep 0.05
flip_byte tones/go/clip3.wav 2000
test_expect_code 0 "changed-clip-no-proc: ... after a clip the manifest lists was replaced" feats
test_expect_success "... made again (another checksum), and no /dev/fd/N to open said" \
  '[ "$(desc m.feat)" != "$d" ] && ! grep -q "/dev/fd" err'
