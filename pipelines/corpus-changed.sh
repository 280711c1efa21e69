#!/usr/bin/env bash
# pipelines/corpus-changed.sh CACHE DATA FEATURE_CONFIG: prints the path of one file of the
# corpus DATA (a Speech Commands folder: any file or folder under it; a JSONL manifest: the
# manifest, each file it lists and that file's folder) or FEATURE_CONFIG whose status changed
# after CACHE was written, and nothing when none did (or CACHE is not there: make makes it
# anyway). data.mk makes the cache again when it prints one.
#
# Make's time stamps could not tell: the top folder of a Speech Commands corpus keeps its time
# when a clip is added to, removed from or replaced in a class folder, and a manifest keeps its
# own when a clip it lists is replaced. The change time (ctime) is used, not the modification
# time: a file copied in with cp -p, unpacked from tar or edited and touched back keeps an old
# modification time, but any write, rename or removal sets the change time (of the file, or of
# its folder) to now. -L follows symbolic links to their targets, as featurize reads them.
cache=$1 data=$2 config=$3
[ -e "$cache" ] || exit 0
cache=$(realpath -m -- "$cache")   # find runs in the corpus's folder
# The cache, its .NAME.source and .NAME.lock and featurize's NAME.tmp.* temporaries may lie in the
# corpus's folders (FEATURES=DATA/x.feat): they are not the corpus (featurize skips hidden and
# non-audio files) and are written after the cache's time, so they are passed by, and so is the
# time of the folder that holds them (its entries change as they are written): a class folder
# removed from that folder alone goes unseen. Hidden entries below the top are passed by too.
# The script runs at every make of a pipeline goal (a sweep's, and each stage's of make staged):
# folders and names are taken with the shell's own expansions, not dirname and basename, and
# find reads the paths itself (no xargs and sh), each process saved being milliseconds of each
# make (realpath's result is absolute, without a trailing /).
cache_dir=${cache%/*} cache_name=${cache##*/}
[ -n "$cache_dir" ] || cache_dir=/
skip=(! -samefile "$cache" ! -samefile "$cache_dir" ! -name "$cache_name.tmp.*")
# changed PATH... | changed -files0-from -: prints the first of the PATHs (or of the NUL-separated
# paths on stdin, as many as they are: no command line to overflow) whose status changed after
# the cache, and looks no further
changed() { find -L "$@" -maxdepth 0 -cnewer "$cache" "${skip[@]}" -print -quit 2>/dev/null; }
if [ -d "$data" ]; then
  r=$(changed "$config")
  [ -z "$r" ] || { printf '%s\n' "$r"; exit 0; }
  cd -- "$data" && find -L . -name '.?*' -prune -o -cnewer "$cache" "${skip[@]}" -print -quit 2>/dev/null
else
  # A manifest's paths are relative to its folder; a listed file's folder changes when the file is
  # removed or renamed. Lines that are not JSON objects with a string path are featurize's to
  # refuse: the check passes them by (a BOM, CRLF endings it takes as featurize does). (DATA is
  # no folder here: with a trailing / it names nothing to read, whatever its folder is taken to be.)
  r=$(changed "$config" "$data")
  [ -z "$r" ] || { printf '%s\n' "$r"; exit 0; }
  case $data in */*) dir=${data%/*}; [ -n "$dir" ] || dir=/ ;; *) dir=. ;; esac
  cd -- "$dir" || exit 0
  # The paths go from jq to find through a pipe, not into a bash array: mapfile reads a pipe a byte
  # at a time (it may not read past the delimiter), a read system call a byte, 3.7 s of each make
  # for a Speech Commands manifest of 100 000 clips, and < <(jq ...), a process substitution bash
  # opens as /dev/fd/N, a link into /proc, failed without /proc mounted (chroots, minimal
  # containers): a clip the manifest lists, replaced, went unseen. One jq gives the folders, each
  # once, then the files: two jq runs, a sed for the folders and a sort -zu for them once each were
  # four processes at every make of a pipeline goal. A folder is the path up to its last '/' ('/'
  # for "/x", '.' for a path without one); unique compares code points (byte order in UTF-8), so
  # folders that a UTF-8 locale's collation takes as equal (private use, unassigned characters)
  # stay two. A manifest without a path leaves find nothing to look at: it prints nothing.
  jq -njR '[inputs | ltrimstr("\ufeff") | fromjson? | objects | .path | strings | select(. != "")]
    | (map(if index("/") then split("/") | .[:-1] | join("/") | if . == "" then "/" else . end else "." end)
       | unique[]), .[]
    | . + "\u0000"' "./${data##*/}" 2>/dev/null | changed -files0-from -
fi
