/* finished.h — a trial that a tool meant to change was finished already. The store says only
 * its state ("already FAIL, nothing changed"); the reason the study keeps for it (a heartbeat
 * past the grace period while the machine slept, a process that died, a tell --reason) is what
 * the user needs next, and that it was queued again says the sweep lost nothing. Used by tell,
 * prune-check and train-trial. */
#ifndef WS_STUDY_FINISHED_H
#define WS_STUDY_FINISHED_H
#include "store/store.h"

/* When e is WS_ESTATE and trial `number` keeps a reason (wakesweep:reason), adds it to e's
 * message, and "queued again" when wakesweep:requeued says so. Outside any transaction (after
 * the caller's rollback); a trial that cannot be read leaves e as it is. */
void study_say_finished(ws_store *s, const ws_study *st, int number, ws_err *e);

#endif
