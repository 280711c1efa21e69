/* lock.h — a study locked inside the caller's write transaction, for a record that the first of
 * several processes at once makes and the others read (study/data.h, study/uid.h). */
#ifndef WS_STUDY_LOCK_H
#define WS_STUDY_LOCK_H
#include "store/store.h"

/* In the caller's write transaction: study st locked to the transaction's end. Finding the study
 * through ws_store_study_create locks it on PostgreSQL (an advisory lock on its name), where a
 * read of an absent row locks nothing; SQLite's write transaction holds the whole file already.
 * WS_ESTATE when the study is gone (deleted, optuna.delete_study, since the caller found it): the
 * caller rolls back. */
int study_lock(ws_store *s, const ws_study *st, ws_err *e);

/* Study st's system attribute key into *kept (NULL: none). record 0: only read; record 1, where
 * it is absent: in one write transaction that locks the study (study_lock), read again and made
 * by make(ctx, e) where there is none still (NULL with e set: rolled back), so that of several
 * first trials at once one makes it and the others read it. */
int study_attr_once(ws_store *s, const ws_study *st, const char *key, int record,
                    json_t *(*make)(void *ctx, ws_err *e), void *ctx, json_t **kept, ws_err *e);

#endif
