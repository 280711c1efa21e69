/* uid.c — the study's own id (see uid.h). */
#include "study/uid.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "study/lock.h"

/* v's id copied into uid; WS_EINPUT naming the attribute when v holds none (written by hand or by
 * something else): another id in its place would disown the study's checkpoint folder. */
static int kept_uid(const ws_store *s, const ws_study *st, const json_t *v, char *uid, ws_err *e)
{
    const char *text = json_string_value(v);
    if (text && strlen(text) == STUDY_UID_LEN && strspn(text, "0123456789abcdef") == STUDY_UID_LEN) {
        memcpy(uid, text, STUDY_UID_LEN + 1);
        return 0;
    }
    char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    ws_err_set(e, WS_EINPUT, "%s: study '%s': system attribute %s: expected %d hex digits (a string), got %.80s",
               ws_store_path(s), st->name, WS_ATTR_UID, STUDY_UID_LEN, got ? got : "?");
    free(got);
    return -1;
}

/* In the caller's transaction, the study locked: its id, made when it has none. */
static int record(ws_store *s, const ws_study *st, json_t **kept, ws_err *e)
{
    if (study_lock(s, st, e) || ws_store_study_attr_get(s, st->id, 1, WS_ATTR_UID, kept, e)) return -1;
    if (*kept) return 0;
    unsigned char r[STUDY_UID_LEN / 2];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        return ws_err_set(e, WS_EINTERNAL, "study '%s': cannot draw its uid: %s", st->name, strerror(errno));
    char hex[STUDY_UID_LEN + 1];
    for (size_t i = 0; i < sizeof r; i++) snprintf(hex + 2 * i, 3, "%02x", r[i]);
    if (!(*kept = json_string(hex))) return ws_err_set(e, WS_ENOMEM, "out of memory");
    return ws_store_study_attr_set(s, st->id, 1, WS_ATTR_UID, *kept, e);
}

int study_uid(ws_store *s, const ws_study *st, int record_it, char *uid, ws_err *e)
{
    json_t *kept = NULL;
    uid[0] = 0;
    if (record_it) {
        if (ws_store_begin(s, e)) return -1;
        if (record(s, st, &kept, e)) {
            ws_store_rollback(s);
            json_decref(kept);
            return -1;
        }
        if (ws_store_commit(s, e)) { json_decref(kept); return -1; }
    } else if (ws_store_study_attr_get(s, st->id, 1, WS_ATTR_UID, &kept, e)) {
        return -1;
    }
    int rc = kept ? kept_uid(s, st, kept, uid, e) : 0;
    json_decref(kept);
    return rc;
}
