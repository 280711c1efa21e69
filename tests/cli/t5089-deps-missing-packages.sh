#!/usr/bin/env bash
# share/deps.sh (make deps) asks dpkg-query once for all its packages and finds the missing ones
# in what it prints: a package dpkg-query does not know (nothing printed, a message on its
# stderr), one removed with its config files kept ("deinstall ok config-files") and one half
# installed are missing; the others are not. Not root, it prints the apt-get command naming the
# missing ones in its own order, and exits 1; nothing missing, it exits 0 and says nothing. A
# stand-in dpkg-query (as Debian's: a line per package it knows, in the order asked) and id.
. "$WS_ROOT/tests/cli/lib.sh"
mkdir bin
cat >bin/dpkg-query <<'EOF2'
#!/usr/bin/env bash
# -W -f=FORMAT PACKAGE...: "NAME STATUS" per package, as the FORMAT "${Package} ${Status}\n" gives
echo "$*" >>"$WS_T_ARGS"
rc=0
for p in "$@"; do
  case $p in -*) continue ;; esac
  case " ${WS_T_GONE-} " in *" $p "*) echo "dpkg-query: no packages found matching $p" >&2; rc=1; continue ;; esac
  case " ${WS_T_CONF-} " in *" $p "*) echo "$p deinstall ok config-files"; continue ;; esac
  case " ${WS_T_HALF-} " in *" $p "*) echo "$p install ok half-installed"; continue ;; esac
  echo "$p install ok installed"
done
exit $rc
EOF2
printf '#!/bin/sh\necho 1000\n' >bin/id
chmod +x bin/dpkg-query bin/id
deps() { WS_T_ARGS=$TMP/dpkg-query.args PATH="$TMP/bin:$PATH" bash "$WS_ROOT/share/deps.sh"; }

WS_T_GONE="chromium jq" WS_T_CONF=sox WS_T_HALF=python3-optuna deps >miss.out 2>miss.err && drc=0 || drc=$?
test_expect_success "four missing of four kinds: exit 1, the command names them in the list's order" '
  [ "$drc" = 1 ] && [ ! -s miss.out ] && grep -qx "deps: missing Debian packages; run as root:" miss.err &&
  grep -qx "  apt-get update && apt-get install -y --no-install-recommends jq sox chromium python3-optuna" miss.err'
test_expect_success "... dpkg-query asked once, for every package" '
  [ "$(wc -l <dpkg-query.args)" = 1 ] && grep -q " jq .* chromium .* python3-optuna " dpkg-query.args'
rm -f dpkg-query.args
deps >all.out 2>all.err && drc=0 || drc=$?
test_expect_success "none missing: exit 0, nothing said" '[ "$drc" = 0 ] && [ ! -s all.out ] && [ ! -s all.err ]'
