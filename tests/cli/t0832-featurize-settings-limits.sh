#!/usr/bin/env bash
# featurize(1) lists the feature settings that torchaudio takes and featurize refuses; it left out
# four that the settings check (lib/audio/featconf.c) refuses: an n_mels above 1024, a sample_rate
# outside 1000..384000, an f_min below 0, and an f_min equal to f_max (torchaudio refuses only
# one above it), nor did it give clip_seconds's upper end, 600 s. Each case: featurize refuses
# the setting (exit 2, naming it), torchaudio's MelSpectrogram takes it (the reference, where it
# is torchaudio's setting), and the man page names the limit; the limit itself is taken.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
make_tone_cache tones
head -1 tones/manifest.jsonl >one.jsonl   # one clip: featurize refuses a setting before any audio
sed -i 's|"path":"|"path":"tones/|' one.jsonl
man=$(sed 's/\\-/-/g; s/\\(mu/x/g; s/\\f.//g' "$WS_ROOT/share/man/man1/featurize.1" | grep -v '^\.\\"' |
  sed -E 's/^\.[A-Z]+ ?//' | tr '\n' ' ' | tr -s ' ')

# SETTINGS (past the limit) | KEY | LIMIT (taken) | the man page's words | torchaudio's keywords or -
cases=(
  '{"n_mels": 1025}|n_mels|{"n_mels": 1024}|n_mels outside 1..1024|n_mels=1025'
  '{"sample_rate": 999, "f_max": null}|sample_rate|{"sample_rate": 1000, "f_max": null}|sample_rate outside 1000..384000|sample_rate=999, f_max=None'
  '{"sample_rate": 384001, "f_max": null}|sample_rate|-|sample_rate outside 1000..384000|sample_rate=384001, f_max=None'
  '{"f_min": -1}|f_min|{"f_min": 0}|f_min below 0|f_min=-1.0'
  '{"f_min": 4000, "f_max": 4000}|f_min|{"f_min": 3999, "f_max": 4000}|f_min below 0 or not below f_max|f_min=4000.0, f_max=4000.0'
  '{"clip_seconds": 600.5}|clip_seconds|-|clip_seconds is at most 600|-'
)
need_python "torchaudio takes the settings" torch torchaudio
i=0
for c in "${cases[@]}"; do
  IFS='|' read -r bad key ok words kw <<<"$c"
  i=$((i + 1))
  echo "$bad" >bad$i.json
  test_expect_code 2 "featurize refuses $bad" featurize --quiet --config bad$i.json --out bad$i.feat one.jsonl
  test_expect_success "... naming $key" 'grep -q "\.$key: " err && [ ! -e bad$i.feat ]'
  test_expect_success "... and featurize(1) says so: \"$words\"" '[[ $man == *"$words"* ]]'
  if [ "$kw" != - ]; then
    test_expect_success "... though torchaudio's MelSpectrogram takes it ($kw)" '
      "$PY" -c "
import warnings, torch, torchaudio
warnings.simplefilter(\"ignore\")
kw = dict(sample_rate=16000, n_fft=512, win_length=400, hop_length=160, n_mels=40, f_min=20.0, f_max=7600.0)
kw.update(dict($kw))
y = torchaudio.transforms.MelSpectrogram(**kw)(torch.randn(kw[\"sample_rate\"]))
assert y.shape[0] == kw[\"n_mels\"] and y.shape[1] > 0, y.shape
"'
  fi
  if [ "$ok" != - ]; then
    echo "$ok" >ok$i.json
    test_expect_code 0 "featurize takes $ok" featurize --quiet --config ok$i.json --out ok$i.feat one.jsonl
  fi
done
