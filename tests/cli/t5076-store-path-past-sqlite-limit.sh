#!/usr/bin/env bash
# A study file whose name, made absolute, is longer than SQLite opens (504 bytes: the unix VFS's
# 512 less the "-journal" its pager names beside it): suggest said only "open: unable to open
# database file" (exit 2) and left the file it had made to test the folder, empty, which every
# later tool then called "an empty file, not a study database". Now refused before anything is
# made, naming the length and the limit; 504 bytes still opens.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
# path_of LEN: a file name of LEN bytes made absolute, under folders of 199 bytes made here
path_of() {
  local p=$PWD/ rest=$(($1 - ${#PWD} - 4))
  while [ "$rest" -gt 200 ]; do p=$p$(printf "%0199d" 0)/; rest=$((rest - 200)); done
  mkdir -p "$p"
  printf '%s%s.db' "$p" "$(printf "%0${rest}d" 0)"
}
long=$(path_of 505) fits=$(path_of 504)
test_expect_success "the paths are 505 and 504 bytes" '[ ${#long} = 505 ] && [ ${#fits} = 504 ]'
test_expect_code 2 "suggest at 505 bytes: exit 2" suggest --db "$long" --config c.json
test_expect_success "... the length and the limit named" 'grep -q "\.db: a path of 505 bytes made absolute, longer than the 504 SQLite opens" err'
test_expect_success "... no file left" '[ ! -e "$long" ]'
test_expect_code 0 "suggest at 504 bytes: a study" suggest --db "$fits" --config c.json
test_expect_success "... a trial line" '[ "$(jq -r .study out)" = "$(jq -r .study c.json)" ]'
# relative, from a folder deep enough: the absolute name is what counts
(cd "$(dirname "$long")" && suggest --db "$(basename "$long")" --config "$OLDPWD/c.json" >../rel.out 2>../rel.err; echo $? >../rel.rc)
test_expect_success "a relative name whose absolute one is 505 bytes: exit 2, the same message" '
  [ "$(cat "$(dirname "$long")/../rel.rc")" = 2 ] && grep -q "a path of 505 bytes made absolute" "$(dirname "$long")/../rel.err"'
# a study file there already (moved down by a rename of its folder): a reader says the same
mkdir -p short && suggest --db short/s.db --config c.json >/dev/null
dir=$(dirname "$long")
moved=$dir/$(printf "%0$((505 - ${#dir} - 6))d" 1)   # moved/s.db: 505 bytes
mv short "$moved"
test_expect_success "the moved study is 505 bytes" '[ ${#moved} = $((505 - 5)) ] && [ -s "$moved/s.db" ]'
test_expect_code 2 "report on it: exit 2" report --db "$moved/s.db"
test_expect_success "... the length named" 'grep -q "s\.db: a path of 505 bytes made absolute, longer than the 504" err'
