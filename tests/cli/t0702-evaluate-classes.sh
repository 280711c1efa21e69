#!/usr/bin/env bash
# train-trial --evaluate on a cache whose classes differ from the checkpoint's (recordings made
# elsewhere): classes are matched by name, whatever their order; clips of a class the checkpoint
# does not know count as negatives for the wake-word metrics only and are reported as unmapped;
# a cache without the wake word gives null F1 and FRR; other feature settings still exit 2.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cli/fixtures.sh"
# (jq -e exits 0 on an empty file: each check first asks for a non-empty one.)
tone_trained
ckpt=runs/best.ckpt

# clip CLASS I LABEL: one manifest line for tones/CLASS/clipI.wav, labelled LABEL, in the test split.
clip() { printf '{"path":"%s/clip%d.wav","label":"%s","split":"test"}\n' "$1" "$2" "$3"; }
# The cache under test: hey_nova, no and yes clips under their own names, hey_nova audio under a
# class the checkpoint never saw ("stranger": the model will call some of it hey_nova, false
# positives that must count), go audio as "music". No "go" class. Classes, sorted by featurize:
# hey_nova music no stranger yes; the checkpoint's: go hey_nova no yes.
{ for i in 0 1 2 3; do clip go "$i" music; clip yes "$i" yes; done
  for i in 0 1 2 3 4 5; do clip no "$i" no; clip hey_nova "$i" hey_nova; done
  for i in 6 7 8; do clip hey_nova "$i" stranger; done; } >tones/subset.jsonl
# The reference: the same files with the checkpoint's own class list (both unknown classes
# relabelled "go", a negative the checkpoint knows), so its evaluation needs no mapping.
sed 's/"label":"\(music\|stranger\)"/"label":"go"/' tones/subset.jsonl >tones/ref.jsonl
featurize --quiet --out subset.feat tones/subset.jsonl >/dev/null
featurize --quiet --out ref.feat tones/ref.jsonl >/dev/null
test_expect_success "setup: the checkpoint trained; the subset cache has other classes in another order" '
  [ -s result ] && jq -e ".state == \"COMPLETE\"" result && [ -s $ckpt ] &&
  featurize --describe subset.feat >d && jq -e ".classes == [\"hey_nova\",\"music\",\"no\",\"stranger\",\"yes\"]" d &&
  featurize --describe ref.feat >d && jq -e ".classes == [\"go\",\"hey_nova\",\"no\",\"yes\"]" d'

# --max-fpr 0.5: this small model scores hey_nova low, and a lower limit reaches no threshold.
test_expect_code 0 "--evaluate on the reference cache (same classes as the checkpoint)" \
  train-trial --evaluate $ckpt --features ref.feat --max-fpr 0.5
cp out ref.json
test_expect_success "... no unmapped clips; some negatives scored as the wake word (the check below can bite)" '
  [ -s ref.json ] && jq -e ".clips == 23 and .unmapped_clips == 0 and .unmapped_classes == {} and .metrics.fpr > 0" ref.json'

test_expect_code 0 "--evaluate on a cache with a subset of the classes, another order and unknown classes" \
  train-trial --evaluate $ckpt --features subset.feat --max-fpr 0.5
cp out subset.json
test_expect_success "... reports the 7 clips of the unknown classes, by class" '
  [ -s subset.json ] && jq -e ".clips == 23 and .unmapped_clips == 7 and .unmapped_classes == {\"music\": 4, \"stranger\": 3}" subset.json'
# Expected wake-word metrics: counted by jq from the reference's confusion matrix (positive =
# hey_nova, index 1; every other row a negative), not by the code that maps the classes.
wake_from_confusion='.metrics.confusion as $c | ($c | map(add) | add) as $n | $c[1][1] as $tp
  | (($c[1] | add) - $tp) as $fn | (($c | map(.[1]) | add) - $tp) as $fp | ($n - $tp - $fn - $fp) as $tn
  | {f1: (2 * $tp / (2 * $tp + $fp + $fn)), fpr: ($fp / ($fp + $tn)), frr: ($fn / ($tp + $fn)), binary_accuracy: (($tp + $tn) / $n)}'
jq "$wake_from_confusion" ref.json >expected-wake.json
test_expect_success "... wake-word metrics: unknown-class clips count as negatives (F1, FPR, FRR, binary accuracy)" '
  [ -s expected-wake.json ] && [ -s subset.json ] && jq -e --slurpfile w expected-wake.json "\$w[0] as \$w | .metrics as \$m
    | [\"f1\", \"fpr\", \"frr\", \"binary_accuracy\"] | all((\$m[.] - \$w[.]) | fabs < 1e-12)" subset.json'
test_expect_success "... the operating point is the reference's (same scores, same positives and negatives)" '
  [ "$(jq -c .at_fpr subset.json)" = "$(jq -c .at_fpr ref.json)" ] && jq -e ".at_fpr.threshold | type == \"number\"" subset.json'
test_expect_success "... confusion in the checkpoint's classes: the reference's without the unknown-class clips" '
  jq -c ".metrics.confusion | .[0] |= map(0)" ref.json >expected-confusion &&
  [ "$(jq -c .metrics.confusion subset.json)" = "$(cat expected-confusion)" ] &&
  jq -e "[.metrics.confusion[][]] | add == 16" subset.json'
test_expect_success "... accuracy and per-class counts leave the unknown-class clips out" '
  [ -s subset.json ] && acc=$(jq ".[0] |= map(0) | ([range(length) as \$i | .[\$i][\$i]] | add) / (map(add) | add)" expected-confusion) &&
  jq -e --argjson a "$acc" "(.metrics.accuracy - \$a | fabs) < 1e-12" subset.json &&
  jq -e ".metrics.per_class | .go.support == 0 and .hey_nova.support == 6 and .no.support == 6 and .yes.support == 4
    and (has(\"music\") or has(\"stranger\") | not)" subset.json'
# Precision, recall and F1 from the confusion, 0 where 0/0 (scikit-learn's zero_division=0: "go"
# has no clip here), and macro_f1 their mean over all four classes, "go" too: computed by jq.
per_class_ref='.metrics.confusion as $c | ($c | length) as $k | [range($k) as $i | $c[$i][$i] as $tp
  | ([$c[][$i]] | add) as $pred | ($c[$i] | add) as $real
  | {p: (if $pred > 0 then $tp / $pred else 0 end), r: (if $real > 0 then $tp / $real else 0 end)}
  | . + {f1: (if .p + .r > 0 then 2 * .p * .r / (.p + .r) else 0 end)}]'
test_expect_success "... per-class precision, recall and F1 as scikit-learn's (0 where 0/0), macro_f1 over every class" '
  jq "$per_class_ref" subset.json >pc.json && [ -s pc.json ] && jq -e --slurpfile r pc.json "\$r[0] as \$r
    | [.metrics.per_class | to_entries[] | .value] as \$m | (\$m | length) == 4
    and ([range(4) as \$i | (\$m[\$i].precision - \$r[\$i].p | fabs) < 1e-12 and (\$m[\$i].recall - \$r[\$i].r | fabs) < 1e-12
         and (\$m[\$i].f1 - \$r[\$i].f1 | fabs) < 1e-12] | all)
    and (.metrics.macro_f1 - (\$r | map(.f1) | add / 4) | fabs) < 1e-12 and \$m[0].support == 0 and \$m[0].recall == 0" subset.json'
test_expect_success "... and train-trial(1) says so" '
  tr "\n" " " <"$WS_ROOT/share/man/man1/train-trial.1" | grep -q "is 0, as scikit-learn.s zero_division=0, and .fBmacro_f1.fR is the mean F1 over every class"'

# A cache without the wake word: F1 and FRR undefined (null), FPR still computed.
{ for i in 0 1 2 3; do clip no "$i" no; clip go "$i" music; done; } >tones/negatives.jsonl
featurize --quiet --out negatives.feat tones/negatives.jsonl >/dev/null
test_expect_code 0 "--evaluate on a cache without a clip of the positive class" \
  train-trial --evaluate $ckpt --features negatives.feat
test_expect_success "... F1 and FRR null, FPR a number, here and at the operating point" '
  [ -s out ] && jq -e ".unmapped_clips == 4 and .metrics.f1 == null and .metrics.frr == null and (.metrics.fpr | type) == \"number\"
    and .at_fpr.f1 == null and .at_fpr.frr == null and (.at_fpr.fpr | type) == \"number\"" out'

# Class names may differ; feature settings may not.
jq '.n_mels = 64' "$WS_ROOT/configs/features/default.json" >f64.json
featurize --quiet --config f64.json --out mels64.feat tones/subset.jsonl >/dev/null
test_expect_code 2 "--evaluate on a cache with other feature settings (n_mels)" \
  train-trial --evaluate $ckpt --features mels64.feat
test_expect_success "... names the cache and the difference" 'grep -q "mels64.feat: feature settings differ: n_mels: 64 in the cache, 40 wanted" err && [ ! -s out ]'
jq '.hop_length = 128' "$WS_ROOT/configs/features/default.json" >hop.json
featurize --quiet --config hop.json --out hop.feat tones/subset.jsonl >/dev/null
test_expect_code 2 "--evaluate on a cache with another hop length" train-trial --evaluate $ckpt --features hop.feat
test_expect_success "... names it" 'grep -q "hop.feat: feature settings differ: hop_length: 128 in the cache, 160 wanted" err'
