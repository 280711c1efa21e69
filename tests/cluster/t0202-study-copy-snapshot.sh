#!/usr/bin/env bash
# study-copy from PostgreSQL reads its source in one snapshot: a trial that another connection
# finishes (with a value, and a study attribute in the same transaction) while the copy reads
# is copied as it was before or after, never RUNNING with its value. The unit test
# tests/unit/test_store_copy.c does it (it finishes the trial from inside the loader), here
# with its source in a fresh PostgreSQL database.
. "$WS_ROOT/tests/cli/lib.sh"
. "$WS_ROOT/tests/cluster/db.sh"
PG=$(db_new snap) || exit 1
test_expect_success "a copy from PostgreSQL is the source as of one moment" '
  WS_TEST_COPY_SRC="$PG" "$WS_BUILD/tests/test_store_copy" >unit.out 2>&1; cat unit.out >&2
  grep -q "^ok test_copy_is_one_snapshot$" unit.out && ! grep -q "^FAIL" unit.out'
