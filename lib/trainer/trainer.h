/* trainer.h — runs one trial of a study (train-trial's work): reads the trial line, takes the
 * study's fixed settings and pruner from the study, trains on the mapped feature cache with
 * lib/nn, reports each validation to the study and asks the pruner at once, keeps the best
 * weights, and finishes the trial (COMPLETE, PRUNED or FAIL with the reason).
 *
 * Failure policy: bad input (an unknown parameter or a wrong type in the trial line, a cache of
 * another version, with a bad checksum or other feature settings than the study's) returns -1
 * with a WS_EINPUT error, after marking the trial FAIL with that reason. Everything that can go
 * wrong while training (NaN loss, divergence, out of memory, the time limit) ends the trial
 * FAIL with the reason and returns 0 with a result line: one bad trial never stops a sweep. So
 * do params the study drew that are refused only together (snr_low above snr_high), and a model
 * the cache's feature shape cannot take: reason "infeasible parameters: ...". */
#ifndef WS_TRAINER_TRAINER_H
#define WS_TRAINER_TRAINER_H
#include <jansson.h>
#include "core/cli.h"
#include "core/err.h"
#include "nn/device.h"

typedef struct {
    const char *db;             /* study database */
    const char *features;       /* feature cache */
    const char *ckpt_dir;       /* where trial-N.ckpt and best.ckpt go; NULL: the db's folder */
    int threads;                /* BLAS and loop threads for this trial */
    int grow_threads;           /* more while no other trial of the study is active (grow.h); 0: never */
    double max_seconds;         /* 0: no limit */
    int keep_best;              /* 1: keep the trial's best weights (--keep best) */
    int quiet;                  /* no progress on stderr */
    double t_process_start;     /* ws_mono_s() at process start, for the setup time */
    const nn_device *device;    /* where to train (nn_device_select); NULL: the CPU */
    /* notes on where and how the run trains (the device's, OPENBLAS_CORETYPE's; NULL: none), said
     * by trainer_notes once the trial line is accepted: said before it was read, they came ahead
     * of the line's error, as if training had begun */
    const char *notes[2];
} trainer_opts;

/* The shares the CPU's work is cut into from a trial's first step: its --grow-threads where
 * given (trainer_grow_start splits the work so whether or not the trial grows), else its
 * threads. The convolutions' workspace is per share, so the probe and the run size it alike. */
static inline int trainer_shares(const trainer_opts *o)
{
    return o->grow_threads > o->threads ? o->grow_threads : o->threads;
}

/* Trainer settings read from the trial's params and the study's fixed settings, besides the
 * network's own (nn_hparams_keys). */
extern const char *const trainer_keys[];

/* Says o's notes on stderr ("note: ..."), once a run or a probe has accepted its trial line. */
static inline void trainer_notes(const trainer_opts *o)
{
    for (int i = 0; i < 2; i++)
        if (o->notes[i]) ws_cli_warn("note: %s", o->notes[i]);
}
int trainer_run(const trainer_opts *o, const json_t *trial_line, json_t **result, ws_err *e);
/* Bad input found before training (the trial line, the device): marks the trial the line names
 * FAIL with reason, when the line names a RUNNING trial of o->db; best effort, nothing else. */
void trainer_fail_line(const trainer_opts *o, const json_t *trial_line, const char *reason);

/* train-trial --probe-batch: the largest batch of the trial line's model that fits on
 * o->device, with the study's fixed settings and the cache's data (nothing is trained):
 * {"device","name","batch","limit","how","bytes":{"free","total","data","per_sample"}}. On the CPU
 * the batch is sized for the shares training with o->threads and o->grow_threads would cut its
 * work into (the convolutions' workspace is per share). */
int trainer_probe_batch(const trainer_opts *o, const json_t *trial_line, json_t **result, ws_err *e);

/* Metrics of a checkpoint on a cache's split ("train", "validation", "test" or "all"):
 * {"checkpoint","features","split","clips","unmapped_clips","unmapped_classes":{NAME:clips},
 *  "metrics":{...},"at_fpr":{"max_fpr","threshold","f1","fpr","frr"}}. The cache's feature
 * settings must be the checkpoint's (else WS_EINPUT); its classes are matched to the
 * checkpoint's by name, in any order. Clips of a class the checkpoint does not know are
 * negatives for the wake-word metrics (f1, fpr, frr, binary_accuracy, at_fpr) and left out of
 * accuracy, macro_f1, per_class and confusion. F1 and FRR are null without a positive clip, FPR
 * without a negative one; accuracy and macro_f1 without a clip of a known class. max_fpr NaN:
 * the checkpoint's own (the trial's setting max_fpr), else 0.05. */
int trainer_evaluate(const char *ckpt, const char *features, const char *split, double max_fpr, int threads,
                     json_t **result, ws_err *e);

/* The result line of the newest finished trial tagged `tag` (suggest --tag) in study `study`
 * of db (NULL: the database's only study; several are an input error), rebuilt from the study
 * with the keys of train-trial's result line; *line is NULL when there is none (nor such a
 * study). Trials failed because their process died (and queued again) do not count. */
int trainer_stored_result(const char *db, const char *study, const char *tag, json_t **line, ws_err *e);

/* The result line's "epochs" and "best_epoch" from a count of steps (validations' parts) with
 * `per` steps an epoch (budget.validations_per_epoch): an integer for whole epochs, a real
 * (0.25) for a part of one. */
json_t *trainer_epochs_json(long steps, int per);

#endif
