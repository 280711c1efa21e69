#!/usr/bin/env bash
# Speech Commands' which_set rule hashes re.sub(r'_nohash_.*$', '', base_name). In Python's regex
# '.' stops at a newline and '$' matches only at the end or before a final newline, so a name
# with a newline after "_nohash_" keeps its "_nohash_" part (or is cut at a later "_nohash_"), and
# a final newline stays. featurize cut at the first "_nohash_" whatever followed, so such a clip
# (names with newlines are kept as they are, t2011) could land in another split than the rule's.
# The splits are checked against the README's Python, run here.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir -p c/yes c/no
names=("x_nohash_0"$'\n'"y" "a"$'\n'"b_nohash_1" "p_nohash_"$'\n'"q_nohash_r" "speaker_nohash_0" "nl"$'\n'"_nohash_0"
       "s1_nohash_0"$'\n'"t" "s2_nohash_1"$'\n'"u" "s3_nohash_2"$'\n'"v" "s4_nohash_3"$'\n'"w" "s5_nohash_4"$'\n'"x")
i=0
for n in "${names[@]}"; do
  sox -R -n -r 16000 -b 16 -c 1 "c/yes/$n.wav" synth 0.2 sine $((300 + 20 * i)) vol 0.3
  i=$((i + 1))
done
sox -R -n -r 16000 -b 16 -c 1 c/no/n_nohash_0.wav synth 0.2 sine 900 vol 0.3
# a manifest path may end in a newline: the rule keeps it
cp c/no/n_nohash_0.wav "k_nohash_0.wav"$'\n'
cp c/no/n_nohash_0.wav "m_nohash_7.wav"$'\n'
printf '{"path": "k_nohash_0.wav\\n", "label": "no"}\n{"path": "m_nohash_7.wav\\n", "label": "yes"}\n' >m.jsonl

test_expect_code 0 "names with newlines after _nohash_" featurize -q -o c.feat c
test_expect_code 0 "... and a manifest's paths ending in one" featurize -q -o m.feat m.jsonl
test_expect_success "... are split as the README's which_set splits them" '
  for f in c m; do n=$(featurize --describe $f.feat | jq .clips) &&
    for i in $(seq 0 $((n - 1))); do featurize --dump $f.feat --clip $i | jq -c "[.path, .split]" || exit 1; done; done >ours &&
  [ "$(wc -l <ours)" = 13 ] && "$PY" - <<P
import hashlib, json, os, re
MAX_NUM_WAVS_PER_CLASS = 2**27 - 1
def which_set(filename, validation_percentage=10, testing_percentage=10):
    base_name = os.path.basename(filename)
    hash_name = re.sub(r"_nohash_.*$", "", base_name)
    hash_name_hashed = hashlib.sha1(hash_name.encode()).hexdigest()
    percentage_hash = ((int(hash_name_hashed, 16) % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS))
    if percentage_hash < validation_percentage: return "validation"
    if percentage_hash < (testing_percentage + validation_percentage): return "test"
    return "train"
bad = []
for line in open("ours"):
    path, split = json.loads(line)
    if which_set(path) != split: bad.append((path, split, which_set(path)))
assert not bad, bad
P'
