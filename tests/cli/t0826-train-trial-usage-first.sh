#!/usr/bin/env bash
# train-trial: a command-line mistake (no --db, a --db naming no file, a second trial file,
# --probe-batch without --db, --evaluate with a trial file) is said alone, exit 2, before any
# device is looked at: it came after the note "training on the CPU with N threads" (nothing
# trains), after a GPU was opened, or, with --device cuda on a machine without one, as "no CUDA
# device" instead of the mistake.
# Nothing here reads a cache or a study: the mistake is found first.
. "$WS_ROOT/tests/cli/lib.sh"
echo '{"study":"kws","trial":0,"params":{}}' >line
# usage_only NAME WANT ARGS...: exit 2, stderr WANT and the --help hint, nothing else
usage_only() {
  local name=$1 want=$2; shift 2
  printf 'train-trial: %s\n%s\n' "$want" "Try 'train-trial --help' for more information." >want
  test_expect_code 2 "$name" train-trial "$@"
  test_expect_success "... says only: $want" 'cmp want err'
}
for dev in auto cuda; do
  usage_only "no --db (--device $dev)" "--db is required" --device $dev --features x.feat line
  usage_only "two trial files (--device $dev)" "unexpected argument 'line2'" --device $dev --db s.db --features x.feat line line2
  usage_only "--probe-batch without --db (--device $dev)" "--probe-batch needs --db (the study's settings)" \
    --device $dev --probe-batch --features x.feat line
  # a --db naming no file was found by the store, after the note (or, with cuda, "no CUDA device")
  usage_only "--db '' (--device $dev)" "--db: empty path" --device $dev --db '' --features x.feat line
  usage_only "--db sqlite:///:memory: (--device $dev)" \
    "--db: ':memory:', SQLite's private in-memory database, would be lost when the tool exits: give a study file (./:memory: for a file so named)" \
    --device $dev --db sqlite:///:memory: --features x.feat line
done
# no arguments at all: "--features is required" alone hid that a run needs --db too
usage_only "no arguments" "--db URL and --features CACHE are required (or --evaluate CKPT --features CACHE, or --db URL --result-of TAG)"
usage_only "a trial file alone" "--db URL and --features CACHE are required (or --evaluate CKPT --features CACHE, or --db URL --result-of TAG)" line
usage_only "--db alone" "--features is required" --db s.db line
usage_only "--evaluate alone" "--features is required" --evaluate x.ckpt
usage_only "--evaluate with a trial file" "unexpected argument 'line'" --evaluate x.ckpt --features x.feat line
test_expect_success "nothing was made" '[ ! -e s.db ]'
