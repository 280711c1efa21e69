/* split.h — train / validation / test splits: ids, names, and Speech Commands' rule that puts a
 * file in a set by the SHA-1 of its name with the `_nohash_` part removed, so that every clip of
 * one speaker lands in the same set (the dataset README's which_set()). */
#ifndef WS_AUDIO_SPLIT_H
#define WS_AUDIO_SPLIT_H

enum { AUDIO_SPLIT_TRAIN = 0, AUDIO_SPLIT_VALIDATION = 1, AUDIO_SPLIT_TEST = 2, AUDIO_N_SPLITS = 3 };

/* "train", "validation", "test" (the names used in caches, manifests and summaries). */
const char *audio_split_name(int split);
/* Accepts the names above (and Speech Commands' "training", "testing"); -1 when unknown. */
int audio_split_parse(const char *name);

/* The set of a file by Speech Commands' rule: the base name's text before "_nohash_" (the whole
 * base name when absent; as Python's regex has it, a "_nohash_" that a newline follows, other
 * than one ending the name, does not count, and that last newline is kept) is hashed with SHA-1; the hash modulo 2^27, times 100 / (2^27 - 1), is
 * a percentage; below validation_pct it is validation, below validation_pct + test_pct test,
 * else train. Identical to the README's Python, floating point included. */
int audio_which_set(const char *filename, double validation_pct, double test_pct);

#endif
