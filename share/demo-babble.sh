#!/usr/bin/env bash
# demo-babble.sh — helper of make-demo-corpus.sh: a babble-like noise file, six espeak-ng voices
# reading random word lists at once, mixed and low-passed by sox.
# Usage: demo-babble.sh OUT.wav SECONDS SEED TMPDIR
set -euo pipefail
out=$1 secs=$2 seed=$3 tmp=$4
words="the of and a to in is you that it he was for are as with his they be at one have this from
or had by hot word but what some we can out other were all there when your how said an each she
which do their time if will way about many then them write would like so these her long make thing
see him two has look more day could come did number sound most people over know water than call
first who may side been now find any new work part take get place made live where after back little
only round man year came show every good me give our under name very through just form sentence
great think say help low line differ turn cause much mean before move right boy old too same tell
set three want air well also play small end put home read hand port large spell add even land here
must big high such follow act why ask men change went light kind need house picture try us again
animal point mother world near build self earth father head stand own page should country found
answer school grow study still learn plant cover food sun four between state keep eye never last
let thought city tree cross farm hard start might story saw far sea draw late run while press close
night real life few north open seem together next white children begin got walk example ease paper"
n_words=$((secs * 3 + 10))
voices=(en-us+m1 en+f2 en-gb-x-rp+m4 en-us+f4 en-029+m7 en-gb-scotland+f1)
mix=()
for i in 0 1 2 3 4 5; do
  text=$(awk -v s="$seed" -v i="$i" -v n="$n_words" -v w="$words" 'BEGIN {
    st = (s * 7919 + i * 104729 + 17) % 2147483646 + 1; m = split(w, ws, /[ \n]+/)
    for (k = 0; k < n; k++) { st = (st * 48271) % 2147483647; printf "%s%s", ws[int(st / 2147483647 * m) + 1], (k % 9 == 8) ? ". " : " " } }')
  espeak-ng -v "${voices[$i]}" -s $((150 + i * 8)) -p $((30 + i * 9)) -w "$tmp/babble$i.wav" "$text"
  mix+=("$tmp/babble$i.wav")
done
sox -R -V1 -m "${mix[@]}" -r 16000 -b 16 -c 1 "$out" lowpass 3500 pad 0 "$secs" trim 0 "$secs" norm -15
