/* reap.h — trials whose process is gone. A sweep that was killed (Ctrl-C, kill -9, a reboot)
 * leaves RUNNING trials behind; on this host we need not wait for their heartbeat to go stale:
 * a trial records its pid and host (wakesweep:pid, wakesweep:host), and when that process no
 * longer exists the trial is failed and, as Optuna's RetryFailedTrialCallback does, queued
 * again as a WAITING copy with the same params (system attrs failed_trial, retry_history), so
 * the next suggest retries it. Trials of other hosts are failed and queued again the same way
 * once their heartbeat is stale. */
#ifndef WS_STUDY_REAP_H
#define WS_STUDY_REAP_H
#include "store/store.h"

#define WS_ATTR_HOST "wakesweep:host"

/* In one transaction. *failed (may be NULL) receives the numbers of the trials failed. */
int study_reap_dead(ws_store *s, const ws_study *st, json_t **failed, ws_err *e);
/* Fails the RUNNING trials whose heartbeat is older than grace_s (a host that died, a job
 * cancelled elsewhere) and queues each again as study_reap_dead does: the study keeps its trial
 * count, as DESIGN's "stale ones are marked FAIL and retried" and Optuna's
 * RetryFailedTrialCallback on fail_stale_trials have it. Inside the caller's transaction;
 * *failed (may be NULL) receives the numbers failed. */
int study_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);
/* In one transaction: fails RUNNING trial `number` with reason why and queues it again as
 * study_reap_dead does (wakesweep:requeued, a WAITING copy with its params). For a trial that
 * was made but never handed out (suggest could not write its line): nothing ran it, so its
 * params, enqueued ones too, go to the next suggest, and --unless-done does not take it for
 * finished. A trial no longer RUNNING: WS_ESTATE, nothing changed. */
int study_fail_requeue(ws_store *s, const ws_study *st, int number, const char *why, ws_err *e);

#endif
