/* text.h — names and values as text. A POSIX file name is any bytes, and Optuna takes any
 * string for a study, a parameter or a choice; JSON holds only UTF-8 (jansson's json_string
 * returns NULL for anything else), so names go into JSON only when they are UTF-8. A message or
 * a line of text output shows a name with its bad bytes and control characters escaped, so it
 * stays one line and nothing in it reaches the terminal as a command (ESC [2J clears it). */
#ifndef WS_CORE_TEXT_H
#define WS_CORE_TEXT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "core/err.h"

/* 1 when s is valid UTF-8 as jansson takes it (no overlong forms, surrogates or code points
 * above U+10FFFF), 0 otherwise. */
int ws_text_is_utf8(const char *s);
/* s with every byte that is not part of valid UTF-8 written as \xNN ("caf\xe9"), so it can be
 * printed and stored as JSON. A new string (free it); NULL when out of memory. */
char *ws_text_escape(const char *s);
/* 1 when s (UTF-8) holds a control character: C0 (a newline, a tab, ESC...), DEL or C1. */
int ws_text_has_control(const char *s);
/* s for a message or a line of text output, which must stay one line (the tools' messages are
 * all printed through it, by core/cli): as ws_text_escape, and every byte of a control
 * character (C0 such as a newline or a tab, DEL, C1) written as \xNN too ("bad\x0aname.wav").
 * A new string (free it); NULL when out of memory. */
char *ws_text_show(const char *s);
/* s as its bytes, for a message telling apart two names that print the same: every byte outside
 * printable ASCII written as \xNN ("caf\xc3\xa9" beside "cafe\xcc\x81"). A new string (free it);
 * NULL when out of memory. */
char *ws_text_bytes(const char *s);
/* s as one word of a POSIX shell's command line, for a command a message gives to run (a path, a
 * study name): as it is where it holds only characters no shell takes for anything but
 * themselves ([A-Za-z0-9_@%+=:,./-], and is not empty), else in single quotes, each ' in it
 * written '\''; one holding a control character or bytes that are not UTF-8, which a message
 * shows as \xNN (ws_text_show), in $'...' with \xNN for them (bash's printf %q form; POSIX.1-2024
 * sh, bash, ksh and zsh read it), so that the word shown is the word meant. A new string (free
 * it); NULL when out of memory. */
char *ws_text_shell_word(const char *s);
/* s (UTF-8) in Unicode normalization form C (composed: "e" and U+0301 become U+00E9), as
 * libunistring's u8_normalize makes it, so that two canonically equivalent names compare equal
 * (text_nfc.c, an object of its own: only a tool that calls it links libunistring). A new string
 * (free it); NULL when out of memory or s is not UTF-8. */
char *ws_text_nfc(const char *s);
/* s (UTF-8) case folded by Unicode's full case folding, as Python's str.casefold folds it
 * ("STRASSE" and "stra\xc3\x9fe" both "strasse", the Kelvin sign "k"): as written (nfc 0),
 * or decomposed first and the result in NFC (nfc 1; Unicode's canonical caseless match, so that
 * two canonically equivalent names fold alike), by libunistring's u8_casefold in text_nfc.c. A
 * new string (free it); NULL when out of memory or s is not UTF-8. */
char *ws_text_casefold(const char *s, int nfc);
/* s (UTF-8) as it shows: its invisible format characters (Unicode general category Cf and
 * Default_Ignorable_Code_Point: a zero-width space U+200B, a byte order mark U+FEFF, a soft hyphen
 * U+00AD; not U+06DD ARABIC END OF AYAH, which is drawn) dropped, and its white space (Unicode's
 * White_Space: a no-break space U+00A0, an ideographic space U+3000 too) one space between words
 * and none at either end, as Python's " ".join(s.split()) makes it ("yes\xc2\xa0" and " yes" both
 * "yes"), by libunistring's tables in text_nfc.c. A new string (free it); NULL when out of memory
 * or s is not UTF-8. ws_text_shows_nothing: 1 when that is empty (s is "", " ", "\xe2\x80\x8b"). */
char *ws_text_visible(const char *s);
int ws_text_shows_nothing(const char *s);
/* s's loose key: ws_text_visible, then ws_text_casefold (nfc 1). Two names with one key differ
 * only in white space, invisible characters, letter case or Unicode normalization ("hey_nova" and
 * "Hey_Nova\xe2\x80\x8b"): a name asked for and a name that is there, told apart only by bytes
 * one cannot see. A new string (free it); NULL when out of memory or s is not UTF-8. */
char *ws_text_loose(const char *s);
/* Text files from Windows tools (Notepad, PowerShell) may start with a UTF-8 byte order mark,
 * invisible in an editor and in a message ("unknown label '\xef\xbb\xbfyes'" looked like
 * "unknown label 'yes'"); RFC 8259 lets a reader skip it. ws_text_bom: its length at the start of
 * the n bytes of s (3), else 0. ws_text_line_bom, for files read a line at a time: the bytes to
 * skip at the start of line LINENO of PATH, 3 for a mark on the first line, 0 for none; a mark
 * starting a later line (files joined with cat) is an error that says what it is: -1, e set. */
size_t ws_text_bom(const char *s, size_t n);
int ws_text_line_bom(const char *line, const char *path, long lineno, ws_err *e);
/* The plural ending of a count in a message: "1 trial", "2 trials". */
/* getline, but a line ends at a NUL byte too, and at max + 1 bytes without a newline: getline
 * read /dev/zero, or a stream that never sends a newline, for ever, its buffer growing until it
 * failed with ENOMEM (taken for the end of the file by its callers). A line over max has more
 * than max bytes and no newline at its end. Returns the length (0 at the end of the file), -1 on
 * a read or memory error. */
ssize_t ws_text_getline(char **line, size_t *cap, FILE *f, size_t max);
static inline const char *ws_plural(size_t n) { return n == 1 ? "" : "s"; }

#endif
