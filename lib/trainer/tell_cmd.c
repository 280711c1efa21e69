/* tell_cmd.c — the tell command that records a trial's result (see tell_cmd.h). */
#include "trainer/tell_cmd.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/text.h"
#include "store/store.h"

/* " OPTION WORD", WORD quoted for the shell; 0, or -1 when out of memory. */
static int option(FILE *f, const char *name, const char *word)
{
    char *q = ws_text_shell_word(word);
    if (!q) return -1;
    fprintf(f, " %s %s", name, q);
    free(q);
    return 0;
}

/* A double as tell's --value and --constraint read it back: strtod's nan, inf and -inf, else the
 * shortest text that reads back as v. */
static void number(double v, char *buf, size_t cap)
{
    if (isnan(v)) snprintf(buf, cap, "nan");
    else if (isinf(v)) snprintf(buf, cap, v > 0 ? "inf" : "-inf");
    else ws_json_format_double(v, buf, cap);
}

char *trainer_tell_command(const char *db, const char *study, int number_, ws_state state, const double *value,
                           const json_t *constraints, const char *reason)
{
    char *text = NULL, num[64];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return NULL;
    const char *s = state == WS_COMPLETE ? "complete" : state == WS_PRUNED ? "pruned" : "fail";
    fputs("tell", f);
    int bad = option(f, "--db", db) || option(f, "--study", study);
    fprintf(f, " --trial %d --state %s", number_, s);
    if (value) {
        number(*value, num, sizeof num);
        fprintf(f, " --value %s", num);
    }
    size_t i;
    const json_t *c;
    json_array_foreach(constraints, i, c) {
        number(json_number_value(c), num, sizeof num);
        fprintf(f, " --constraint %s", num);
    }
    if (reason && *reason) bad = bad || option(f, "--reason", reason);
    if (fclose(f) || bad) {
        free(text);
        return NULL;
    }
    return text;
}

/* 1 when db is a PostgreSQL URL whose password (user:password@, ?password=) messages leave out
 * (ws_store_url_shown): the tell command's --db, so shown, logs in only with a password from
 * elsewhere; -1 when out of memory. */
static int password_left_out(const char *db)
{
    if (ws_store_url_kind(db) != WS_DB_POSTGRES) return 0;
    char *shown = ws_store_url_shown(db);
    if (!shown) return -1;
    int left_out = strcmp(shown, db) != 0;
    free(shown);
    return left_out;
}

char *trainer_not_stored_remedy(const char *db, int number, double grace_s, const char *tell)
{
    int left_out = password_left_out(db);
    if (left_out < 0) return NULL;
    /* said before the command, which stays the message's end (libpq, which tell uses, reads
     * PGPASSWORD and ~/.pgpass where the URL gives no password) */
    const char *note = left_out ? "the command's --db leaves out the URL's password (as messages do): put it back, "
                                  "or give it by PGPASSWORD or ~/.pgpass; "
                                : "";
    char *out = NULL;
    if (asprintf(&out, "trial %d's result is not stored (the trial stays RUNNING): its result line is on stdout; "
                 "%srecord it, rather than train the trial again, once the study can be written and before a suggest "
                 "fails the trial as stale (%g s without a heartbeat), with: %s", number, note, grace_s, tell) < 0)
        out = NULL;
    return out;
}
