/* settings.h — a trial's settings: the study's fixed settings overlaid with the trial's params,
 * checked against the keys the trainer and lib/nn know, and the trainer's own part parsed. */
#ifndef WS_TRAINER_SETTINGS_H
#define WS_TRAINER_SETTINGS_H
#include <jansson.h>
#include "core/err.h"
#include "nn/nn.h"
#include "space/config.h"
#include "trainer/data.h"

typedef struct {
    json_t *merged;             /* fixed settings, then params over them (owned) */
    nn_hparams hp;
    int batch_size;             /* "batch_size" (64) */
    long epochs;                /* the trial line's budget.epochs, else "epochs" (10) */
    int validate_every;         /* "validate_every": epochs between validations (1) */
    int patience;               /* "patience": validations without improvement before stopping (0 = off;
                                   under budget.fine_epochs, epochs: see train() in run.c) */
    double min_delta;           /* "min_delta": smallest change that counts as improvement */
    trainer_transform transform;/* "transform": "logmel" (default) or "mfcc" */
    int n_mfcc;                 /* "n_mfcc" (13) */
    const char *positive;       /* "positive": the wake-word class, or NULL */
    double max_fpr;             /* "max_fpr": the false-positive limit of the validations' wake-word
                                 * operating point, metrics.at_fpr (0.05) */
    const char *features;       /* "features": feature config the study expects, or NULL */
    int refused_together;       /* set when trainer_settings_parse failed on values each taken
                                 * alone but refused together (nn_hparams_check_together: snr_low
                                 * above snr_high): where the study drew them, a property of the
                                 * point drawn, and the trial fails as infeasible (trainer/run.c) */
} trainer_settings;

/* where names the origin for messages ("trial line"). params may be NULL (none). budget_epochs <= 0: none
 * given. Every value is checked alone before any is checked beside the others. */
int trainer_settings_parse(trainer_settings *s, const json_t *fixed, const json_t *params, long budget_epochs,
                           const char *where, ws_err *e);
void trainer_settings_release(trainer_settings *s);
/* Where a setting the trial uses was given: "trial line: params" when the line's params hold
 * key, else "study config: fixed", for messages that name it as the parser's do. */
const char *trainer_settings_origin(const json_t *params, const char *key);
/* 0 unless the study config's fixed settings fail train-trial's checks (an unknown key, a
 * value out of range) whatever the space's parameters are: tried with none and with every
 * parameter at the low, then at the high end of its range (a categorical's first, last
 * choice), it fails each time on a fixed setting. Then -1, "WHERE: fixed.KEY: why" (exit 2):
 * suggest refuses such a config, which would hand out trials that all fail. Then the space:
 * -1, "WHERE: space.NAME: its high end: why", for a parameter train-trial knows whose range
 * end or choice it refuses alone and beside the others at their ends (check_space). */
int trainer_settings_check_config(const ws_config *c, const char *where, ws_err *e);
/* 0 unless a parameter set given to suggest (an --enqueue line, the --fixed object) holds a value
 * of a setting train-trial knows that it refuses alone, beside the config's fixed settings
 * (batch_size 0, optimizer "zzz"): then -1, "WHERE.KEY: why (train-trial would refuse the
 * trial)", exit 2, before the set is queued or drawn with (the trial would be refused when it
 * came to train). Names train-trial does not know are left alone (a study for one's own
 * trainer), as are values refused only beside others (snr_low above snr_high: infeasible). */
int trainer_settings_check_set(const ws_config *c, const json_t *set, const char *where, ws_err *e);
/* 0 when the cache c (at path) was made with the feature settings s->features names (none: the
 * defaults); else -1 naming the first difference (exit 2). */
int trainer_settings_check_cache(const trainer_settings *s, const audio_cache *c, const char *path, ws_err *e);

#endif
