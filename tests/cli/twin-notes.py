# twin-notes.py NAME...: the notes featurize must print for these class names (ROOT is $ROOT),
# one a line, sorted: the tests' reference (t2058, t2061, t2075), from Python's str.casefold,
# str.split and unicodedata, not from featurize. Two names are twins when equal once case folded
# (full folding: "STRASSE" and "straße") and put in NFC. Each is decomposed (NFD) before it is folded,
# Unicode's canonical caseless match (D145): NFC(s.casefold()) alone gives "\u1f84" and its
# canonical equivalent "\u1f80\u0301" two keys (U+0345 folds to an iota after the accent).
# A pair of twins differs only in Unicode normalization when both are one name in NFC; else only
# in letter case when they fold equal as written, or both are written in NFC; else in both.
# Names that are no such twins but are once their invisible format characters (category Cf and
# Default_Ignorable_Code_Point: U+200B, U+FEFF, a soft hyphen; not a prepended concatenation mark
# such as U+06DD, which is drawn; that property from Perl's Unicode tables, Python has none) are
# dropped and their white space (str.isspace: U+00A0, U+3000 too) is one space between words and
# none at the ends differ in white space or invisible characters, and in letter case or Unicode
# normalization too when what is left of them differs.
import os, subprocess, sys, unicodedata

root = os.environ["ROOT"]
names = sorted(set(sys.argv[1:]), key=lambda s: s.encode())
def nfc(s): return unicodedata.normalize("NFC", s)
def key(s): return nfc(unicodedata.normalize("NFD", s).casefold())
CF = sorted({c for s in names for c in s if unicodedata.category(c) == "Cf"})
IGNORABLE = set(subprocess.run(["perl", "-CS", "-ne", "chomp; print if /\\p{Default_Ignorable_Code_Point}/"],
                               input="\n".join(CF), capture_output=True, text=True, check=True).stdout)
def visible(s): return " ".join("".join(c for c in s if c not in IGNORABLE).split())
def show(s): return "".join(chr(b) if 0x20 <= b < 0x7f else "\\x%02x" % b for b in s.encode())
out = []
for i, a in enumerate(names):
    for b in names[i + 1:]:
        if key(visible(a)) != key(visible(b)):
            continue
        if key(a) != key(b):
            what = "white space or invisible characters" + ("" if visible(a) == visible(b) else
                                                            ", and in letter case or Unicode normalization")
            out.append('featurize: %s: classes "%s" and "%s" differ only in %s (bytes %s and %s): they are two classes'
                       % (root, a, b, what, show(a), show(b)))
        elif nfc(a) != nfc(b) and (a.casefold() == b.casefold() or (nfc(a) == a and nfc(b) == b)):
            out.append('featurize: %s: classes "%s" and "%s" differ only in letter case: they are two classes'
                       % (root, a, b))
        else:
            what = "Unicode normalization" if nfc(a) == nfc(b) else "letter case and Unicode normalization"
            out.append('featurize: %s: classes "%s" and "%s" differ only in %s (bytes %s and %s): they are two classes'
                       % (root, a, b, what, show(a), show(b)))
print("\n".join(sorted(out)), end="\n" if out else "")
