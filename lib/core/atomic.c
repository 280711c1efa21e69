/* atomic.c — temp file + rename (see atomic.h). */
#include "core/atomic.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/proc.h"

static int reap_in(const char *dir, const char *prefix);

/* The temporaries this process is writing, for the handler of a fatal signal to remove: a
 * fixed table (no allocation in the handler), a path filled in before its slot is marked used. */
enum { LIVE_MAX = 16 };
static char live_path[LIVE_MAX][PATH_MAX];
static volatile sig_atomic_t live_used[LIVE_MAX];
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

/* What SQLite keeps beside a database that is a temporary here (study-copy's new file). */
static const char *const sqlite_sides[] = {"-wal", "-shm", "-journal"};

static void on_fatal_signal(int sig)
{
    char side[PATH_MAX + 16];
    for (int i = 0; i < LIVE_MAX; i++) {
        if (!live_used[i]) continue;
        unlink(live_path[i]);
        size_t n = strlen(live_path[i]);   /* no snprintf in a handler: copied by hand */
        for (size_t k = 0; k < sizeof sqlite_sides / sizeof sqlite_sides[0]; k++) {
            memcpy(side, live_path[i], n);
            memcpy(side + n, sqlite_sides[k], strlen(sqlite_sides[k]) + 1);
            unlink(side);
        }
    }
    signal(sig, SIG_DFL);   /* then die of the signal, as the shell expects */
    raise(sig);
}

/* Only where the signal would kill the process anyway: a tool's own handler, or an ignored
 * signal (a background job's SIGINT), is left as it is. */
static void install_handlers(void)
{
    /* Every signal whose default ends the process and that comes from outside it: a kill, a
     * terminal (SIGQUIT: Ctrl-\ there), a scheduler (Slurm's --signal sends SIGUSR1 or SIGUSR2), a
     * timer, a limit (SIGXFSZ: a write past ulimit -f, where a caller has not ignored it as the
     * tools do; SIGXCPU: CPU time) or a reader gone
     * (SIGPIPE). Only SIGKILL leaves the temporary, for the next writer to remove. Faults
     * (SIGSEGV, SIGBUS, ...) are not caught: the process is in no state to run a handler. */
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
                               SIGXCPU, SIGXFSZ, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* mkstemp(tmpl) with the name made in a slot of the table, so that a fatal signal removes the
 * file from the moment it exists: made first and put in the table after, a signal that came in
 * between (a SIGTERM as the temporary appeared) killed the process and left the file. The handler
 * may meet the template or a name mkstemp is still trying: one that does not exist, or that
 * exists under this host's and process's tag (a leftover of a dead process of this pid), whose
 * removal is no loss. tmpl gets the name made. */
static int live_mkstemp(char *tmpl)
{
    pthread_once(&handlers_once, install_handlers);
    size_t n = strlen(tmpl);
    int slot = -1;
    pthread_mutex_lock(&live_lock);
    for (int i = 0; n < PATH_MAX && i < LIVE_MAX; i++)
        if (!live_used[i]) {
            memcpy(live_path[i], tmpl, n + 1);
            live_used[i] = 1;
            slot = i;
            break;
        }
    pthread_mutex_unlock(&live_lock);
    if (slot < 0) return mkstemp(tmpl);   /* no room: made as before, unguarded */
    int fd = mkstemp(live_path[slot]), why = errno;
    memcpy(tmpl, live_path[slot], n + 1);
    if (fd < 0) {
        pthread_mutex_lock(&live_lock);
        live_used[slot] = 0;
        pthread_mutex_unlock(&live_lock);
    }
    errno = why;
    return fd;
}

static void live_remove(const char *tmp)
{
    pthread_mutex_lock(&live_lock);
    for (int i = 0; i < LIVE_MAX; i++)
        if (live_used[i] && !strcmp(live_path[i], tmp)) { live_used[i] = 0; break; }
    pthread_mutex_unlock(&live_lock);
}

/* The host name as it appears in temporary names: no dots, so the name parses back. */
static void host_tag(char *out, size_t n)
{
    snprintf(out, n, "%s", ws_hostname());
    for (char *p = out; *p; p++)
        if (*p == '.' || *p == '/') *p = '_';
}

int ws_atomic_open(ws_atomic *a, const char *path, ws_err *e)
{
    memset(a, 0, sizeof *a);
    /* rename() would put the file in place of a device node or fail on a directory only at the
     * end, after all the work: refuse such a target at once */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return ws_err_set(e, WS_EINPUT, "%s: is %s, expected the path of a file to write", path,
                          S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    char dir[PATH_MAX], base[PATH_MAX], prefix[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s", path);
    snprintf(base, sizeof base, "%s", path);
    snprintf(prefix, sizeof prefix, "%s.tmp.", basename(base));
    const char *folder = dirname(dir);
    reap_in(folder, prefix);   /* what an earlier writer of this file, killed, left */
    a->path = strdup(path);
    char host[256];
    host_tag(host, sizeof host);
    if (!a->path || asprintf(&a->tmp, "%s.tmp.%s-%ld.XXXXXX", path, host, (long)getpid()) < 0) {
        free(a->path); a->path = NULL; a->tmp = NULL;
        return ws_err_set(e, WS_ENOMEM, "%s: out of memory", path);
    }
    int fd = live_mkstemp(a->tmp);
    if (fd < 0) {
        /* a full disk (no inode, no block for the folder's entry) is no fault of the input: an
         * internal error, as a write that finds the disk full (exit 3, not 2) */
        int why = errno;
        /* "No such file or directory" alone did not say which is missing: name the folder, as
         * the store does for a study file's */
        if (why == ENOENT && (stat(folder, &st) != 0 || !S_ISDIR(st.st_mode)))
            ws_err_set(e, WS_EINPUT, "%s: cannot create: directory '%s' does not exist", path, folder);
        else
            ws_err_set(e, ws_errno_kind(why), "%s: cannot create: %s", path, strerror(why));
        free(a->tmp); free(a->path); a->tmp = a->path = NULL;
        return -1;
    }
    /* mkstemp makes the file 0600; outputs get the usual 0666 less the umask */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    a->f = fdopen(fd, "w");
    if (!a->f) { close(fd); ws_atomic_abort(a); return ws_err_set(e, WS_EINTERNAL, "%s: fdopen failed", path); }
    return 0;
}

/* 1 where the file at path (followed where it is a link) is the one seen */
static int same_file(const char *path, const struct stat *seen)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_dev == seen->st_dev && st.st_ino == seen->st_ino;
}

/* Flushes, fsyncs and closes the temporary: 0, or -1 with e set and the temporary removed. */
static int written(ws_atomic *a, ws_err *e)
{
    int bad = fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0;
    int saved = errno;
    if (fclose(a->f) != 0 && !bad) { bad = 1; saved = errno; }
    a->f = NULL;
    if (!bad) return 0;
    ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", a->path, strerror(saved));
    ws_atomic_abort(a);
    return -1;
}

/* Flushes, fsyncs and closes the temporary, then puts it in place: renamed over the target, or,
 * with only_new, linked to its name where nothing has it yet (1, the temporary removed, where
 * something has). */
static int put_in_place(ws_atomic *a, int only_new, ws_err *e)
{
    if (written(a, e)) return -1;
    if ((only_new ? link(a->tmp, a->path) : rename(a->tmp, a->path)) != 0) {
        int taken = only_new && errno == EEXIST;
        if (!taken) ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", a->path, strerror(errno));
        ws_atomic_abort(a);
        return taken ? 1 : -1;
    }
    if (only_new) unlink(a->tmp);   /* the target is its other name now */
    live_remove(a->tmp);
    free(a->tmp); free(a->path);
    a->tmp = a->path = NULL;
    return 0;
}

int ws_atomic_commit(ws_atomic *a, ws_err *e) { return put_in_place(a, 0, e); }

/* link()'s errors on a file system without hard links (vfat EPERM, FUSE ENOSYS, others
 * EOPNOTSUPP) */
static int no_hard_links(int err) { return err == EPERM || err == ENOSYS || err == EOPNOTSUPP; }

/* The temporary (written) given the name where none has it: 0; 1 where one has (the temporary
 * removed, *now its lstat); -1 with e set. Linked, so that a file put there meanwhile is not
 * replaced; on a file system without hard links renamed without replacing (RENAME_NOREPLACE), or
 * where that is unknown too, renamed over whatever is there, as ws_atomic_commit does: with
 * link() alone the first best.ckpt was never made there ('cannot write: Operation not
 * permitted'), nor any later, each finding none. */
static int put_where_none(ws_atomic *a, struct stat *now, ws_err *e)
{
    int rc = link(a->tmp, a->path);
    if (rc != 0 && no_hard_links(errno)) {
        rc = renameat2(AT_FDCWD, a->tmp, AT_FDCWD, a->path, RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) rc = rename(a->tmp, a->path);
    }
    int taken = rc != 0 && errno == EEXIST;
    if (rc != 0 && !taken) ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", a->path, strerror(errno));
    if (taken && now && lstat(a->path, now) != 0) memset(now, 0, sizeof *now);
    ws_atomic_abort(a);   /* the temporary, or the target's other name (after a rename, nothing) */
    return taken ? 1 : rc != 0 ? -1 : 0;
}

int ws_atomic_commit_over(ws_atomic *a, const struct stat *seen, struct stat *now, ws_err *e)
{
    /* what the temporary holds, whole, before it is put in place */
    if (written(a, e)) return -1;
    if (!seen->st_mode) return put_where_none(a, now, e);   /* none was there */
    if (renameat2(AT_FDCWD, a->tmp, AT_FDCWD, a->path, RENAME_EXCHANGE) != 0) {
        if (errno != EINVAL && errno != ENOSYS && errno != ENOENT) {
            ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", a->path, strerror(errno));
            ws_atomic_abort(a);
            return -1;
        }
        /* no exchange on this file system (or the target gone meanwhile): renamed over it */
        if (rename(a->tmp, a->path) != 0) {
            ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", a->path, strerror(errno));
            ws_atomic_abort(a);
            return -1;
        }
    } else if (!same_file(a->tmp, seen)) {
        /* another file was put there meanwhile: back under its name, the new file at a->tmp */
        if (now && lstat(a->tmp, now) != 0) memset(now, 0, sizeof *now);
        if (renameat2(AT_FDCWD, a->tmp, AT_FDCWD, a->path, RENAME_EXCHANGE) != 0) {
            ws_err_set(e, WS_EINTERNAL, "%s: cannot put back the file found there: %s (it is %s)", a->path,
                       strerror(errno), a->tmp);
            live_remove(a->tmp);   /* the file found there, not this writer's: not removed */
            free(a->tmp); free(a->path);
            a->tmp = a->path = NULL;
            return -1;
        }
        ws_atomic_abort(a);
        return 1;
    }
    ws_atomic_abort(a);   /* the old file, now under the temporary's name (nothing, after a rename) */
    return 0;
}

int ws_atomic_commit_new(ws_atomic *a, ws_err *e) { return put_in_place(a, 1, e); }

void ws_atomic_abort(ws_atomic *a)
{
    if (a->f) fclose(a->f);
    if (a->tmp) { unlink(a->tmp); live_remove(a->tmp); }
    free(a->tmp); free(a->path);
    memset(a, 0, sizeof *a);
}

int ws_atomic_remove_same(const char *path, const struct stat *seen, struct stat *now)
{
    ws_atomic a;
    ws_err e;
    struct stat l;
    if (ws_atomic_open(&a, path, &e)) {
        /* No temporary: path is no regular file now (refused), or none can be made (a full disk,
         * a folder not ours to write): looked at, then removed, as before, for a stale
         * checkpoint is not to outlive the disk's filling up (unlink needs no room). */
        if (lstat(path, &l) != 0) return -1;   /* errno: ENOENT, nothing there */
        if (!same_file(path, seen)) {
            if (now) *now = l;
            return 1;
        }
        return unlink(path) == 0 ? 0 : -1;
    }
    if (rename(path, a.tmp) != 0) {   /* over the empty temporary: what path named is at a.tmp now */
        int err = errno;
        ws_atomic_abort(&a);
        errno = err;
        return -1;
    }
    int same = same_file(a.tmp, seen);
    if (!same) {
        if (now && lstat(a.tmp, now) != 0) memset(now, 0, sizeof *now);
        /* back under its name, not over a file put there meanwhile (kept under the temporary's
         * name then, out of the table of those a fatal signal removes); renamed back on a file
         * system without hard links */
        int keep = link(a.tmp, path) != 0 && (errno == EEXIST || rename(a.tmp, path) != 0);
        if (keep) {
            live_remove(a.tmp);
            free(a.tmp);
            a.tmp = NULL;
        }
    }
    ws_atomic_abort(&a);   /* the moved file's other name, or the file itself where it was the one seen */
    return same ? 0 : 1;
}

/* NAME.tmp.HOST-PID.XXXXXX: 1 with host and pid filled in, 0 for any other name. */
static int parse_tmp_name(const char *name, char *host, size_t hn, long long *pid)
{
    size_t len = strlen(name);
    if (len < 7 || name[len - 7] != '.') return 0;
    const char *tag = NULL;
    for (const char *p = strstr(name, ".tmp."); p && p < name + len - 7; p = strstr(p + 1, ".tmp."))
        tag = p + 5;
    if (!tag) return 0;
    const char *end = name + len - 7, *dash = NULL;
    for (const char *p = tag; p < end; p++)
        if (*p == '-') dash = p;
    if (!dash || dash == tag || (size_t)(dash - tag) >= hn) return 0;
    char *num_end;
    *pid = strtoll(dash + 1, &num_end, 10);
    if (num_end != end || *pid <= 0) return 0;
    memcpy(host, tag, (size_t)(dash - tag));
    host[dash - tag] = 0;
    return 1;
}

int ws_atomic_reap(const char *dir) { return reap_in(dir, ""); }

/* ws_atomic_reap over the names that start with prefix. */
static int reap_in(const char *dir, const char *prefix)
{
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d) return 0;
    char me[256], host[256], path[4096];
    host_tag(me, sizeof me);
    int removed = 0;
    long long pid;
    char name[NAME_MAX + 1];
    for (struct dirent *de; (de = readdir(d));) {
        /* a temporary's SQLite files (NAME.tmp.HOST-PID.XXXXXX-wal) go with it */
        snprintf(name, sizeof name, "%s", de->d_name);
        size_t len = strlen(name);
        for (size_t k = 0; k < sizeof sqlite_sides / sizeof sqlite_sides[0]; k++) {
            size_t sl = strlen(sqlite_sides[k]);
            if (len > sl && !strcmp(name + len - sl, sqlite_sides[k])) { name[len - sl] = 0; break; }
        }
        if (strncmp(name, prefix, plen) || !parse_tmp_name(name, host, sizeof host, &pid) || strcmp(host, me)
            || !ws_process_gone(pid))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (unlink(path) == 0) removed++;
    }
    closedir(d);
    return removed;
}
