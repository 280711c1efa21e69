#!/usr/bin/env bash
# A PostgreSQL --db where libpq cannot be loaded (libpq5 not installed: the tools load it at run
# time) is refused, exit 2, naming the URL. The URL was named whole, its password with it (the
# user part's ":secret", or ?password=), into a terminal, a make log or a job's output, where
# every other message names it without (ws_store_url_shown). Simulated as root in a mount
# namespace of its own: an empty file bound over the libpq that the loader finds.
. "$WS_ROOT/tests/cli/lib.sh"
tools="suggest tell prune-check train-trial report study-copy gpu-monitor"
libpq=$(ldconfig -p | awk '$1 == "libpq.so.5" { print $NF; exit }')
# no_libpq COMMAND...: COMMAND where libpq.so.5 is an empty file
no_libpq() { unshare -m bash -c 'mount --bind /dev/null "$0" && exec "$@"' "$libpq" "$@"; }
if [ -z "$libpq" ] || ! no_libpq bash -c '! [ -s "$0" ]' "$libpq" 2>probe.err; then
  for t in $tools; do test_skip "no-libpq-$t" "no mount namespace with libpq hidden here (unshare -m and mount need root, and ldconfig must list libpq.so.5): $(head -c 200 probe.err)"; done
  exit 0
fi
url='postgresql://me:user-part-secret@localhost:5/db?password=query-secret&sslmode=disable'
# the smallest command line of each that reaches the open of its --db
run_tool() {
  case $1 in
    suggest) no_libpq suggest --db "$url" --config "$WS_ROOT/configs/studies/kws-fast.json" -n 0 ;;
    tell) no_libpq tell --db "$url" --study s --trial 0 --state fail ;;
    prune-check) no_libpq prune-check --db "$url" --study s --trial 0 --step 0 --value 1 ;;
    train-trial) no_libpq train-trial --db "$url" --study s --result-of x ;;
    report) no_libpq report --db "$url" ;;
    study-copy) no_libpq study-copy --from "$url" --to copy.db ;;
    gpu-monitor) no_libpq gpu-monitor --db "$url" -i 0.1 -d 0.2 ;;
  esac
}
for t in $tools; do
  test_expect_code 2 "no-libpq-$t: exit 2, libpq said missing" run_tool "$t"
  test_expect_success "no-libpq-$t: ... the URL named without its password" \
    'grep -q "postgresql://me@localhost:5/db" err && grep -q "cannot load libpq" err && ! grep -q secret err'
done
