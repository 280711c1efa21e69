/* test_trainer_tell.c — train-trial's remedy for a result not stored (lib/trainer/tell_cmd.c)
 * with a PostgreSQL study whose URL holds a password: the tell command's --db is the URL as
 * messages show it (ws_store_url_shown, the password left out), so the remedy must say that the
 * password is to be given. Reaching train-trial's own message needs a server that takes the
 * trial and then refuses its result; the message's text is built here without one. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "store/store.h"
#include "trainer/tell_cmd.h"

static const char NOTE[] = "the command's --db leaves out the URL's password (as messages do): put it back, or give it "
                           "by PGPASSWORD or ~/.pgpass; record it";

/* The remedy for db as given, its tell command built as train-trial builds it (from the URL as
 * shown); checks it ends with that command, which holds no "secret". NULL on failure. */
static char *remedy_for(const char *db)
{
    char *shown = ws_store_url_kind(db) == WS_DB_POSTGRES ? ws_store_url_shown(db) : strdup(db);
    double v = 0.5;
    char *tell = shown ? trainer_tell_command(shown, "tones", 3, WS_COMPLETE, &v, NULL, NULL) : NULL;
    char *r = tell ? trainer_not_stored_remedy(db, 3, 120, tell) : NULL;
    CHECK(r, "out of memory for %s", db);
    if (r) {
        size_t n = strlen(r), t = strlen(tell);
        CHECK(n > t && !strcmp(r + n - t, tell), "the remedy for %s does not end with its tell command: '%s'", db, r);
        CHECK(!strstr(r, "secret"), "the remedy for %s holds the password: '%s'", db, r);
    }
    free(shown);
    free(tell);
    return r;
}

static void test_password_in_authority(void)
{
    char *r = remedy_for("postgresql://ws:secret@db.example/sweeps");
    if (!r) return;
    CHECK(strstr(r, "with: tell --db postgresql://ws@db.example/sweeps --study tones --trial 3"),
          "the command's --db: got '%s'", r);
    CHECK(strstr(r, NOTE), "no word of the password left out: '%s'", r);
    /* said before the command: the command stays the message's end */
    CHECK(strstr(r, NOTE) && strstr(r, NOTE) < strstr(r, "with: tell"), "the note after the command: '%s'", r);
    free(r);
}

static void test_password_in_query(void)
{
    char *r = remedy_for("postgresql://ws@db.example/sweeps?sslmode=require&password=secret");
    if (!r) return;
    CHECK(strstr(r, "with: tell --db 'postgresql://ws@db.example/sweeps?sslmode=require' "), "the command's --db: got '%s'",
          r);
    CHECK(strstr(r, NOTE), "no word of the password left out: '%s'", r);
    free(r);
}

/* nothing left out: no such word (the command runs as given) */
static void test_no_password(void)
{
    const char *dbs[] = {"postgresql://ws@db.example/sweeps", "postgresql://db.example/sweeps?sslmode=require",
                         "runs/s.db", "sqlite:///runs/s.db"};
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        char *r = remedy_for(dbs[i]);
        if (!r) return;
        CHECK(!strstr(r, "password"), "%s: a password said left out: '%s'", dbs[i], r);
        CHECK(strstr(r, "stdout; record it, rather than train the trial again"), "%s: got '%s'", dbs[i], r);
        free(r);
    }
}

int main(void)
{
    RUN(test_password_in_authority);
    RUN(test_password_in_query);
    RUN(test_no_password);
    return test_summary();
}
