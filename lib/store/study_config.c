/* study_config.c — the study config kept as a study attribute: what prune-check, tell, report
 * and train-trial read to know the study's pruner, objective and fixed settings. */
#include <string.h>
#include "space/config.h"
#include "store/store.h"

int ws_store_study_config(ws_store *s, const ws_study *st, ws_config *c, int *found, ws_err *e)
{
    json_t *root = NULL;
    memset(c, 0, sizeof *c);
    *found = 0;
    if (ws_store_study_attr_get(s, st->id, 1, WS_ATTR_CONFIG, &root, e)) return -1;
    if (!root) return 0;
    int rc = ws_config_parse(c, root, "study config", e);
    json_decref(root);
    if (rc) { ws_config_release(c); return ws_err_prefix(e, "%s: study '%s'", ws_store_path(s), st->name); }
    *found = 1;
    return 0;
}
