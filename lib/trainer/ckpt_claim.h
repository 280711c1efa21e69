/* ckpt_claim.h — whose a checkpoint folder is. A checkpoint's header names its study
 * (trial.study), but a name tells apart only the studies of one store: study files side by side,
 * each with a study "kws" and their checkpoints in the one folder (the default), took each
 * other's trial-N.ckpt and best.ckpt for their own. So the first trial that keeps weights in a
 * folder writes DIR/.study.json, {"study": NAME, "uid": ID, "store": PATH}: the study whose
 * checkpoints the folder holds, by its uid (study/uid.h); PATH only says where it is. */
#ifndef WS_TRAINER_CKPT_CLAIM_H
#define WS_TRAINER_CKPT_CLAIM_H
#include "core/err.h"
#include "study/uid.h"

#define TRAINER_CKPT_CLAIM ".study.json"

/* Whose folder dir is, for study (a name) of uid ("" for a study without one, which claimed no
 * folder) in store (its path, for messages): 1 its; 0 another's, e set (WS_EINPUT: "DIR/.study.json:
 * the folder holds the checkpoints of study ... (uid ...), not of study ... (uid ...)"); -1
 * claimed by none (no .study.json: a folder of checkpoints written before folders were claimed
 * says only its headers' names); -2 that cannot be told, e set (WS_EINPUT: it is not a claim,
 * naming what it is). */
int trainer_ckpt_claim_owner(const char *dir, const char *study, const char *uid, const char *store, ws_err *e);
/* dir made study's (trainer_ckpt_claim_owner's arguments): 0 when it is now (claimed here when it
 * was claimed by none, or by a study of this name in this store that is gone from it: the study
 * made anew there, as a sweep that begins again makes it, takes over the folder of the one it
 * replaced, removing first the old study's checkpoints: best.ckpt and the trial-N.ckpt whose
 * header names the study, under TRAINER_BEST_LOCK), -1 with e set when it is another's or cannot be told (as trainer_ckpt_claim_owner),
 * or the claim could not be written. A folder claimed by none whose checkpoints (best.ckpt,
 * trial-N.ckpt) include one whose header names another study (written before folders were
 * claimed) is that study's: -1, WS_EINPUT, naming the checkpoint and both studies; one whose
 * checkpoints name this study, or none (headers from before they named the trial, damaged
 * files), is claimed. took (NULL: not wanted) says whether this call took the folder over,
 * for the trial to say so: the files it removed went without a word. */
typedef struct {
    int removed;                      /* the old study's checkpoints removed; -1: no takeover */
    char uid[STUDY_UID_LEN + 1];      /* the old study's uid, from its claim */
} trainer_takeover;
int trainer_ckpt_claim(const char *dir, const char *study, const char *uid, const char *store, trainer_takeover *took,
                       ws_err *e);

#endif
