/* metric_names.h — the metrics a study's objective or a constraint may name: keys of a
 * validation's metrics (lib/nn/metrics.c), "at_fpr.X" inside its wake-word operating point.
 * One list for train-trial, which reads them from each validation, and for suggest, which
 * refuses a config naming another (every trial of it would fail). */
#ifndef WS_TRAINER_METRIC_NAMES_H
#define WS_TRAINER_METRIC_NAMES_H
#include "core/err.h"
#include "space/config.h"

/* The metrics in words, "accuracy, ... or at_fpr.frr", for the messages that list them. */
const char *trainer_metric_names(void);
/* 1 for a metric about the wake word (all but accuracy and macro_f1): it needs fixed.positive. */
int trainer_metric_needs_positive(const char *k);
/* 1 for a metric that is better higher (accuracy, macro_f1, f1, binary_accuracy, at_fpr.f1),
 * 0 for one better lower (the error rates fpr, frr, at_fpr.fpr, at_fpr.frr): the direction a
 * study of it must have. */
int trainer_metric_maximized(const char *k);

/* The objective (unless "value", train-trial's default: f1 or accuracy) and each constraint of c
 * name a metric: else WS_EINPUT, "WHERE: objective: expected ..., got 'f2'WHY" (why: what
 * follows, "" for none). */
int trainer_check_metric_names(const ws_config *c, const char *where, const char *why, ws_err *e);

#endif
