/* uid.c — the study's own id (see uid.h). */
#include "study/uid.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "core/json.h"
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
    char *got = ws_json_dump(v, 0);
    ws_err_set(e, WS_EINPUT, "%s: study '%s': system attribute %s: expected %d hex digits (a string), got %.80s",
               ws_store_path(s), st->name, WS_ATTR_UID, STUDY_UID_LEN, got ? got : "?");
    free(got);
    return -1;
}

/* A new id: 128 random bits in hex (study_attr_once makes it where the study has none). */
static json_t *make_uid(void *ctx, ws_err *e)
{
    const ws_study *st = ctx;
    unsigned char r[STUDY_UID_LEN / 2];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        ws_err_set(e, WS_EINTERNAL, "study '%s': cannot draw its uid: %s", st->name, strerror(errno));
        return NULL;
    }
    char hex[STUDY_UID_LEN + 1];
    for (size_t i = 0; i < sizeof r; i++) snprintf(hex + 2 * i, 3, "%02x", r[i]);
    json_t *v = json_string(hex);
    if (!v) ws_err_set(e, WS_ENOMEM, "out of memory");
    return v;
}

int study_uid(ws_store *s, const ws_study *st, int record_it, char *uid, ws_err *e)
{
    json_t *kept = NULL;
    uid[0] = 0;
    if (study_attr_once(s, st, WS_ATTR_UID, record_it, make_uid, (void *)st, &kept, e)) return -1;
    int rc = kept ? kept_uid(s, st, kept, uid, e) : 0;
    json_decref(kept);
    return rc;
}
