/* tell_cmd.h — the tell(1) command that records a trial's result by hand, for train-trial's
 * message when the study cannot be written as the result is to be stored (a lock held past
 * WS_DB_BUSY_S, a full disk, a server gone): the training is done, and the trial, left RUNNING,
 * would be failed as stale by a later suggest. Optuna's own remedy for a result its storage did
 * not take is the same: `optuna tell` with the trial's number and values. */
#ifndef WS_TRAINER_TELL_CMD_H
#define WS_TRAINER_TELL_CMD_H
#include <jansson.h>
#include "store/trial.h"

/* "tell --db DB --study NAME --trial N --state S [--value V] [--constraint C]... [--reason R]",
 * each word quoted for the shell where it needs it (ws_text_shell_word: $'...' where it holds
 * bytes a message shows as \xNN; reason as the study records it), the state in lower
 * case, numbers in their shortest round-trip form (so that tell records the very doubles: a
 * NaN value, nan, makes tell fail the trial, as it would have been); value NULL: none; constraints
 * a JSON array of numbers (or NULL); reason NULL or empty: none. A new string (free it); NULL
 * when out of memory. */
char *trainer_tell_command(const char *db, const char *study, int number, ws_state state, const double *value,
                           const json_t *constraints, const char *reason);

/* train-trial's remedy for trial NUMBER's result not stored: says so, and ends with TELL (the
 * command above, its --db the study as messages show it), to be run before a suggest fails the
 * trial as stale (GRACE_S). DB: the study as given (--db): where it is a PostgreSQL URL whose
 * password that --db leaves out, the remedy says so (give it, or PGPASSWORD, ~/.pgpass), as the
 * command run as given could not log in. A new string (free it); NULL when out of memory. */
char *trainer_not_stored_remedy(const char *db, int number, double grace_s, const char *tell);

#endif
