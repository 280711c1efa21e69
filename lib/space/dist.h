/* dist.h — parameter distributions exactly as Optuna stores them: FloatDistribution,
 * IntDistribution and CategoricalDistribution as JSON in trial_params.distribution_json, and
 * values in Optuna's internal representation (floats and ints as numbers, categoricals as the
 * index of the choice). The legacy names Optuna 3.1 still reads (UniformDistribution, ...) are
 * read too. */
#ifndef WS_SPACE_DIST_H
#define WS_SPACE_DIST_H
#include <jansson.h>
#include "core/err.h"

typedef enum { WS_DIST_FLOAT, WS_DIST_INT, WS_DIST_CATEGORICAL } ws_dist_kind;

typedef struct {
    ws_dist_kind kind;
    double low, high;   /* float, int: bounds, inclusive */
    double step;        /* float: 0 = continuous; int: >= 1 (default 1) */
    int log;            /* sample in log space */
    json_t *choices;    /* categorical: array of JSON scalars (owned reference) */
    json_t *text;       /* categorical whose choices hold Python's Infinity, -Infinity or NaN
                         * (json.dumps writes them; not strict JSON): the JSON string of Optuna's
                         * text, written back as it is; choices holds their stand-ins
                         * (+-1.7976931348623157e308, null). NULL otherwise (owned reference) */
    const char *legacy; /* the legacy class it was read as ("UniformDistribution", ...; a static
                         * string), NULL for FloatDistribution, IntDistribution, categorical:
                         * Optuna keeps the class (copy_study writes it back, and its storage
                         * takes no other class for that name), so it is written back as such */
} ws_dist;

/* Parses Optuna's distribution JSON text (a categorical's choices may hold Python's bare
 * Infinity, -Infinity and NaN, as Optuna writes an infinite or NaN choice: see ws_dist.text). */
int ws_dist_from_optuna(const char *json_text, ws_dist *d, ws_err *e);
/* Optuna's JSON text for d (json.dumps layout, key order as Optuna writes); caller frees. */
char *ws_dist_to_optuna(const ws_dist *d);
void ws_dist_release(ws_dist *d);
int ws_dist_copy(ws_dist *dst, const ws_dist *src);
int ws_dist_equal(const ws_dist *a, const ws_dist *b);
/* Optuna 3.1's check_distribution_compatibility: NULL when a study that stores a parameter under
 * `old` may store it under `new` too (a range or step may change), else why not ("another kind",
 * "another log", "other choices"). */
const char *ws_dist_incompatible(const ws_dist *old, const ws_dist *new);
size_t ws_dist_n_choices(const ws_dist *d);
/* Internal value → the value users see (a JSON number, int, or the categorical choice). */
json_t *ws_dist_external(const ws_dist *d, double internal);
/* The values a check of a whole range tries (suggest's checks of a config): a categorical's every
 * choice, else its low and high ends. ws_dist_n_ends: how many; ws_dist_end: the k-th, external,
 * with what (may be NULL) naming it for messages: "choice 2", "low end", "high end". */
int ws_dist_n_ends(const ws_dist *d);
json_t *ws_dist_end(const ws_dist *d, int k, char *what, size_t len);
/* A fraction d draws strictly between its ends, in *v: 1 when there is one (a float range of
 * whole ends has them: channels float [1, 8] draws 3.68, which a check of its ends, 1.0 and 8.0,
 * never sees), 0 for an int, a categorical, a single value, or a float whose every point between
 * its ends is whole (step 1 from a whole low end). */
int ws_dist_fraction(const ws_dist *d, double *v);
/* A user's value (from a trial line or --fixed) → internal; fails when outside d. */
int ws_dist_internal(const ws_dist *d, const json_t *external, double *internal, ws_err *e);
/* Whether x is a value an int parameter can take: a JSON number that is a whole number within
 * +-2^53, where doubles (internal values, SQLite's param_value) hold every integer exactly. */
int ws_dist_int_value(const json_t *x);
/* Whether an internal value lies in d (bounds, step grid, choice index). */
int ws_dist_contains(const ws_dist *d, double internal);
/* Optuna's single(): one value only (low == high, or one choice); *internal gets it. */
int ws_dist_single(const ws_dist *d, double *internal);

#endif
