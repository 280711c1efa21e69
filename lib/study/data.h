/* data.h — the data a study's trials train on. Their values compare only when they trained on
 * the same clips: a corpus changed between two sweeps (make featurizes it again) or another cache
 * given by hand mixed data in one study, and TPE and the pruners compared the values. So the study
 * records the data hash of the cache its first trial trains on (WS_ATTR_DATA), and train-trial
 * refuses a cache of another, as it refuses one of other feature settings. A study without the
 * attribute (made by Optuna, or by a wakesweep before it kept one) takes the first cache it sees. */
#ifndef WS_STUDY_DATA_H
#define WS_STUDY_DATA_H
#include "store/store.h"

/* The cache `features` (as given, for messages), of data hash `hash` (16 hex digits), against
 * study st's record. record 0: only compared (0 when the study records none); record 1: recorded
 * when the study has none, in one write transaction that also locks the study (so two first
 * trials at once record one, and the other is compared with it), then compared. A hash that
 * differs: WS_EINPUT naming the study, both hashes and what to do; a record that is not one:
 * WS_EINPUT naming the attribute. *recorded (may be NULL): 1 when the study held or now holds
 * this hash. */
int study_data_check(ws_store *s, const ws_study *st, const char *features, const char *hash, int record,
                     int *recorded, ws_err *e);

#endif
