/* reap.h — trials whose process is gone. A sweep that was killed (Ctrl-C, kill -9, a reboot)
 * leaves RUNNING trials behind; on this host we need not wait for their heartbeat to go stale:
 * a trial records its pid and host (wakesweep:pid, wakesweep:host), and when that process no
 * longer exists the trial is failed and, as Optuna's RetryFailedTrialCallback does, queued
 * again as a WAITING copy with the same params (trial_params), user and system attributes (but
 * wakesweep's own), failed_trial and retry_history, so the next suggest retries it. Trials of other hosts are failed and queued again the same way
 * once their heartbeat is stale. */
#ifndef WS_STUDY_REAP_H
#define WS_STUDY_REAP_H
#include "store/store.h"

#define WS_ATTR_HOST "wakesweep:host"
/* trial: when the process of wakesweep:pid started (ws_process_start), or null when unknown: a
 * pid is reused once its process is gone, and a crashed trainer's pid, taken since by another
 * process (another train-trial's, say), kept its trial from being reaped or trained again */
#define WS_ATTR_PID_START "wakesweep:pid_start"

/* trial: the process that owns it while its trainer runs (its pid, and when it started, as
 * wakesweep:pid and :pid_start gave them; on the trial's wakesweep:host): the one suggest --pid
 * recorded, kept by train-trial when it is train-trial's ancestor (pipelines/trial.sh, which
 * records the result itself when train-trial could not, exit 3, or tells FAIL when it crashed).
 * With train-trial gone, that script has still to finish the trial: reaped in that moment, the
 * trial's result was lost and the script's tell refused. So --reap waits for both. Null where
 * train-trial recorded itself with no such ancestor (run by hand: reaped once it alone is gone). */
#define WS_ATTR_OWNER_PID "wakesweep:owner_pid"
#define WS_ATTR_OWNER_START "wakesweep:owner_start"

/* In the caller's transaction: process pid of this host runs trial_id (wakesweep:pid, :host and
 * :pid_start). */
int study_record_process(ws_store *s, int64_t trial_id, long long pid, ws_err *e);
/* In the caller's transaction, before train-trial records its own process (study_record_process)
 * over the one trial_id's system_attrs name: that process, where it is the caller's ancestor on
 * this host and the one recorded (its start time), becomes the trial's owner
 * (WS_ATTR_OWNER_PID, WS_ATTR_OWNER_START); else an owner recorded before is set to null. */
int study_keep_owner(ws_store *s, int64_t trial_id, const json_t *system_attrs, ws_err *e);
/* In the caller's transaction: trial_id's owner, where system_attrs (the trial's) name one, set to
 * null: for suggest's claim of a WAITING trial that names another trial's (Optuna's
 * RetryFailedTrialCallback copies system attributes, these among them). */
int study_clear_owner(ws_store *s, int64_t trial_id, const json_t *system_attrs, ws_err *e);
/* 1 when the process a trial's system attributes name (pid, on this host) is gone: no such
 * process, or one of that pid that started at another time than the recorded one. */
int study_recorded_process_gone(const json_t *system_attrs, long long pid);

/* The number of the trial a retry retries (its system attribute failed_trial, which names the
 * first trial of a chain of retries, as Optuna's callback writes it), else number: a retry takes
 * that trial's epochs from a budget.epochs schedule by trial number, as it takes its params and
 * seed, and trains as that trial would have (its own new number's could be other epochs). */
int study_budget_number(const json_t *system_attrs, int number);

/* In one transaction: fails the RUNNING trials of this host whose process (wakesweep:pid) is gone,
 * and their owner (WS_ATTR_OWNER_PID) too where they have one, and queues each again.
 * *failed (may be NULL) receives the numbers of the trials failed. */
int study_reap_dead(ws_store *s, const ws_study *st, json_t **failed, ws_err *e);
/* Fails the RUNNING trials whose heartbeat is older than grace_s (a host that died, a job
 * cancelled elsewhere) and queues each again as study_reap_dead does: the study keeps its trial
 * count, as DESIGN's "stale ones are marked FAIL and retried" and Optuna's
 * RetryFailedTrialCallback on fail_stale_trials have it. Inside the caller's transaction;
 * *failed (may be NULL) receives the numbers failed. */
int study_fail_stale(ws_store *s, const ws_study *st, double grace_s, json_t **failed, ws_err *e);
/* In one transaction: fails RUNNING trial trial_id (by id: a number may be two rows') with
 * reason why and queues it again as study_reap_dead does (wakesweep:requeued, a WAITING copy with its params and attributes). For a trial that
 * was made but never handed out (suggest could not write its line): nothing ran it, so its
 * params, enqueued ones too, go to the next suggest, and --unless-done does not take it for
 * finished. A trial no longer RUNNING: WS_ESTATE, nothing changed. */
int study_fail_requeue(ws_store *s, const ws_study *st, int64_t trial_id, const char *why, ws_err *e);
/* The same, not queued again: for a trial refused for its own params, which a copy would carry
 * and be refused for again (each later suggest claiming it first, the study handing out nothing
 * else). */
int study_fail_refused(ws_store *s, const ws_study *st, int64_t trial_id, const char *why, ws_err *e);

#endif
