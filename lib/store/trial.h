/* trial.h — a trial as the samplers, pruners and reports see it: Optuna's FrozenTrial with the
 * fields wakesweep uses. Filled by the store (ws_store_trials_load); knows nothing of SQL. */
#ifndef WS_STORE_TRIAL_H
#define WS_STORE_TRIAL_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "space/dist.h"

/* Optuna's TrialState, with its numeric values. */
typedef enum { WS_RUNNING = 0, WS_COMPLETE = 1, WS_PRUNED = 2, WS_FAIL = 3, WS_WAITING = 4 } ws_state;

const char *ws_state_name(ws_state s);             /* "RUNNING", ... as stored */
int ws_state_parse(const char *text, ws_state *s); /* case-insensitive; 0 or -1 */

typedef struct {
    int64_t step;        /* Optuna's step is any integer: SQLite holds 64 bits */
    double value;        /* NaN and ±inf allowed, as Optuna allows */
} ws_iv;

typedef struct {
    char *name;
    ws_dist dist;
    double internal;     /* Optuna's internal representation (categorical: choice index) */
} ws_param;

typedef struct {
    int64_t trial_id;
    int number;                    /* dense per study, from 0 */
    ws_state state;
    int has_value;
    double value;                  /* objective value (±inf allowed) when has_value */
    double t_start, t_complete;    /* epoch seconds; NAN when not set */
    char start_text[27], complete_text[27];   /* the same as stored (a naive wall time, Optuna's
                                      "YYYY-MM-DD HH:MM:SS.ffffff"; "" when not set or longer):
                                      what a copy writes, whatever this process's TZ */
    ws_param *params; size_t n_params;   /* in the order stored */
    ws_iv *ivs; size_t n_ivs;            /* intermediate values, sorted by step */
    json_t *system_attrs;          /* object (never NULL after loading): fixed_params,
                                      constraints, completed_rung_k, ... */
    json_t *user_attrs;            /* object (never NULL after loading) */
    json_t *attr_texts;            /* {"system"|"user": {key: text}}: the value_json of attributes
                                      that are not strict JSON (Python's NaN, Infinity), which
                                      the objects above hold as stand-ins, as written, so that a
                                      copy keeps them; key: null for a value_json that is SQL's
                                      NULL (held above as ""); NULL when there are none */
} ws_trial;

typedef struct {
    ws_trial *v;                   /* sorted by number */
    size_t n;
} ws_trial_list;

/* A trial's datetime as the source stored it (stored: ws_trial.start_text or complete_text),
 * written by a copy and shown by report as Optuna writes the datetime it reads from it:
 * SQLAlchemy's "YYYY-MM-DD HH:MM:SS.ffffff" (PostgreSQL's text leaves out a zero fraction); from
 * t, in this process's zone, only when the text is not such a datetime. Into out (n >= 27): 1,
 * or 0 (out "") when the trial has none. Defined in load_common.c. */
int ws_load_datetime_out(const char *stored, double t, char *out, size_t n);

void ws_trial_release(ws_trial *t);
void ws_trial_list_free(ws_trial_list *l);
/* The param named `name`, or NULL. */
const ws_param *ws_trial_param(const ws_trial *t, const char *name);
/* p[0..n) put in the order of rank(name, ctx) (lower first), stably: params of one rank keep
 * their order (a name rank does not know, ranked last by it, among them). Insertion sort: a trial
 * has a handful of params. (A trial's params in its space's order: suggest; in a report's one
 * order: report/param_order.c.) */
void ws_params_sort(ws_param *p, size_t n, size_t (*rank)(const char *name, const void *ctx), const void *ctx);
/* The value_json text of attribute key (system = 1: a system attribute) as written, where it is
 * not strict JSON (t->attr_texts); else NULL. */
const char *ws_trial_attr_text(const ws_trial *t, int system, const char *key);
/* 1 when the value_json of attribute key is SQL's NULL (no JSON text: the attribute objects hold
 * it as the empty string, as a value_json of "" is), else 0. */
int ws_trial_attr_null(const ws_trial *t, int system, const char *key);
/* Largest reported step, or -1 when none (Optuna's last_step). */
int64_t ws_trial_last_step(const ws_trial *t);
/* Where a COMPLETE trial's value came from: the index in t->ivs of its first intermediate value
 * equal to its (finite) value, or -1 (not COMPLETE, no or a NaN or infinite value, a value that is
 * none of them: told by hand). train-trial's value is its best validation, and its best_epoch
 * counts the first of equal ones, as only a strictly better one moves it. report's value_step
 * (t->ivs[k].step) and the HTML curves' diamond both come from here. */
long ws_trial_value_iv(const ws_trial *t);
/* The intermediate value at `step`; 0 when present, -1 when not. */
int ws_trial_iv_at(const ws_trial *t, int64_t step, double *value);
/* 1 when t is the result of the pipeline target `tag`: it carries the tag (suggest --tag), is
 * finished (COMPLETE, PRUNED or FAIL) and was not queued again (a killed sweep's trial, whose
 * params another trial of the target retries). Needs t's system attributes. */
int ws_trial_is_result_of(const ws_trial *t, const char *tag);
/* One value of a trial's constraints (system attribute "constraints") as Optuna 3.1 judges it
 * (feasible iff <= 0): a number; a bool, as a constraints_func returning [fpr > 0.05] stores
 * it, as Python's int (false 0, true 1); anything else NaN (null: a NaN), which no check takes
 * as feasible. */
double ws_constraint_value(const json_t *x);

#endif
