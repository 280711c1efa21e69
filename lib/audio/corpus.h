/* corpus.h — what featurize reads: the list of clips (path, class, split) and of background-noise
 * files, from either
 *   a Speech Commands layout: INPUT/CLASS/FILE (one folder per class, names sorted), the
 *     optional INPUT/validation_list.txt and INPUT/testing_list.txt ("CLASS/FILE" per line; every
 *     other clip is train), INPUT/_background_noise_/ (noise files); without list files the
 *     split comes from Speech Commands' which_set rule (10 % validation, 10 % test). Every other
 *     folder is a class, _unknown_ and _silence_ too (torchaudio's SPEECHCOMMANDS leaves out only
 *     _background_noise_); hidden folders and files, and files without an audio extension, are
 *     ignored. A class folder whose name is not UTF-8 is an error; an entry with an audio
 *     extension that cannot be a clip (a name that is not UTF-8, a link to nothing, a directory,
 *     not a regular file) is listed with `bad` set, for the featurizer to skip and count. Or
 *   a JSONL manifest: one {"path", "label", "split"} object per line (other keys ignored; path
 *     relative to the manifest's folder unless absolute; split "train", "validation" or "test",
 *     absent: the which_set rule on the file name; label "_background_noise_": a noise file, whose
 *     split, if given, must be train: noise is training augmentation).
 * Classes are the sorted distinct labels; class ids index that list. A class name must be what a
 * class folder's name can be (at most 255 bytes, no '/' or control characters, not "." or "..").
 */
#ifndef WS_AUDIO_CORPUS_H
#define WS_AUDIO_CORPUS_H
#include <stddef.h>
#include "core/err.h"

#define AUDIO_NOISE_LABEL "_background_noise_"

typedef struct audio_item {
    char *path;            /* as recorded in the cache: relative to the corpus root, or as listed */
    char *file;            /* what to open */
    int label;             /* class id; -1 for noise */
    int split;             /* AUDIO_SPLIT_*; train for noise */
    char *bad;             /* "FILE: why" when the scan found it unusable (skip it); NULL when fine */
    long line;             /* a manifest's line that lists it (from 1); 0 in a folder */
} audio_item;

/* A folder that is not a class though it could have been one: its name and why. */
typedef struct audio_left_out {
    char *name;
    char *why;             /* "its folder holds no audio file", "its folder is a symbolic link to nothing
                            * (dangling)" */
} audio_left_out;

typedef struct audio_corpus {
    char *root;            /* the input as given; "stdin" for "-" */
    int is_manifest;
    int from_stdin;        /* a manifest read from stdin ("-"): its relative paths from the working folder */
    const char *split_rule;    /* "lists", "which_set" or "manifest" */
    char **classes;        /* [n_classes] sorted */
    int n_classes;
    audio_item *clips;     /* [n_clips] */
    size_t n_clips;
    audio_item *noise;     /* [n_noise] */
    size_t n_noise;
    char **notes;          /* [n_notes] things the user should hear of that are no error: keys a
                            * manifest has that are not read ("FILE:LINE: key ...") */
    size_t n_notes;
    audio_left_out *left_out;  /* [n_left_out] class folders with no audio file, or that are links
                                * to nothing, not classes (each also a note): a cache records them,
                                * so that a wake word among them is named as such */
    size_t n_left_out;
} audio_corpus;

/* Scans a folder or a manifest. Errors (WS_EINPUT): a missing input, an unreadable folder, a class
 * folder name that is not UTF-8 or not a class name, a list file that is not a regular file, a list
 * line that is not CLASS/FILE or names an unknown label or clip ("FILE:LINE: ..."), a bad manifest
 * line (a label that is not a class name too), no clips. */
int audio_corpus_scan(audio_corpus *c, const char *input, ws_err *e);
void audio_corpus_release(audio_corpus *c);
/* -1 (WS_EINPUT, naming it) when the file at out is the settings file config (NULL: none) or one
 * of the corpus's own: the manifest, a list file, a clip or a noise file, by any path (device and
 * inode); 0 otherwise, or when out does not exist. The cache would replace it. */
int audio_corpus_check_output(const audio_corpus *c, const char *out, const char *config, ws_err *e);
/* 1 when the file name ends in an extension of a format libsndfile reads (wav, flac, ogg, ...). */
int audio_has_audio_extension(const char *name);

#endif
