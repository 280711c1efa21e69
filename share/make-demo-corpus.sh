#!/usr/bin/env bash
# make-demo-corpus.sh — synthesizes wakesweep's demo corpus: a Speech-Commands-style tree of
# 16 kHz mono 16-bit one-second WAVs spoken by espeak-ng (many voices, variants, speeds and
# pitches; the word at a random offset and level), background-noise files made with sox, and
# validation_list.txt / testing_list.txt by Speech Commands' rule (SHA-1 of the speaker part of
# the file name). Classes: the wake word hey_nova, the confusables hey_noble hey_nora hey_over
# hey_now nova, and the commands yes no up down left right on off stop go.
#
# Usage: share/make-demo-corpus.sh [OUTDIR]        (default data/demo)
#        share/make-demo-corpus.sh --stamp         print the settings line (for make)
# Environment (defaults in brackets):
#   SEED [1]              every random choice derives from it: same SEED, same corpus
#   WAKE_CLIPS [400]      clips of hey_nova
#   CLIPS_PER_CLASS [100] clips of each other class
#   SPEAKERS [300]        synthetic speakers (voice + variant + base pitch and speed)
#   NOISE_MIN_S [30] NOISE_MAX_S [60]   length range of the noise files, seconds
#   JOBS [2]              parallel synthesis jobs
# The corpus is built beside OUTDIR and renamed into place when complete; OUTDIR/.complete holds
# the settings line. Needs espeak-ng, sox (with soxi), sha1sum, awk.
set -euo pipefail

SEED=${SEED:-1}
WAKE_CLIPS=${WAKE_CLIPS:-400}
CLIPS_PER_CLASS=${CLIPS_PER_CLASS:-100}
SPEAKERS=${SPEAKERS:-300}
NOISE_MIN_S=${NOISE_MIN_S:-30}
NOISE_MAX_S=${NOISE_MAX_S:-60}
JOBS=${JOBS:-2}
VERSION=2
stamp="demo-corpus v$VERSION seed=$SEED wake=$WAKE_CLIPS per_class=$CLIPS_PER_CLASS speakers=$SPEAKERS noise=$NOISE_MIN_S-$NOISE_MAX_S"
if [ "${1:-}" = --stamp ]; then echo "$stamp"; exit 0; fi

prog=make-demo-corpus
die() { echo "$prog: $*" >&2; exit 2; }
for n in SEED WAKE_CLIPS CLIPS_PER_CLASS SPEAKERS NOISE_MIN_S NOISE_MAX_S JOBS; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a non-negative integer, got '${!n}'"
done
[ "$SPEAKERS" -ge 1 ] && [ "$JOBS" -ge 1 ] || die "SPEAKERS and JOBS must be at least 1"
[ "$NOISE_MIN_S" -ge 1 ] && [ "$NOISE_MAX_S" -ge "$NOISE_MIN_S" ] || die "need 1 <= NOISE_MIN_S <= NOISE_MAX_S"
for t in espeak-ng sox soxi sha1sum awk xargs; do
  command -v "$t" >/dev/null || die "$t not found (Debian: apt-get install espeak-ng sox coreutils)"
done

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-data/demo}
out=${out%/}
mkdir -p "$(dirname "$out")" || die "cannot create $(dirname "$out")"
work=$(mktemp -d "$out.tmp.XXXXXX") || die "cannot create a folder beside $out"
trap 'rm -rf "$work"' EXIT
t0=$(date +%s.%N)

# --- speakers, then the plan (random numbers: a Park-Miller generator in awk, the same in every awk)
classes="hey_nova hey_noble hey_nora hey_over hey_now nova yes no up down left right on off stop go"
voices="en en-us en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029 en-us-nyc"
variants="m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 klatt klatt2 klatt3 klatt4 Alex Andy Annie Denis Gene Jacky Lee Mike Michael adam anika aunty belinda benjamin caleb david ed edward grandma grandpa iven john linda max norbert paul quincy rob robert shelby steph travis victor zac"
mkdir -p "$work/.plan/ids"
# Speakers: candidate ids in generator order, each put in a set by Speech Commands' rule (SHA-1
# of the id, which is the part of the file names before _nohash_); the first ones that fill the
# quotas (10 % validation, 10 % test, the rest train) are kept, so the split sizes do not hang on
# the luck of the draw.
awk -v seed="$SEED" -v n="$((4 * SPEAKERS + 20))" '
function rnd() { state = (state * 48271) % 2147483647; return state / 2147483647 }
BEGIN { state = (seed * 7919 + 12345) % 2147483646 + 1; for (i = 0; i < 10; i++) rnd()
  for (k = 0; k < n; k++) { do { id = sprintf("%04x%04x", int(rnd() * 65536), int(rnd() * 65536)) } while (id in used)
                            used[id] = 1; print id } }' </dev/null > "$work/.plan/candidates"
while read -r id; do printf '%s' "$id" > "$work/.plan/ids/$id"; done < "$work/.plan/candidates"
(cd "$work/.plan/ids" && sha1sum -- *) > "$work/.plan/candidate_sha1"
awk -v n_spk="$SPEAKERS" '
function hexval(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
NR == FNR { low = hexval(substr($1, 34, 7)) % 134217728; pct = low * (100.0 / 134217727)
            set[$2] = pct < 10 ? "validation" : (pct < 20 ? "test" : "train"); next }
FNR == 1 { quota["validation"] = int(n_spk * 0.1 + 0.5); quota["test"] = quota["validation"]
           quota["train"] = n_spk - 2 * quota["validation"] }
taken < n_spk && quota[set[$1]] > 0 { quota[set[$1]]--; taken++; print $1, set[$1] }
' "$work/.plan/candidate_sha1" "$work/.plan/candidates" > "$work/.plan/speakers"
[ "$(wc -l < "$work/.plan/speakers")" = "$SPEAKERS" ] || die "could not draw $SPEAKERS speakers"

# The plan: one line per clip, from a Park-Miller generator in awk (no awk-specific rand()).
awk -v seed="$SEED" -v wake="$WAKE_CLIPS" -v per="$CLIPS_PER_CLASS" -v n_spk="$SPEAKERS" \
    -v classes="$classes" -v voices="$voices" -v variants="$variants" -v dir="$work" \
    -v nmin="$NOISE_MIN_S" -v nmax="$NOISE_MAX_S" '
function rnd() { state = (state * 48271) % 2147483647; return state / 2147483647 }
function pick(n) { return int(rnd() * n) + 1 }
{ spk[NR] = $1 }
END {
  state = (seed * 104729 + 54321) % 2147483646 + 1
  for (i = 0; i < 10; i++) rnd()
  nc = split(classes, cls, " "); nv = split(voices, vo, " "); nva = split(variants, va, " ")
  for (s = 1; s <= n_spk; s++) {
    sv[s] = vo[pick(nv)]; sva[s] = va[pick(nva)]
    sp[s] = 130 + int(rnd() * 60); pi[s] = 25 + int(rnd() * 50)
  }
  for (c = 1; c <= nc; c++) {
    name = cls[c]; n = (name == "hey_nova") ? wake : per
    for (k = 0; k < n; k++) {
      s = pick(n_spk); key = name SUBSEP s
      idx = cnt[key]++
      text = name; gsub("_", " ", text)
      if (text ~ /^hey / && rnd() < 0.3) sub(/^hey /, "hey, ", text)
      speed = sp[s] + int(rnd() * 31) - 15; pitch = pi[s] + int(rnd() * 21) - 10
      if (pitch < 0) pitch = 0; if (pitch > 99) pitch = 99
      printf "%s/%s_nohash_%d.wav\t%s+%s\t%d\t%d\t%.3f\t%.1f\t%s\n", name, spk[s], idx, sv[s], sva[s], \
        speed, pitch, rnd(), -1 - rnd() * 23, text > (dir "/.plan/clips")
    }
  }
  for (i = 1; i <= 5; i++) printf "%d\n", nmin + int(rnd() * (nmax - nmin + 1)) > (dir "/.plan/noise")
}' "$work/.plan/speakers"
for c in $classes; do mkdir -p "$work/$c"; done
mkdir -p "$work/_background_noise_"

# --- noise (two background jobs) while nothing else runs yet
mapfile -t nlen < "$work/.plan/noise"
sx() { sox -R -V1 "$@"; }
(
  sx -n -r 16000 -b 16 -c 1 "$work/_background_noise_/white_noise.wav" synth "${nlen[0]}" whitenoise norm -12
  sx -n -r 16000 -b 16 -c 1 "$work/_background_noise_/pink_noise.wav" synth "${nlen[1]}" pinknoise norm -12
  sx -n -r 16000 -b 16 -c 1 "$work/_background_noise_/brown_noise.wav" synth "${nlen[2]}" brownnoise norm -12
  sx -n -r 16000 -b 16 -c 1 "$work/_background_noise_/hum.wav" synth "${nlen[3]}" sawtooth 50 lowpass 400 tremolo 0.5 15 norm -15
) &
noise_pid=$!
bash "$here/demo-babble.sh" "$work/_background_noise_/babble.wav" "${nlen[4]}" "$SEED" "$work/.plan" &
babble_pid=$!
wait "$noise_pid" || die "sox failed making the noise files"
wait "$babble_pid" || die "making babble.wav failed"

# --- clips: the plan in chunks, JOBS at a time
split -l 50 -a 4 "$work/.plan/clips" "$work/.plan/chunk."
printf '%s\0' "$work/.plan/"chunk.* | xargs -0 -P "$JOBS" -n 1 bash "$here/demo-clip.sh" "$work" \
  || die "synthesizing clips failed"

# --- the list files, from each speaker's set
awk 'NR == FNR { set[$1] = $2; next }
{ f = $1; n = split(f, parts, "/"); spk = parts[n]; sub(/_nohash_.*$/, "", spk)
  if (set[spk] == "validation") print f > V; else if (set[spk] == "test") print f > T }
' V="$work/validation_list.txt.u" T="$work/testing_list.txt.u" "$work/.plan/speakers" <(cut -f1 "$work/.plan/clips")
for l in validation_list testing_list; do
  LC_ALL=C sort "$work/$l.txt.u" 2>/dev/null > "$work/$l.txt" || : > "$work/$l.txt"
  rm -f "$work/$l.txt.u"
done

n_clips=$(find "$work" -name '*_nohash_*.wav' | wc -l)
want=$(wc -l < "$work/.plan/clips")
[ "$n_clips" = "$want" ] || die "made $n_clips clips, planned $want"
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
cat > "$work/README.txt" <<EOT
wakesweep demo corpus, synthesized by share/make-demo-corpus.sh (espeak-ng $(espeak-ng --version | awk '{print $4; exit}'), $(sox --version | awk '{print $NF}')).
Settings: $stamp
$n_clips one-second clips of 16 kHz mono 16-bit PCM in one folder per class, $(ls "$work/_background_noise_" | wc -l) noise files in _background_noise_/.
validation_list.txt ($(wc -l < "$work/validation_list.txt") clips) and testing_list.txt ($(wc -l < "$work/testing_list.txt") clips) follow Speech Commands' which_set rule (10 % / 10 %).
File names: CLASS/SPEAKER_nohash_N.wav; SPEAKER is a synthetic speaker (voice, variant, base pitch and speed).
EOT
rm -rf "$work/.plan"
echo "$stamp" > "$work/.complete"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
echo "$prog: $n_clips clips in $out ($secs s)" >&2
