/* data.c — the data a study's trials train on (see data.h). */
#include "study/data.h"
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"
#include "study/lock.h"

/* The hash a record holds, or NULL (WS_EINPUT naming the attribute) when it holds none: written
 * by hand or by something else, it cannot be compared, and taking another cache in its place
 * would lose what it was there to keep. */
static const char *record_hash(const ws_store *s, const ws_study *st, const json_t *v, ws_err *e)
{
    const char *hash = json_string_value(json_object_get(v, "data_hash"));
    if (hash && strlen(hash) == 16 && strspn(hash, "0123456789abcdef") == 16) return hash;
    char *text = ws_json_dump(v, 0);
    ws_err_set(e, WS_EINPUT, "%s: study '%s': system attribute %s: expected {\"data_hash\": 16 hex digits, "
               "\"features\": a path}, got %.80s (remove it to have the next trial record its cache's)",
               ws_store_path(s), st->name, WS_ATTR_DATA, text ? text : "?");
    free(text);
    return NULL;
}

/* The record of this cache (study_attr_once makes it where the study has none). */
struct record_of { const char *features, *hash; };

static json_t *make_record(void *ctx, ws_err *e)
{
    const struct record_of *r = ctx;
    char *shown = ws_text_escape(r->features);   /* any bytes; JSON takes UTF-8 */
    json_t *v = shown ? json_pack("{s:s, s:s}", "data_hash", r->hash, "features", shown) : NULL;
    free(shown);
    if (!v) ws_err_set(e, WS_ENOMEM, "out of memory");
    return v;
}

int study_data_check(ws_store *s, const ws_study *st, const char *features, const char *hash, int record_it,
                     int *recorded, ws_err *e)
{
    json_t *kept = NULL;
    struct record_of r = {features, hash};
    if (recorded) *recorded = 0;
    if (study_attr_once(s, st, WS_ATTR_DATA, record_it, make_record, &r, &kept, e)) return -1;
    if (!kept) return 0;
    const char *was = record_hash(s, st, kept, e);
    int rc = -1;
    if (was && !strcmp(was, hash)) {
        if (recorded) *recorded = 1;
        rc = 0;
    } else if (was) {
        /* as a cache of other feature settings is refused (trainer_settings_check_cache): the
         * cache first, what differs, in it and wanted; then why it matters and what to do */
        const char *from = json_string_value(json_object_get(kept, "features"));
        rc = ws_err_set(e, WS_EINPUT, "%s: data differ: data hash %s in the cache, %s in study '%s' of %s (the data "
                        "its trials trained on, first from %s): its corpus changed (a clip, a label or a split), it is "
                        "another, or a featurize that computes features otherwise made it (featurize(1), HISTORY), and "
                        "values of trials on other data do not compare. To go on with this study, give it "
                        "a cache of its own data; to sweep this data, start a new study: another STUDY (make sweep "
                        "STUDY=NAME) or another study name in the config", features, hash, was, st->name,
                        ws_store_path(s), from ? from : "a cache");
    }
    json_decref(kept);
    return rc;
}
