/* uid.h — the study's own id. Optuna tells a study by its storage and its name; wakesweep's
 * checkpoints, though, go to a folder that several stores may share (study files side by side,
 * the checkpoints beside them by default), so their study's name says too little: two study
 * files with a study "kws" each wrote each other's trial-N.ckpt and best.ckpt. A study keeps a
 * random id (WS_ATTR_UID), made once, by the first trial that asks for it; its checkpoint folder
 * names it (trainer/ckpt_claim.h). A copy (study-copy, as Optuna's copy_study copies the system
 * attributes; or the study file copied) keeps it: it is the same study, gone on elsewhere. */
#ifndef WS_STUDY_UID_H
#define WS_STUDY_UID_H
#include "store/store.h"

#define STUDY_UID_LEN 32   /* hex digits: 128 random bits */

/* Study st's id into uid (STUDY_UID_LEN + 1 bytes). record 0: only read ("" when the study has
 * none); record 1: made when it has none, in one write transaction that also locks the study (so
 * two first trials at once make one, and the other reads it). A value that is not one: WS_EINPUT
 * naming the attribute. */
int study_uid(ws_store *s, const ws_study *st, int record, char *uid, ws_err *e);

#endif
