/* ckpt_claim.c — whose a checkpoint folder is (see ckpt_claim.h). */
#include "trainer/ckpt_claim.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "core/atomic.h"
#include "core/fdio.h"
#include "core/json.h"
#include "study/uid.h"
#include "trainer/best.h"

/* what a folder of another study is said to be: the claim, its study, store and uid, then this
 * study's */
#define OTHERS "%s: the folder holds the checkpoints of study '%.200s' of %.400s (uid %s), not of study '%.200s' of %.400s (uid %s)"
/* what a folder claimed by none is said to be where a checkpoint there is another study's: the
 * checkpoint, its header's study, then this study's name, store and uid */
#define OTHERS_UNCLAIMED "%s: the folder holds the checkpoints of study '%.200s' (its header's trial.study; no " \
    TRAINER_CKPT_CLAIM " claims the folder), not of study '%.200s' of %.400s (uid %s)"

/* The claim at path: NULL with *absent 1 where there is none; NULL with e set (WS_EINPUT) where
 * it is not one. Opened as a regular file only: a FIFO there would hang the read. */
static json_t *read_claim(const char *path, int *absent, ws_err *e)
{
    struct stat st;
    const char *why = NULL;
    *absent = 0;
    int fd = ws_open_regular(path, &st, &why);
    if (fd == -1 && errno == ENOENT) { *absent = 1; return NULL; }
    if (fd < 0) {
        ws_err_set(e, WS_EINPUT, "%s: cannot read the folder's claim: %s", path, fd == -1 ? strerror(errno) : why);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) { close(fd); ws_err_set(e, WS_ENOMEM, "%s: %s", path, strerror(errno)); return NULL; }
    json_error_t je;
    json_t *c = json_loadf(f, 0, &je);
    fclose(f);
    const json_t *uid = json_object_get(c, "uid");
    if (!json_is_string(json_object_get(c, "study")) || !json_is_string(uid)
        || strlen(json_string_value(uid)) != STUDY_UID_LEN || !json_is_string(json_object_get(c, "store"))) {
        ws_err_set(e, WS_EINPUT, "%s: expected the folder's claim, {\"study\": a name, \"uid\": %d hex digits, "
                   "\"store\": a path}, got %s (written by hand or by another program?)", path, STUDY_UID_LEN,
                   c ? "another object" : je.text);
        json_decref(c);
        return NULL;
    }
    return c;
}

/* trainer_ckpt_claim_owner, and *anew 1 where the claim is that of a study of this name in this
 * store, by another uid: the study there was made anew (its file removed, as a sweep that begins
 * again removes it, or the study deleted), and the one that claimed the folder is gone from it. */
static int owner_of(const char *dir, const char *study, const char *uid, const char *store, int *anew, char *was_uid,
                    ws_err *e)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" TRAINER_CKPT_CLAIM, dir);
    int absent;
    *anew = 0;
    json_t *c = read_claim(path, &absent, e);
    if (!c) return absent ? -1 : -2;
    const char *name = json_string_value(json_object_get(c, "study")), *id = json_string_value(json_object_get(c, "uid")),
               *where = json_string_value(json_object_get(c, "store"));
    int own = !strcmp(name, study) && !strcmp(id, uid);
    if (!own) {
        *anew = !strcmp(name, study) && !strcmp(where, store);
        if (was_uid) snprintf(was_uid, STUDY_UID_LEN + 1, "%s", id);
        ws_err_set(e, WS_EINPUT, OTHERS, path, name, where, id, study, store, *uid ? uid : "none yet");
    }
    json_decref(c);
    return own;
}

int trainer_ckpt_claim_owner(const char *dir, const char *study, const char *uid, const char *store, ws_err *e)
{
    int anew;
    return owner_of(dir, study, uid, store, &anew, NULL, e);
}

/* The folder's checkpoints, by the names trials write them under (best.ckpt: number -1,
 * trial-N.ckpt: N), each given to fn with its path until fn returns non-zero, which is returned;
 * other files (the user's own, temporaries, the claim) are not looked at. 0 also where dir cannot
 * be listed: nothing is then known of its checkpoints. */
static int each_ckpt(const char *dir, int (*fn)(const char *path, long number, void *ctx), void *ctx)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    char path[PATH_MAX + NAME_MAX + 2], name[NAME_MAX + 1];
    int rc = 0;
    for (struct dirent *de; !rc && (de = readdir(d));) {
        /* trial-N.ckpt exactly as a trial names it ("%d": no sign, no leading zeros) */
        long n = -1;
        if (strcmp(de->d_name, "best.ckpt")) {
            if (strncmp(de->d_name, "trial-", 6) || de->d_name[6] < '0' || de->d_name[6] > '9') continue;
            errno = 0;
            n = strtol(de->d_name + 6, NULL, 10);
            snprintf(name, sizeof name, "trial-%ld.ckpt", n);
            if (errno || n > INT_MAX || strcmp(name, de->d_name)) continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        rc = fn(path, n, ctx);
    }
    closedir(d);
    return rc;
}

/* The lowest-numbered of a folder's checkpoints whose header names another study than study. */
typedef struct {
    const char *study;
    long number;                 /* its number; LONG_MAX while none is found */
    char path[PATH_MAX + NAME_MAX + 2], other[512];   /* its path, its study's name */
} others_ckpt;

static int find_others(const char *path, long number, void *ctx)
{
    others_ckpt *o = ctx;
    char other[sizeof o->other];
    if (number < o->number && trainer_ckpt_owner(path, o->study, other, sizeof other) == 0) {
        o->number = number;
        snprintf(o->path, sizeof o->path, "%s", path);
        memcpy(o->other, other, sizeof other);
    }
    return 0;
}

/* A folder claimed by none, written before folders were claimed, is told by its checkpoints'
 * headers: where one names another study, the folder holds that study's weights, and claiming
 * it would have that study's next trial refused there (e set, WS_EINPUT, as OTHERS_UNCLAIMED:
 * -1). Where they name this study, or none (headers from before they named the trial, damaged
 * files), 0: the folder may be claimed, as before. */
static int unclaimed_others(const char *dir, const char *study, const char *uid, const char *store, ws_err *e)
{
    others_ckpt o = {.study = study, .number = LONG_MAX};
    each_ckpt(dir, find_others, &o);
    if (o.number == LONG_MAX) return 0;
    return ws_err_set(e, WS_EINPUT, OTHERS_UNCLAIMED, o.path, o.other, study, store, uid);
}

/* The claim's temporary, written (0), to be put in place by the caller; -1 with e set. */
static int claim_open(ws_atomic *a, const char *path, const char *study, const char *uid, const char *store, ws_err *e)
{
    json_t *c = json_pack("{s:s,s:s,s:s}", "study", study, "uid", uid, "store", store);
    if (!c) return ws_err_set(e, WS_ENOMEM, "out of memory");
    int rc = ws_atomic_open(a, path, e);
    if (!rc && (json_dumpf(c, a->f, JSON_COMPACT) || fputc('\n', a->f) == EOF)) {
        ws_atomic_abort(a);
        rc = ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
    }
    json_decref(c);
    return rc;
}

/* The claim written where none is yet, as only the first of several writers makes it: 1 where
 * another made one meanwhile. */
static int claim_new(const char *path, const char *study, const char *uid, const char *store, ws_err *e)
{
    ws_atomic a;
    int rc = claim_open(&a, path, study, uid, store, e);
    return rc ? rc : ws_atomic_commit_new(&a, e);
}

/* A checkpoint of the study that claimed the folder before this one, of its name, was made anew:
 * removed (its header names the study); any other is not this trial's to remove. */
typedef struct {
    const char *study;
    int removed;   /* how many */
    ws_err *e;
} old_ckpts;

static int remove_old(const char *path, long number, void *ctx)
{
    old_ckpts *o = ctx;
    (void)number;
    /* What is removed is what was read: its header read from one descriptor (O_NONBLOCK: a FIFO
     * is not waited on, nor read), and it removed only where the file at path is still that one
     * (ws_atomic_remove_same). A read through the path, then unlink(), removed whatever was put
     * there between (a FIFO, another program's file) as the old study's checkpoint. */
    struct stat st;
    const char *why;
    int fd = ws_open_regular(path, &st, &why);
    if (fd < 0) return 0;   /* gone meanwhile, or no regular file: no checkpoint of the study */
    int own = trainer_ckpt_owner_fd(fd, (size_t)st.st_size, path, o->study, NULL, 0);
    /* held open until it is removed: its inode number is not another file's meanwhile */
    int gone = own == 1 ? ws_atomic_remove_same(path, &st, NULL) : 1;
    int err = errno;
    close(fd);
    errno = err;
    if (own != 1) return 0;
    if (gone == 0) {
        o->removed++;
        return 0;
    }
    if (gone == 1) return 0;         /* another file put in its place meanwhile: not the study's */
    if (errno == ENOENT) return 0;   /* removed meanwhile (a trial of the old study, cleaning up) */
    return ws_err_set(o->e, ws_errno_kind(errno), "%s: cannot remove it (a checkpoint of the study that claimed the "
                      "folder, gone from its store, whose study made anew takes the folder over): %s", path,
                      strerror(errno));
}

/* The folder of a study of this name in this store, gone from it, taken over by the one made
 * anew there: 0 when done (here, or by another trial of this study meanwhile), 1 to look again
 * (the claim removed meanwhile), -1 with e set. The old study's checkpoints go first, then the
 * new claim is renamed over the old: a trial killed between leaves the old claim (and what is
 * left of the old study's checkpoints, which the next trial removes), never the new claim beside
 * the old study's weights, which this study would take for its own (best.ckpt kept as its best,
 * a trial-N.ckpt copied to it), nor, where this study's trials never complete, the old best.ckpt
 * as the only one there. Under the lock under which best.ckpt changes: of this study's trials
 * that start at once (a sweep begun again), one takes the folder over and the others, waiting,
 * find it theirs, so that none removes checkpoints the first has written since. */
static int take_over(const char *dir, const char *path, const char *study, const char *uid, const char *store,
                     trainer_takeover *took, ws_err *e)
{
    char lock[PATH_MAX + 32];
    const char *why;
    /* one that cannot be taken (a folder in its place, a file system without locks, a symbolic
     * link) leaves the takeover unordered, as the claim was before: the trial is not refused for
     * it, and best.ckpt waits for it as trainer_best_update says (naming why) */
    int fd = trainer_best_lock(dir, lock, sizeof lock, &why);
    char was[STUDY_UID_LEN + 1] = "";
    int anew, own = owner_of(dir, study, uid, store, &anew, was, e);
    int rc = own == 1 ? 0 : own == -1 ? 1 : own == -2 || !anew ? -1 : 2;
    if (rc == 2) {
        ws_atomic a;
        old_ckpts o = {study, 0, e};
        rc = claim_open(&a, path, study, uid, store, e);
        if (!rc && each_ckpt(dir, remove_old, &o)) {
            ws_atomic_abort(&a);
            rc = -1;
        } else if (!rc && !(rc = ws_atomic_commit(&a, e)) && took) {
            took->removed = o.removed;
            memcpy(took->uid, was, sizeof was);
        }
    }
    if (fd >= 0) close(fd);
    return rc;
}

int trainer_ckpt_claim(const char *dir, const char *study, const char *uid, const char *store, trainer_takeover *took,
                       ws_err *e)
{
    if (took) took->removed = -1;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" TRAINER_CKPT_CLAIM, dir);
    /* Two trials of two studies that start at once both find no claim: a look, then a write,
     * let both claim the folder and train, writing the same trial-N.ckpt. The claim is linked
     * into place only where there is none (ws_atomic_commit_new), so the later one finds the
     * earlier's and is looked at again. */
    for (int tries = 0; tries < 2; tries++) {
        int anew, own = owner_of(dir, study, uid, store, &anew, NULL, e);
        if (own == 1) return 0;
        if (own == -2 || (own == 0 && !anew)) return -1;
        if (own == -1 && unclaimed_others(dir, study, uid, store, e)) return -1;
        int rc = own == 0 ? take_over(dir, path, study, uid, store, took, e) : claim_new(path, study, uid, store, e);
        if (rc <= 0) return rc;
    }
    return ws_err_set(e, WS_EINTERNAL, "%s: made and removed again while this trial claimed the folder", path);
}
