/* sqlite_wal.h — putting a connection to a study file in WAL mode, for the store's writers and
 * gpu-monitor, which both open one file that may be new, at once, from several processes; what
 * both say when the file cannot be written or made; and whether the file was moved from under
 * them. */
#ifndef WS_STORE_SQLITE_WAL_H
#define WS_STORE_SQLITE_WAL_H
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <sqlite3.h>
#include "core/err.h"

/* PRAGMA journal_mode=WAL and synchronous=NORMAL on db, waiting up to timeout_ms while another
 * process holds the file, or until *stop (NULL: none; a signal's flag) is set; an SQLite result
 * code.
 * WAL: readers never block the writer and commits don't wait for readers; NORMAL synchronous is
 * durable across process crashes and avoids an fsync per commit. Switching a new file (journal
 * mode delete) to WAL reads its header under a shared lock, then writes it: two processes that
 * open a new study file at once (the first trials of a make -j2 sweep, and their gpu-monitor)
 * may each hold the shared lock and wait for the other's, and SQLite breaks that deadlock by
 * answering one of them SQLITE_BUSY at once, without calling the busy handler ("database is
 * locked", and the trial command failed). That one tries again after a short random sleep. */
int ws_sqlite_set_wal(sqlite3 *db, int timeout_ms, const volatile sig_atomic_t *stop);
/* SQLite opens a file it may not write (its mode, a read-only mount) read-only, and switching it
 * to WAL then failed as "unable to open database file" (no -shm can be made beside a WAL-mode
 * file) or "attempt to write a readonly database", or, where the folder may be written, made a
 * -wal and -shm of this user's that the file's owner could not use: ws_sqlite_set_wal answers
 * SQLITE_READONLY at once for such a connection, and this says it: "the database is read-only", with why (errno's text, as access(2)
 * gives it) where the system says, into buf. Returns buf. */
const char *ws_sqlite_readonly_msg(const char *path, char *buf, size_t n);
/* What a failed SQLite call's result code (extended or primary) says of the study file: one it
 * cannot open, that is no database (NOTADB), damaged (CORRUPT: cut short by a copy or a full disk)
 * or read-only is bad input (exit 2); out of memory; anything else internal (exit 3). The study
 * tools and gpu-monitor read the codes alike. */
ws_errkind ws_sqlite_error_kind(int rc);
/* sqlite3_errmsg(db), and for an I/O error why, as the system said it: SQLite's "disk I/O
 * error" alone is all it says when a full disk stops it from making the -shm or -wal of a file
 * (ENOSPC; "database or disk is full" only once they exist). Into buf; returns buf. */
const char *ws_sqlite_errmsg(sqlite3 *db, char *buf, size_t n);
/* The errno behind db's last I/O error (0: none known, or the error is not an I/O error). SQLite
 * keeps it (sqlite3_system_errno) for a file it could not open or map, but not for a write that
 * failed: "disk I/O error" alone where the study's WAL or journal, or a new study file, went past
 * a file size limit (ulimit -f: EFBIG). The unix VFS keeps that one on the file it was written to
 * (SQLITE_FCNTL_LAST_ERRNO): asked of the database file, then of its WAL or journal. */
int ws_sqlite_io_errno(sqlite3 *db);
/* Why a study file that is not there cannot be made (a read-only mount, a folder the user may
 * not write, a disk with no inode left): an errno; 0 when path exists or was made (empty, as
 * SQLite would make it). SQLite says only "unable to open database file". A full disk is an
 * internal error, the rest bad input (ws_errno_kind). */
int ws_sqlite_create_errno(const char *path);
/* What path names when it is there but is no file a study can be kept in: "is a directory", or
 * "is not a regular file" (a FIFO, a device such as /dev/null: SQLite opens one and then fails
 * with "disk I/O error (Illegal seek)", an internal error, having made PATH-journal beside it,
 * or reads a FIFO as an empty file). NULL for a regular file (a link to one too) or no file. */
const char *ws_sqlite_not_a_file(const char *path);
/* SQLite's smallest page: a database file is empty or whole pages of at least this many bytes. */
#define WS_SQLITE_MIN_PAGE 512
/* Why path names no file a study could be kept in or made at: "not a directory: ..." for a path
 * that goes on after a file ("s.db/": SQLite drops the '/' and opens s.db), "directory 'D' does
 * not exist" for a file in a folder that is not there (SQLite says only "unable to open database
 * file"), and "a link to 'T', whose directory 'D' does not exist" for a link so made; into buf.
 * NULL where path is there or may be made. */
const char *ws_sqlite_path_unusable(const char *path, char *buf, size_t n);
/* Why SQLite cannot open path, however it is: its name made absolute as SQLite makes it (links
 * and dots resolved) is longer than SQLite's pager takes (the VFS's mxPathname, 512 on unix, less
 * the 8 bytes of the "-journal" it names beside it: 504), into buf. NULL where it fits. */
const char *ws_sqlite_path_too_long(const char *path, char *buf, size_t n);
/* 1 when the path db was opened by no longer names the file open (deleted, or another renamed
 * over it: SQLite's HAS_MOVED, one stat), else 0. Writing on would store rows where no one finds
 * them, or into a WAL that the new file's next reader takes for its own; SQLite's close
 * checkpoints no moved file, so a writer empties its WAL into the old file itself before closing
 * (ws_sqlite_close, which gpu_samples_db_close reaches through the store). gpu-monitor (its --db file) and train-trial (its
 * study, at each validation and heartbeat) stop writing once it says so. */
int ws_sqlite_moved(sqlite3 *db);
/* The file db has open, as the device and inode its path names: 0 with them; 1 where the path no
 * longer names it (ws_sqlite_moved); -1 where that cannot be told for now (a stat that fails for a
 * moment, as ws_sqlite_moved takes it). For ws_sqlite_path_is, by another connection. */
int ws_sqlite_file_id(sqlite3 *db, dev_t *dev, ino_t *ino);
/* 1 when path names the file dev and ino (ws_sqlite_file_id) say, or cannot be stat'ed for now; 0
 * when it names another file, or none. A connection opened by path since that file was opened,
 * and not moved (ws_sqlite_moved) after this said 1, has that same file open: HAS_MOVED after its
 * own open cannot tell, as the path names the file it opened, whichever that is. */
int ws_sqlite_path_is(const char *path, dev_t dev, ino_t ino);

#endif
