/* sqlite_wal.c — WAL mode despite the deadlock of two new connections (see sqlite_wal.h). */
#include "store/sqlite_wal.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/clock.h"

int ws_sqlite_set_wal(sqlite3 *db, int timeout_ms, const volatile sig_atomic_t *stop)
{
    /* Refused before the pragma reads the file: reading a WAL-mode file makes its -wal and -shm,
     * which this user would own, with the file's mode, and leave behind, and the study's owner
     * could then no longer write the study. */
    if (sqlite3_db_readonly(db, "main") == 1) return SQLITE_READONLY;
    double t0 = ws_mono_s();
    for (;;) {
        int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL);
        if ((rc & 0xff) != SQLITE_BUSY || (ws_mono_s() - t0) * 1e3 > timeout_ms || (stop && *stop)) return rc;
        unsigned r;
        sqlite3_randomness(sizeof r, &r);
        sqlite3_sleep(5 + (int)(r % 20));   /* random: two that collided should not meet again */
    }
}

int ws_sqlite_io_errno(sqlite3 *db)
{
    if ((sqlite3_errcode(db) & 0xff) != SQLITE_IOERR) return 0;
    int why = sqlite3_system_errno(db);
    if (!why) sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &why);
    sqlite3_file *journal = NULL;
    if (!why && sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) == SQLITE_OK && journal
        && journal->pMethods)   /* NULL methods: the journal is not open */
        journal->pMethods->xFileControl(journal, SQLITE_FCNTL_LAST_ERRNO, &why);
    return why;
}

const char *ws_sqlite_errmsg(sqlite3 *db, char *buf, size_t n)
{
    int why = ws_sqlite_io_errno(db);
    snprintf(buf, n, "%s%s%s%s", sqlite3_errmsg(db), why ? " (" : "", why ? strerror(why) : "", why ? ")" : "");
    return buf;
}

const char *ws_sqlite_readonly_msg(const char *path, char *buf, size_t n)
{
    int why = access(path, W_OK) != 0 ? errno : 0;
    snprintf(buf, n, "the database is read-only%s%s%s", why ? " (" : "", why ? strerror(why) : "", why ? ")" : "");
    return buf;
}

const char *ws_sqlite_not_a_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) return NULL;
    return S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file";
}

const char *ws_sqlite_path_unusable(const char *path, char *buf, size_t n)
{
    struct stat st;
    if (stat(path, &st) == 0) return NULL;
    if (errno == ENOTDIR)
        return "not a directory: the path goes on after a file (a '/' after the file's name?), expected a study "
               "database file";
    char *copy = strdup(path);
    if (!copy) return NULL;   /* out of memory: the open that follows says what it finds */
    const char *dir = dirname(copy);
    int dir_ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (!dir_ok) snprintf(buf, n, "directory '%s' does not exist", dir);
    /* a link whose target is in a folder that is not there: SQLite follows it and says only
     * "unable to open database file"; name the link's target and its missing folder */
    char target[4096];
    ssize_t len;
    if (dir_ok && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)
        && (len = readlink(path, target, sizeof target - 1)) > 0) {
        target[len] = '\0';
        char *resolved = NULL;   /* a relative target is relative to the link's folder */
        if (target[0] == '/' || !strcmp(dir, ".") ? (resolved = strdup(target)) != NULL
                                                   : asprintf(&resolved, "%s/%s", dir, target) >= 0) {
            char *rcopy = strdup(resolved);
            const char *tdir = rcopy ? dirname(rcopy) : NULL;
            if (tdir && (stat(tdir, &st) != 0 || !S_ISDIR(st.st_mode))) {
                snprintf(buf, n, "a link to '%s', whose directory '%s' does not exist", target, tdir);
                dir_ok = 0;
            }
            free(rcopy);
            free(resolved);
        }
    }
    free(copy);
    return dir_ok ? NULL : buf;
}

const char *ws_sqlite_path_too_long(const char *path, char *buf, size_t n)
{
    sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
    int most = (vfs ? vfs->mxPathname : 512) - 8;   /* sqlite3PagerOpen: room for "-journal" */
    /* the absolute name SQLite opens: the file's own where it is there (links resolved), else its
     * folder's and its name; a folder that is not there is ws_sqlite_path_unusable's to say */
    char *full = realpath(path, NULL), *copy = NULL;
    size_t len;
    if (full) len = strlen(full);
    else {
        char *dcopy = strdup(path), *bcopy = strdup(path);
        copy = dcopy && bcopy ? realpath(dirname(dcopy), NULL) : NULL;
        len = copy ? strlen(copy) + 1 + strlen(basename(bcopy)) : 0;
        free(dcopy);
        free(bcopy);
    }
    free(full);
    free(copy);
    if (len <= (size_t)most) return NULL;
    snprintf(buf, n, "a path of %zu bytes made absolute, longer than the %d SQLite opens (its pager names the "
             "file's journal beside it, in at most %d); expected a study database at a shorter path", len, most, most + 8);
    return buf;
}

int ws_sqlite_create_errno(const char *path)
{
    if (access(path, F_OK) == 0 || errno != ENOENT) return 0;
    /* made here, empty (SQLite takes it for a new database, as the file it would make): only
     * an attempt tells a full disk (no inode left) from a folder that may be written */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) { close(fd); return 0; }
    int why = errno;
    return why == EEXIST || why == ENOENT ? 0 : why;   /* another made it; no folder: the callers say so */
}

ws_errkind ws_sqlite_error_kind(int rc)
{
    int code = rc & 0xff;
    if (code == SQLITE_READONLY || code == SQLITE_NOTADB || code == SQLITE_CANTOPEN || code == SQLITE_CORRUPT)
        return WS_EINPUT;
    return code == SQLITE_NOMEM ? WS_ENOMEM : WS_EINTERNAL;
}

/* What path names now, for the checks below: 1 with *st where it stats, 0 where it names no file
 * (ENOENT, ENOTDIR), -1 where the stat failed otherwise: one that fails for a moment with the file
 * in place (ESTALE or EACCES on NFS) says nothing of the file, and stopped a healthy trial. */
static int path_names(const char *path, struct stat *st)
{
    if (!path || !*path) return 0;
    if (stat(path, st) == 0) return 1;
    return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
}

int ws_sqlite_moved(sqlite3 *db)
{
    int moved = 0;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK || !moved) return 0;
    /* SQLite says moved when a stat of the path fails for any reason: only a path that names no
     * file is moved so; one that stats now is asked again (SQLite compares the inodes). */
    struct stat st;
    int names = path_names(sqlite3_db_filename(db, "main"), &st);
    if (names <= 0) return names == 0;
    moved = 0;
    return sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved;
}

int ws_sqlite_file_id(sqlite3 *db, dev_t *dev, ino_t *ino)
{
    struct stat st;
    int names = path_names(sqlite3_db_filename(db, "main"), &st);
    if (names == 0) return 1;
    /* the file stat'ed is the one open unless the path changed before SQLite's own stat, which
     * compares the inode of the file open with the path's */
    if (ws_sqlite_moved(db)) return 1;
    if (names < 0) return -1;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

int ws_sqlite_path_is(const char *path, dev_t dev, ino_t ino)
{
    struct stat st;
    int names = path_names(path, &st);
    return names < 0 || (names == 1 && st.st_dev == dev && st.st_ino == ino);
}
