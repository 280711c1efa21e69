/* atomic.h — outputs written to a temporary file beside the target and renamed over it on
 * success, so a killed process never leaves a half-written result. */
#ifndef WS_CORE_ATOMIC_H
#define WS_CORE_ATOMIC_H
#include <stdio.h>
#include <sys/stat.h>
#include "core/err.h"

typedef struct {
    FILE *f;            /* write here */
    char *path;         /* final name */
    char *tmp;          /* PATH.tmp.HOST-PID.XXXXXX in the same directory (same filesystem) */
} ws_atomic;

/* Creates the temporary file. A target that exists and is not a regular file (a directory, a
 * device) is refused (WS_EINPUT). Temporaries of the same target that a killed writer on this
 * host left are removed first. Until commit or abort, every signal that would end the process and
 * comes from outside it (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM,
 * SIGPROF, SIGXCPU, SIGXFSZ, SIGPIPE; where the tool has no handler of its own and does not ignore
 * it) removes the temporary before the process dies of it. Both take the
 * temporary's SQLite files (TMP-wal, TMP-shm, TMP-journal) with it, for one that is a database. The
 * tools ignore SIGXFSZ (ws_cli_init): a write past ulimit -f fails with EFBIG, and the caller's
 * error path (commit, or abort) removes the temporary, as on a full disk. On failure e
 * names the path; a temporary that cannot be made is WS_EINPUT (a missing or read-only folder)
 * but WS_EINTERNAL where the disk is full (ENOSPC, EDQUOT). */
int ws_atomic_open(ws_atomic *a, const char *path, ws_err *e);
/* Flushes, fsyncs, closes and renames into place; on any error removes the temporary. */
int ws_atomic_commit(ws_atomic *a, ws_err *e);
/* ws_atomic_commit for a target that only the first of several writers makes: linked into place
 * where nothing has its name yet, so that of two writers at once one wins and the other learns
 * it (rename would have the last one win). 1 (the temporary removed, nothing changed) where
 * something has the name. */
int ws_atomic_commit_new(ws_atomic *a, ws_err *e);
/* ws_atomic_commit for a target the caller read (seen: fstat of its descriptor, held open; st_mode
 * 0 where there was none): put in place only where the name still holds that file (or, for none,
 * still nothing). A rename over it put the new file in place of whatever was there by then (a
 * FIFO, another program's file), removing it; so the temporary is exchanged with the target
 * (renameat2 RENAME_EXCHANGE), what it held looked at under the temporary's name, and removed, or
 * exchanged back where it is another file: 1 then (the temporary removed, nothing changed; *now
 * that file's lstat, when now is not NULL). Where the file system cannot exchange, renamed over
 * it as ws_atomic_commit does. For none: linked to the name (1 where one has it by then), or on
 * a file system without hard links renamed there without replacing one (RENAME_NOREPLACE), or
 * where it cannot tell that either, renamed as ws_atomic_commit does. */
int ws_atomic_commit_over(ws_atomic *a, const struct stat *seen, struct stat *now, ws_err *e);
/* Closes and removes the temporary (safe after a failed or successful commit). */
void ws_atomic_abort(ws_atomic *a);
/* Removes path where it is still the file *seen (fstat of a descriptor the caller opened on it,
 * through a symbolic link or not: a link to it is removed, not what it leads to). A look at path
 * and then unlink() removed whatever was put there between (a FIFO, another program's file); so
 * it is renamed aside first, under a temporary's name (which a killed process leaves for
 * ws_atomic_reap), looked at there, and removed, or, where it is another file, linked back to
 * its name (where nothing took the name meanwhile; else left under the temporary's name).
 * 0 removed; 1 left, another file being there (*now: its lstat, when now is not NULL); -1 with
 * errno set where it could not be moved (ENOENT: nothing there). The caller holds the descriptor
 * seen was read from open until this returns: a file made once that one is gone may take its
 * inode number, and be taken for it. */
int ws_atomic_remove_same(const char *path, const struct stat *seen, struct stat *now);
/* Removes the temporaries in dir that a killed process left: those whose writer ran on this
 * host and no longer exists (a live writer's file, or another host's, is never touched).
 * Returns how many were removed. */
int ws_atomic_reap(const char *dir);

#endif
