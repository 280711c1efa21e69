#!/usr/bin/env bash
# A study file of one byte that is no database (`echo > s.db`: a newline): SQLite reports a
# 1-byte file's size as 0 (os_unix.c's unixFileSize, ticket #3260: a byte it writes itself into
# a new file on some file systems) and takes it for an empty database, so suggest made a study
# over it, tell and report switched it to WAL mode (4096 bytes written) before saying it held no
# study; files of 2 bytes or more were refused. Every tool now refuses any non-empty file that
# does not begin with SQLite's header (exit 2, naming it) and leaves it as it was; only a missing
# or empty file is made into a study. The reference for "not a database": file(1)'s magic.
. "$WS_ROOT/tests/cli/lib.sh"
cp "$WS_ROOT/tests/cli/study.json" c.json
suggest --db ok.db --config c.json >/dev/null || exit 1
test_expect_success "(file(1) takes a study file made by suggest for SQLite's)" 'file -b ok.db | grep -q "^SQLite 3.x database"'
printf '\n' >nl.db
printf 'x' >x.db
printf 'SQLite format 3' >short.db   # the header's text without its NUL: 15 bytes
printf 'not a database, some text\n%.0s' $(seq 200) >text.db
for f in nl x short text; do
  cp $f.db $f.orig
  test_expect_success "(file(1): $f.db, $(wc -c <$f.db) bytes, is no SQLite database)" "! file -b $f.db | grep -q SQLite"
  for tool in "suggest --db $f.db --config c.json" "report --db $f.db" \
              "tell --db $f.db --study kws --trial 0 --state fail" \
              "prune-check --db $f.db --study kws --trial 0 --step 0 --value 0.7" \
              "train-trial --db $f.db --study kws --result-of x" \
              "gpu-monitor --nvml-library /nonexistent -q -n 1 --db $f.db" \
              "study-copy --from $f.db --to copy-$f.db" "study-copy --from ok.db --to $f.db"; do
    cp $f.orig $f.db; rm -f $f.db-* copy-$f.db   # each tool on the file as it was
    test_expect_code 2 "${tool%% *} refuses $f.db ($(wc -c <$f.orig) bytes, no database): ${tool#* }" $tool
    test_expect_success "... naming it, left as it was, nothing beside it" "
      grep -q '$f.db: file is not a database' err && cmp -s $f.db $f.orig && ! ls $f.db-* copy-$f.db >/dev/null 2>&1"
  done
done
# Only a missing or an empty file is made a study
: >empty.db
test_expect_code 0 "suggest makes a study in an empty file" suggest --db empty.db --config c.json
test_expect_code 0 "... and in a missing one" suggest --db new.db --config c.json
test_expect_success "... both now SQLite's, as file(1) says" 'file -b empty.db | grep -q "^SQLite 3.x database" && file -b new.db | grep -q "^SQLite 3.x database"'
