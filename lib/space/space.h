/* space.h — a search space: named parameters, each with an Optuna distribution and an optional
 * condition on an earlier parameter ("when": {"optimizer": ["sgd"]}: present only when the
 * optimizer is sgd). Parents always come before their children, so a sampler that walks the
 * list in order knows every parent's value when it reaches a child. */
#ifndef WS_SPACE_SPACE_H
#define WS_SPACE_SPACE_H
#include <jansson.h>
#include "core/err.h"
#include "space/dist.h"
#include "store/trial.h"

typedef struct {
    char *name;
    ws_dist dist;
    int parent;          /* index of the parameter this one depends on, or -1 */
    json_t *when;        /* array of the parent's (external) values that enable it, or NULL */
} ws_space_param;

typedef struct {
    ws_space_param *v;
    size_t n;
    json_t *warnings;    /* strings: what parsing changed as Optuna would ("kws.json: space.x:
                            high 10 is not ..."), for the tool that samples to print; or NULL */
} ws_space;

/* Parses the "space" object of a study config; `where` prefixes errors ("kws.json: space").
 * As Optuna's distributions do, a step that does not divide high - low lowers high to the last
 * point of the grid (noted in sp->warnings), and low == high is a single-value parameter. */
int ws_space_parse(ws_space *sp, const json_t *obj, const char *where, ws_err *e);
/* What a space in a config file must pass besides ws_space_parse: no key of another kind
 * ("log" on a categorical), no float range wider than the largest double. A study's kept
 * config is read without it (ws_config_parse), so that a study kept before a check existed
 * stays readable. obj is the object sp was parsed from. */
int ws_space_check_file(const ws_space *sp, const json_t *obj, const char *where, ws_err *e);
void ws_space_release(ws_space *sp);
int ws_space_find(const ws_space *sp, const char *name);   /* index or -1 */
/* Whether parameter i is active given the values chosen so far (params[0..n)), i.e. its parent
 * is present and holds one of the enabling values. */
int ws_space_active(const ws_space *sp, size_t i, const ws_param *chosen, size_t n_chosen);

#endif
