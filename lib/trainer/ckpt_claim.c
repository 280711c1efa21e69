/* ckpt_claim.c — whose a checkpoint folder is (see ckpt_claim.h). */
#include "trainer/ckpt_claim.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "core/atomic.h"
#include "core/fdio.h"
#include "core/json.h"
#include "study/uid.h"

/* what a folder of another study is said to be: the claim, its study, store and uid, then this
 * study's */
#define OTHERS "%s: the folder holds the checkpoints of study '%.200s' of %.400s (uid %s), not of study '%.200s' of %.400s (uid %s)"

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
static int owner_of(const char *dir, const char *study, const char *uid, const char *store, int *anew, ws_err *e)
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
        ws_err_set(e, WS_EINPUT, OTHERS, path, name, where, id, study, store, *uid ? uid : "none yet");
    }
    json_decref(c);
    return own;
}

int trainer_ckpt_claim_owner(const char *dir, const char *study, const char *uid, const char *store, ws_err *e)
{
    int anew;
    return owner_of(dir, study, uid, store, &anew, e);
}

/* The claim written: in place of a study's that is gone (anew), else where none is yet, as only
 * the first of several writers makes it: 1 where another made one meanwhile. */
static int write_claim(const char *path, const char *study, const char *uid, const char *store, int anew, ws_err *e)
{
    json_t *c = json_pack("{s:s,s:s,s:s}", "study", study, "uid", uid, "store", store);
    if (!c) return ws_err_set(e, WS_ENOMEM, "out of memory");
    ws_atomic a;
    int rc = ws_atomic_open(&a, path, e);
    if (!rc && (json_dumpf(c, a.f, JSON_COMPACT) || fputc('\n', a.f) == EOF)) {
        ws_atomic_abort(&a);
        rc = ws_err_set(e, WS_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
    } else if (!rc) rc = anew ? ws_atomic_commit(&a, e) : ws_atomic_commit_new(&a, e);
    json_decref(c);
    return rc;
}

int trainer_ckpt_claim(const char *dir, const char *study, const char *uid, const char *store, ws_err *e)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" TRAINER_CKPT_CLAIM, dir);
    /* Two trials of two studies that start at once both find no claim: a look, then a write,
     * let both claim the folder and train, writing the same trial-N.ckpt. The claim is linked
     * into place only where there is none (ws_atomic_commit_new), so the later one finds the
     * earlier's and is looked at again. */
    for (int tries = 0; tries < 2; tries++) {
        int anew, own = owner_of(dir, study, uid, store, &anew, e);
        if (own == 1) return 0;
        if (own == -2 || (own == 0 && !anew)) return -1;
        int rc = write_claim(path, study, uid, store, own == 0, e);
        if (rc <= 0) return rc;
    }
    return ws_err_set(e, WS_EINTERNAL, "%s: made and removed again while this trial claimed the folder", path);
}
