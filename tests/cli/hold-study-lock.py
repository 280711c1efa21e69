"""hold-study-lock.py DB WHEN HOLD — takes an SQLite study's write lock at a chosen moment, for the
tests of a study locked as train-trial stores a result (t0958, t0959, t0960, t4067, t4069).

Once WHEN holds, BEGIN EXCLUSIVE on DB, "held" on stdout, then COMMIT once HOLD has passed.
WHEN: file:PATH (PATH exists: the slow_join_shim's JOIN_MARK) or sql:QUERY (QUERY's first value
is true; a DB not made yet, or without its tables yet, is waited for). HOLD: seconds, or file:PATH
(until PATH exists). WHEN is waited for 60 s at most: exit 1, saying so."""
import os
import sqlite3
import sys
import time

db, when, hold = sys.argv[1:4]


def ready(conn):
    if when.startswith("file:"):
        return os.path.exists(when[5:])
    try:
        return bool(conn.execute(when[4:]).fetchone()[0])
    except sqlite3.OperationalError:   # no tables yet
        return False


conn = None
for _ in range(6000):
    if conn is None and os.path.exists(db):
        conn = sqlite3.connect(db, timeout=60, isolation_level=None)
    if conn is not None and ready(conn):
        break
    time.sleep(0.01)
else:
    sys.exit("hold-study-lock.py: %s: %s did not come within 60 s" % (db, when))
conn.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
if hold.startswith("file:"):
    while not os.path.exists(hold[5:]):
        time.sleep(0.05)
else:
    time.sleep(float(hold))
conn.execute("COMMIT")
