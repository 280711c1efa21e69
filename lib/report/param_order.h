/* param_order.h — the one order a report lists parameters in, in every form (text rows, the
 * JSON's params objects, the CSV's params_ columns, the HTML's table and axes): the config's space
 * order (the order suggest draws them in), then any other (a --fixed setting outside the space;
 * every one of a study Optuna made, which keeps no config) by name, as Optuna 3.1's
 * trials_dataframe sorts its params_ columns. Each trial's stored order is that of its own making
 * (a queued set in its file's order), which put one trial's columns apart from another's. */
#ifndef WS_REPORT_PARAM_ORDER_H
#define WS_REPORT_PARAM_ORDER_H
#include <jansson.h>
#include "store/trial.h"

struct ws_config;

/* The names of the parameters some trial of l holds, in that order (cfg may be NULL), as a JSON
 * array of strings; NULL when out of memory. */
json_t *ws_param_order(const ws_trial_list *l, const struct ws_config *cfg);
/* Each trial's params put in the order of names (ws_param_order's); -1 when out of memory. */
int ws_param_order_apply(ws_trial_list *l, const json_t *names);

#endif
