/* best.h — keeping best.ckpt the study's best trial's weights (best.c). */
#ifndef WS_TRAINER_BEST_H
#define WS_TRAINER_BEST_H
#include "core/err.h"
#include "store/store.h"
#include "trainer/ckpt_claim.h"

/* the lock, in the checkpoint folder, under which best.ckpt changes */
#define TRAINER_BEST_LOCK ".best.lock"

/* ckpt_dir's TRAINER_BEST_LOCK (its path into lock), made where it is not there, opened and
 * locked (flock, LOCK_EX): its descriptor, to close() to let go; -1 where it cannot be taken,
 * with *why saying why (a folder of that name, a file not ours to write, a file system without
 * locks, a symbolic link, a FIFO or any other file not a regular one). */
int trainer_best_lock(const char *ckpt_dir, char *lock, size_t size, const char **why);

/* Whether another study claimed a checkpoint folder (trainer/ckpt_claim.h: its claim, and this
 * study's uid, read from the study), as one look found it: a trial that keeps no weights looks
 * once, in trainer_best_ours, and passes it on to trainer_best_update. */
typedef struct {
    int seen;     /* 1 once looked at */
    int others;   /* 1: claimed by another study, or whose it is cannot be told (why says) */
    ws_err why;
} trainer_claim_seen;

/* Makes ckpt_dir/best.ckpt the weights of study's best trial, under ckpt_dir/.best.lock:
 * own_ckpt when trial `number` (the caller's own, just finished; -1 for none) is the best,
 * else the best's trial-N.ckpt in ckpt_dir when best.ckpt does not hold it yet; a best.ckpt of
 * an earlier trial is removed where the best left no weights there (own_ckpt NULL: the caller's
 * trial kept none), or where the study's complete trials include no best (none feasible).
 * -1 with e set when it could not, or when best.ckpt was removed (the study could not be read,
 * the copy failed: what was removed is said). claim: whose ckpt_dir is, as the caller looked
 * (trainer_best_ours), or NULL or not yet seen: looked at here. */
int trainer_best_update(ws_store *store, const ws_study *study, const char *ckpt_dir, int number, const char *own_ckpt,
                        trainer_claim_seen *claim, ws_err *e);
/* trainer_best_update for study (a name) of db, for no trial of the caller's own, after the
 * temporaries that killed writers left in ckpt_dir are removed: train-trial --result-of
 * --ckpt-dir, for a trial that finished but may have been killed before its copy. */
int trainer_best_sync(const char *db, const char *study, const char *ckpt_dir, ws_err *e);
/* Whose the checkpoint at path is, by its header's trial.study: 1 study's, 0 another study's
 * (its name copied into other, size bytes, when other is not NULL), -1 unknown (no file, not a
 * valid checkpoint, a header that names no study). A folder that study files share (the
 * checkpoints' by default) may hold another study's, which a trial of this one must neither
 * remove nor write over. */
int trainer_ckpt_owner(const char *path, const char *study, char *other, size_t size);
/* trainer_ckpt_owner of the checkpoint open on fd (a regular file of len bytes; path names it):
 * for a caller that then removes what it read (ws_atomic_remove_same), not what its path names
 * later. */
int trainer_ckpt_owner_fd(int fd, size_t len, const char *path, const char *study, char *other, size_t size);
/* -1 (WS_EINPUT, naming the file and both studies) when ckpt_dir's best.ckpt or trial-number's
 * trial-N.ckpt is another study's checkpoint, which a trial of study that keeps weights would
 * write over, or when another study claimed ckpt_dir (trainer/ckpt_claim.h: one of the same name
 * in another store), or, claimed by none, when any of its trial-N.ckpt is another study's
 * (trainer_ckpt_claim); else 0, ckpt_dir claimed for study (its uid made first when it has none). Of
 * two studies' trials that start at once, the later finds the earlier's claim
 * (trainer_ckpt_claim). took: as trainer_ckpt_claim's (NULL: not wanted). */
int trainer_ckpt_dir_check(ws_store *store, const ws_study *study, const char *ckpt_dir, int number,
                           trainer_takeover *took, ws_err *e);
/* 1 when ckpt_dir's best.ckpt is study's: its header names it and no other study claimed the
 * folder; else 0. Where its header names the study, the claim is looked at into *claim. */
int trainer_best_ours(ws_store *store, const ws_study *study, const char *ckpt_dir, trainer_claim_seen *claim);

#endif
