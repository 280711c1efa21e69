# twin-notes.py NAME...: the notes featurize must print for these class names (ROOT is $ROOT),
# one a line, sorted: the tests' reference (t2058, t2061), from Python's str.casefold and
# unicodedata, not from featurize. Two names are twins when equal once case folded (full
# folding: "STRASSE" and "straße") and put in NFC. Each is decomposed (NFD) before it is folded,
# Unicode's canonical caseless match (D145): NFC(s.casefold()) alone gives "\u1f84" and its
# canonical equivalent "\u1f80\u0301" two keys (U+0345 folds to an iota after the accent).
# A pair of twins differs only in Unicode normalization when both are one name in NFC; else only
# in letter case when they fold equal as written, or both are written in NFC; else in both.
import os, sys, unicodedata

root = os.environ["ROOT"]
names = sorted(set(sys.argv[1:]), key=lambda s: s.encode())
def nfc(s): return unicodedata.normalize("NFC", s)
def key(s): return nfc(unicodedata.normalize("NFD", s).casefold())
def show(s): return "".join(chr(b) if 0x20 <= b < 0x7f else "\\x%02x" % b for b in s.encode())
out = []
for i, a in enumerate(names):
    for b in names[i + 1:]:
        if key(a) != key(b):
            continue
        if nfc(a) != nfc(b) and (a.casefold() == b.casefold() or (nfc(a) == a and nfc(b) == b)):
            out.append('featurize: %s: classes "%s" and "%s" differ only in letter case: they are two classes'
                       % (root, a, b))
        else:
            what = "Unicode normalization" if nfc(a) == nfc(b) else "letter case and Unicode normalization"
            out.append('featurize: %s: classes "%s" and "%s" differ only in %s (bytes %s and %s): they are two classes'
                       % (root, a, b, what, show(a), show(b)))
print("\n".join(sorted(out)), end="\n" if out else "")
