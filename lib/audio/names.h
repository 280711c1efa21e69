/* names.h — file names as text. A POSIX file name is any bytes; the cache's metadata, the
 * summary line and --describe/--dump are JSON, which holds only UTF-8 (jansson's json_string
 * returns NULL for anything else). Names go in only when they are UTF-8; messages show the
 * others with their bad bytes escaped. */
#ifndef WS_AUDIO_NAMES_H
#define WS_AUDIO_NAMES_H

/* 1 when s is valid UTF-8 as jansson takes it (no overlong forms, surrogates or code points
 * above U+10FFFF), 0 otherwise. */
int audio_name_is_utf8(const char *s);
/* s with every byte that is not part of valid UTF-8 written as \xNN ("caf\xe9"), so it can be
 * printed and stored as JSON. A new string (free it); NULL when out of memory. */
char *audio_name_escape(const char *s);
/* 1 when s (UTF-8) holds a control character: C0 (a newline, a tab, ESC...), DEL or C1. */
int audio_name_has_control(const char *s);
/* s for a message, which must stay one line: as audio_name_escape, and every byte of a control
 * character (C0 such as a newline or a tab, DEL, C1) written as \xNN too ("bad\x0aname.wav").
 * A new string (free it); NULL when out of memory. */
char *audio_name_show(const char *s);

#endif
