/* best.c — best.ckpt, the weights of the study's best trial, kept beside the trials'
 * trial-N.ckpt: updated by each trial that finishes (train-trial), and by the sweep's resume,
 * which rebuilds a finished trial's result from the study without training it again
 * (train-trial --result-of --ckpt-dir). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/atomic.h"
#include "core/fdio.h"
#include "core/text.h"
#include "nn/nn.h"
#include "report/summary.h"
#include "store/store.h"
#include "study/uid.h"
#include "trainer/best.h"
#include "trainer/ckpt_claim.h"

/* what a checkpoint of another study is said to be: its study's name, then this study's */
#define OTHERS "a checkpoint of study '%.200s' (its header's trial.study), not of study '%.200s'"
/* what a trial refused for another study's checkpoints is told to do (a sweep's trial.sh rewrites
 * it to the sweep's own: another RUNS) */
#define REMEDY "give this study a folder of its own with --ckpt-dir"

/* A checkpoint opened for reading, NULL (with *why) unless it is a regular file: a FIFO put in
 * the checkpoint folder as best.ckpt or trial-N.ckpt hung fopen, in trainer_best_update, forever, and
 * with it every other trial of the study waiting on the folder's lock. */
static FILE *open_ckpt(const char *path, const char **why)
{
    struct stat st;
    int fd = ws_open_regular(path, &st, why);
    if (fd == -1) *why = strerror(errno);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd >= 0 && !f) { *why = strerror(errno); close(fd); }
    return f;
}

/* from copied to `to`, put in place only where `to` still holds the file read there (seen; st_mode
 * 0: none): 0; 1 where another was put there meanwhile (left, *now its lstat); -1 with e set. */
static int copy_file(const char *from, const char *to, const struct stat *seen, struct stat *now, ws_err *e)
{
    const char *why = NULL;
    FILE *in = open_ckpt(from, &why);
    if (!in) return ws_err_set(e, WS_EINTERNAL, "%s: cannot read: %s", from, why);
    ws_atomic a;
    if (ws_atomic_open(&a, to, e)) { fclose(in); return -1; }
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, a.f);
    int bad = ferror(in);
    fclose(in);
    if (bad) { ws_atomic_abort(&a); return ws_err_set(e, WS_EINTERNAL, "%s: read error", from); }
    return ws_atomic_commit_over(&a, seen, now, e);
}

/* 1 when the file at a and the file open on fd (read from its start, with its own offset)
 * hold the same bytes; 0 when they differ or one cannot be read. */
static int same_bytes(const char *a, int fd)
{
    const char *why;
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    FILE *fa = open_ckpt(a, &why), *fb = dup_fd >= 0 ? fdopen(dup_fd, "rb") : NULL;
    if (dup_fd >= 0 && !fb) close(dup_fd);
    int same = fa && fb && fseek(fb, 0, SEEK_SET) == 0;
    char ba[1 << 14], bb[1 << 14];
    while (same) {
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        same = na == nb && !memcmp(ba, bb, na) && !ferror(fa) && !ferror(fb);
        if (na < sizeof ba) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

/* trainer_ckpt_owner's verdict on a checkpoint's header h (NULL: none read) */
static int owner_in(const json_t *h, const char *study, char *other, size_t size)
{
    const char *name = json_string_value(json_object_get(json_object_get(h, "trial"), "study"));
    int owner = !name ? -1 : !strcmp(name, study);
    if (owner == 0 && other) snprintf(other, size, "%s", name);
    return owner;
}

int trainer_ckpt_owner(const char *path, const char *study, char *other, size_t size)
{
    ws_err e;
    json_t *h = nn_checkpoint_header(path, &e);
    int owner = owner_in(h, study, other, size);
    json_decref(h);
    return owner;
}

int trainer_ckpt_owner_fd(int fd, size_t len, const char *path, const char *study, char *other, size_t size)
{
    ws_err e;
    json_t *h = nn_checkpoint_header_fd(fd, len, path, &e);
    int owner = owner_in(h, study, other, size);
    json_decref(h);
    return owner;
}

/* The study's store as a folder's claim names it: a study file's full path (the claim is read from
 * other working directories), a server's URL as ws_store_path shows it; any bytes as JSON holds
 * them. */
static void store_shown(ws_store *store, char *buf, size_t size)
{
    char full[PATH_MAX];
    const char *path = ws_store_path(store);
    if (ws_store_url_kind(path) == WS_DB_SQLITE && realpath(ws_store_sqlite_file(path), full)) path = full;
    char *shown = ws_text_escape(path);
    snprintf(buf, size, "%s", shown ? shown : path);
    free(shown);
}

/* Where best.ckpt or the trial's own trial-N.ckpt is another study's, a trial that keeps weights
 * would write its own over them: refused before it trains. So is a folder that another study
 * claimed (another study of the same name, in another store): one claimed by none becomes this
 * study's. */
int trainer_ckpt_dir_check(ws_store *store, const ws_study *study, const char *ckpt_dir, int number,
                           trainer_takeover *took, ws_err *e)
{
    if (took) took->removed = -1;
    char path[PATH_MAX + 32], other[512], uid[STUDY_UID_LEN + 1], shown[PATH_MAX + 64];
    if (study_uid(store, study, 1, uid, e)) return -1;
    for (int own = 0; own < 2; own++) {
        if (own) snprintf(path, sizeof path, "%s/trial-%d.ckpt", ckpt_dir, number);
        else snprintf(path, sizeof path, "%s/best.ckpt", ckpt_dir);
        if (trainer_ckpt_owner(path, study->name, other, sizeof other) == 0)
            return ws_err_set(e, WS_EINPUT, "%s: " OTHERS ": " REMEDY, path, other, study->name);
    }
    store_shown(store, shown, sizeof shown);
    if (!trainer_ckpt_claim(ckpt_dir, study->name, uid, shown, took, e)) return 0;
    /* A claim that cannot be written (WS_EINTERNAL: no room, ENOSPC or EDQUOT, or a file system
     * without hard links) leaves the folder claimed by none, told by the headers' names as
     * before: on a full disk the trial's own checkpoint fails as it did, naming its file, and a
     * later trial claims the folder. Not where the claim is still another's: a takeover whose
     * new claim could not be put in place leaves the old study's, and this trial's weights,
     * whose header names the study as the old one's do, would be left in its folder (best.ckpt
     * not updated) and removed as the old study's by the next trial's takeover. */
    ws_err seen = {0};
    int own = e->kind == WS_EINTERNAL ? trainer_ckpt_claim_owner(ckpt_dir, study->name, uid, shown, &seen) : 0;
    if (own == -1 || own == 1) return 0;
    if (e->kind == WS_EINPUT) {
        size_t len = strlen(e->msg);
        snprintf(e->msg + len, sizeof e->msg - len, ": " REMEDY);
    }
    return -1;
}

/* 0 when ckpt_dir is claimed by no study but this one; -1 with e set (WS_EINPUT: whose it is, or
 * why that cannot be told) otherwise. */
static int claimed_by_other(ws_store *store, const ws_study *study, const char *ckpt_dir, ws_err *e)
{
    char uid[STUDY_UID_LEN + 1], shown[PATH_MAX + 64];
    if (study_uid(store, study, 0, uid, e)) return -1;
    store_shown(store, shown, sizeof shown);
    int own = trainer_ckpt_claim_owner(ckpt_dir, study->name, uid, shown, e);
    return own == 0 || own == -2 ? -1 : 0;
}

/* claim's verdict, 1 where another study claimed ckpt_dir or that cannot be told (claim->why),
 * looked at here where it was not yet: the study's uid and the claim, read once a trial. */
static int claim_others(ws_store *store, const ws_study *study, const char *ckpt_dir, trainer_claim_seen *claim)
{
    if (!claim->seen) {
        claim->seen = 1;
        claim->others = claimed_by_other(store, study, ckpt_dir, &claim->why) != 0;
    }
    return claim->others;
}

int trainer_best_ours(ws_store *store, const ws_study *study, const char *ckpt_dir, trainer_claim_seen *claim)
{
    char best[PATH_MAX + 16];
    snprintf(best, sizeof best, "%s/best.ckpt", ckpt_dir);
    return trainer_ckpt_owner(best, study->name, NULL, 0) == 1 && !claim_others(store, study, ckpt_dir, claim);
}

static const char *kind_of(mode_t mode)
{
    return S_ISREG(mode) ? "a regular file" : S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
           : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device"
           : S_ISSOCK(mode) ? "a socket" : S_ISLNK(mode) ? "a symbolic link" : "not a file";
}

/* best.ckpt opened for all that is read of it and decided on (whose it is, whether it holds the
 * best's weights), and for the removal of what was read (ws_atomic_remove_same), once: a look at
 * its path, then a read or unlink() of that path, would use whatever was put there between (a
 * FIFO, another program's file). O_NONBLOCK: a FIFO is not waited on. Its descriptor (*seen,
 * its fstat) where it is a regular file or a symbolic link to one; -1 where there is none to
 * read (*seen its stat where it is a regular file that cannot be read, else st_mode 0);
 * -2 where it is neither (*what saying what it is: "a FIFO", "a symbolic link to a character
 * device", "a symbolic link to nothing (dangling)"). No trial writes such a best.ckpt: it is
 * nobody's checkpoint of the study (a FIFO, a link to /dev/zero put there by hand), not the
 * study's to replace or remove as an earlier trial's. */
static int open_best(const char *path, struct stat *seen, char *what, size_t size)
{
    const char *why;
    int fd = ws_open_regular(path, seen, &why), err = errno;
    if (fd >= 0) return fd;
    struct stat l, st;
    int link = lstat(path, &l) == 0 && S_ISLNK(l.st_mode);
    const char *via = link ? "a symbolic link to " : "";
    if (fd == -2) {   /* opened, and no regular file: *seen says what it is */
        snprintf(what, size, "%s%s", via, kind_of(seen->st_mode));
        return -2;
    }
    seen->st_mode = 0;
    if (stat(path, &st) != 0) {   /* not there, or a link that leads nowhere */
        if (!link) return -1;
        snprintf(what, size, "a symbolic link to %s", err == ENOENT ? "nothing (dangling)" : strerror(err));
        return -2;
    }
    if (S_ISREG(st.st_mode)) {   /* a file that cannot be read: whose it is cannot be told (not held
                                  * open, as the others are till they are removed) */
        *seen = st;
        return -1;
    }
    snprintf(what, size, "%s%s", via, kind_of(st.st_mode));   /* a socket: open() refuses one */
    return -2;
}

/* e: best.ckpt left alone, another file (now: its lstat) having been put where the one read was */
static int swapped(const char *best, const struct stat *now, ws_err *e)
{
    return ws_err_set(e, WS_EINPUT, "left %s alone: %s was put in its place while this trial looked at it (no checkpoint "
                      "it read)", best, kind_of(now->st_mode));
}

/* best.ckpt removed where it is still the file that was read (seen: open_best's; st_mode 0 for
 * none, when nothing is removed): 0 removed; 1 left, another file having been put in its place
 * (e saying so); -1 not removed (nothing there). */
static int remove_seen(const char *best, const struct stat *seen, ws_err *e)
{
    struct stat now;
    int gone = seen->st_mode ? ws_atomic_remove_same(best, seen, &now) : -1;
    if (gone == 1) swapped(best, &now, e);
    return gone;
}

/* Not through a symbolic link (O_NOFOLLOW): one there, to a path elsewhere, had every trial make
 * the file it leads to, or wait on the lock of another program's. Not left open across exec
 * (O_CLOEXEC): a child would hold the lock on. Only a regular file, as the descriptor opened
 * shows it (fstat, no look at the path before or after that another could change between): a
 * FIFO put there was opened at once (Linux opens one read-write without waiting; O_NONBLOCK
 * keeps any other open from waiting on it) and locked, trials ordering themselves on a pipe no
 * trial made. */
int trainer_best_lock(const char *ckpt_dir, char *lock, size_t size, const char **why)
{
    snprintf(lock, size, "%s/" TRAINER_BEST_LOCK, ckpt_dir);
    int fd = open(lock, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        close(fd);
        *why = S_ISFIFO(st.st_mode) ? "is a FIFO, not a regular file (the lock is a file of the folder's own)"
               : S_ISCHR(st.st_mode) ? "is a character device, not a regular file (the lock is a file of the folder's own)"
               : "is not a regular file (the lock is a file of the folder's own)";
        return -1;
    }
    if (fd >= 0 && !flock(fd, LOCK_EX)) return fd;
    /* why, before close() or lstat() can change errno: a folder of that name, a file not ours
     * to write, a file system without locks, a link each want another remedy */
    int err = errno;
    if (fd >= 0) close(fd);
    else if (err == ELOOP && lstat(lock, &st) == 0 && S_ISLNK(st.st_mode)) {
        *why = "is a symbolic link (not followed: the lock is a file of the folder's own)";
        return -1;
    }
    *why = strerror(err);
    return -1;
}

/* best.ckpt becomes the weights of the study's best trial. A lock file orders trials finishing
 * together, so a worse trial never overwrites a better one's weights. The best may be another
 * trial whose weights never reached best.ckpt: its process was killed between finishing the
 * trial and this copy (waiting here on another's lock, say), or the copy failed. Nothing later
 * would copy them (only the best trial's own process did), and best.ckpt stayed an older
 * trial's for good; so when best.ckpt is not that trial's trial-N.ckpt, it is copied here. */
int trainer_best_update(ws_store *store, const ws_study *study, const char *ckpt_dir, int number, const char *own_ckpt,
                        trainer_claim_seen *claim, ws_err *e)
{
    trainer_claim_seen here = {0};
    if (!claim) claim = &here;
    char lock[PATH_MAX + 16], best[PATH_MAX + 16];
    const char *why;
    snprintf(best, sizeof best, "%s/best.ckpt", ckpt_dir);
    int fd = trainer_best_lock(ckpt_dir, lock, sizeof lock, &why);
    if (fd < 0) return ws_err_set(e, WS_EINTERNAL, "%s: cannot lock: %s", lock, why);
    ws_trial_list l = {0};
    ws_summary s = {0};
    int rc = ws_store_trials_load(store, study, WS_LOAD_ATTRS, &l, e)
             || ws_summary_build(&s, study->name, study->direction, &l, e);
    /* a row of the study that cannot be read (edited by hand): the trial is stored, and the
     * warning said only what the row was, after a trial that exits 0; best.ckpt is not looked
     * at, and may hold another trial's weights than the best's now: said so */
    if (rc) ws_err_prefix(e, "left %s as it was (the study could not be read to find its best trial)", best);
    /* the weights best.ckpt must hold: this trial's when it is the best (it has some: it is
     * COMPLETE, and those end with a validation), or the best trial's trial-N.ckpt when best.ckpt
     * does not hold it yet */
    const char *from = NULL;
    char other[PATH_MAX + 32], name[512], what[128];
    int ours = !rc && s.best && s.best->number == number;
    struct stat seen = {0};
    int bfd = rc ? -1 : open_best(best, &seen, what, sizeof what), odd = bfd == -2;
    int owner = bfd < 0 ? -1 : trainer_ckpt_owner_fd(bfd, (size_t)seen.st_size, best, study->name, name, sizeof name);
    if (odd) {
        /* not a checkpoint any trial wrote: the copy over it is refused (ws_atomic_open), and
         * it was then removed as an earlier trial's; the trial's result is not touched */
        rc = ws_err_set(e, WS_EINPUT, "left %s alone: it is %s, not a regular file (no checkpoint of this study's)",
                        best, what);
    } else if (owner == 0) {
        /* Another study's (study files share their folder, and so the checkpoints' by default):
         * not this study's to replace or remove. A trial that keeps weights is refused before
         * training where it is there (trainer_ckpt_dir_check); it came meanwhile, or this is
         * --result-of --ckpt-dir. */
        rc = ws_err_set(e, WS_EINPUT, "left %s alone: " OTHERS, best, name, study->name);
    } else if (!rc && claim_others(store, study, ckpt_dir, claim)) {
        /* a folder another study claimed (one of the same name in another store): none of its
         * checkpoints is this study's to replace, remove or copy */
        rc = ws_err_set(e, claim->why.kind, "left %s alone: %s", best, claim->why.msg);
    } else if (ours && own_ckpt) from = own_ckpt;
    else if (!rc && s.best) {
        /* this trial kept none (--keep none): a trial-N.ckpt of its number there is not its own;
         * nor is one of another study, which holds none of the best's weights */
        snprintf(other, sizeof other, "%s/trial-%d.ckpt", ckpt_dir, s.best->number);
        int gone;
        if (!ours && access(other, R_OK) == 0 && trainer_ckpt_owner(other, study->name, NULL, 0) != 0) {
            if (bfd < 0 || !same_bytes(other, bfd)) from = other;
        } else if ((gone = remove_seen(best, &seen, e)) == 1) {
            rc = -1;
        } else if (gone == 0) {
            /* The best left no weights here (kept with --keep none, this trial's own included,
             * finished by tell from another trainer, its file deleted, or made on another host
             * of a PostgreSQL study): the best.ckpt there is an earlier trial's, which is not
             * the best's (one of another study's was left alone above). */
            rc = ws_err_set(e, WS_EINTERNAL, "removed %s (an earlier trial's weights): the study's best, trial %d, "
                            "left none in %s", best, s.best->number, ckpt_dir);
        }
    } else if (!rc && s.n_state[WS_COMPLETE] && owner == 1) {
        /* No best any more, trials complete (constraints given to a study once it had trials
         * leave those without their values infeasible, and maybe every trial): the best.ckpt there
         * is a trial's that is not the best, as report --best names none. A study with no trial
         * complete yet has made no best.ckpt, nor has another study (study files share their
         * folder, and so the checkpoints' by default): one whose header names no trial of this
         * study is left alone. */
        int gone = remove_seen(best, &seen, e);
        if (gone == 1) rc = -1;
        else if (gone == 0)
            rc = ws_err_set(e, WS_EINTERNAL, "removed %s (an earlier trial's weights): the study has no best trial: %s",
                            best, ws_summary_why_no_best(&s));
    }
    struct stat now;
    int put = from ? copy_file(from, best, &seen, &now, e) : 0;
    if (put == 1) rc = swapped(best, &now, e);   /* the copy not put over what came there meanwhile */
    else if (put) {
        /* The copy failed (a full disk): the best.ckpt there is an earlier trial's, no longer
         * the best's. Removed, as best.ckpt is the best trial's weights or absent (as before any
         * trial is feasible), and where those are said. */
        rc = -1;
        ws_err left;
        if (remove_seen(best, &seen, &left) == 0) {
            size_t len = strlen(e->msg);
            snprintf(e->msg + len, sizeof e->msg - len, "; removed the old best.ckpt (an earlier trial's): trial %d's "
                     "weights are %.400s", s.best->number, from);
        }
    }
    ws_summary_release(&s);
    ws_trial_list_free(&l);
    if (bfd >= 0) close(bfd);
    close(fd);
    return rc ? -1 : 0;
}

/* The sweep's resume found a trial finished before its result file was written (killed, maybe
 * between finishing and the copy above): no trial may come after it to copy the best's weights,
 * so its rebuilt result (train-trial --result-of --ckpt-dir) brings best.ckpt up to date here,
 * removing first the checkpoint temporaries of processes killed meanwhile. */
int trainer_best_sync(const char *db, const char *study, const char *ckpt_dir, ws_err *e)
{
    ws_store *s = NULL;
    ws_study st;
    if (ws_store_open(&s, db, WS_STORE_READ, e) || ws_store_study_pick(s, study, &st, NULL, e)) {
        ws_store_close(s);
        return -1;
    }
    ws_atomic_reap(ckpt_dir);
    int rc = trainer_best_update(s, &st, ckpt_dir, -1, NULL, NULL, e);
    ws_store_close(s);
    return rc;
}
