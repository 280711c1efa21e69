# share/completion.bash — bash completion for the wakesweep tools. Source it from ~/.bashrc
# (`. /path/to/wakesweep/share/completion.bash`) or copy it into /etc/bash_completion.d/.
# It completes bin/suggest (and ~/wakesweep/bin/suggest) as well as suggest on PATH. The options
# come from the tool's own --help when TAB is pressed, so they cannot drift from what the tool
# parses (t0010 keeps --help and the man pages in step); an option's value: its choices, else
# files where it names a file.
_wakesweep() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev= i=$COMP_CWORD pre= word
  # A ':' in COMP_WORDBREAKS (bash's default) splits --db sqlite:///runs/x.db into "sqlite" ":"
  # "///runs/x.db" (a file a:b.db into "a" ":" "b.db"): the pieces are joined again into the
  # word completed, and as readline replaces only the text after its last ':', that much is
  # taken off each completion at the end.
  if [[ $COMP_WORDBREAKS == *:* ]]; then
    while [ "$i" -gt 1 ] && [[ ${COMP_WORDS[i]} =~ ^:+$ || ${COMP_WORDS[i - 1]} =~ ^:+$ ]] &&
          [[ ${COMP_WORDS[i - 1]} != = && ! ${COMP_WORDS[i - 1]} =~ ^-[^=]*$ ]]; do
      i=$((i - 1))
      cur=${COMP_WORDS[i]}$cur
    done
  fi
  if [[ $cur =~ ^(--[a-z][a-z-]*)=(.*)$ ]]; then
    # no "=" in COMP_WORDBREAKS: --name=VALUE is one word, replaced whole
    prev=${BASH_REMATCH[1]} pre=${BASH_REMATCH[1]}= cur=${BASH_REMATCH[2]}
  else
    # --name=VALUE: bash breaks the word at "=" (COMP_WORDBREAKS), so "=" is a word of its own
    [ "$cur" = = ] && cur=
    [ "$i" -gt 1 ] && [ "${COMP_WORDS[i - 1]}" = = ] && i=$((i - 1))
    [ "$i" -gt 0 ] && prev=${COMP_WORDS[i - 1]}
  fi
  word=$pre$cur
  COMPREPLY=()
  _wakesweep_reply || return 0
  [ -z "$pre" ] || COMPREPLY=("${COMPREPLY[@]/#/"$pre"}")
  if [[ $COMP_WORDBREAKS == *:* && $word == *:* ]]; then
    COMPREPLY=("${COMPREPLY[@]#"${word%"${word##*:}"}"}")
  fi
}
# COMPREPLY for cur after prev (an option or empty); 1 when the tool gives no --help
_wakesweep_reply() {
  local help cmd=${COMP_WORDS[0]}
  # COMP_WORDS holds the command as typed: a leading ~ or ~user (~/src/wakesweep/bin/suggest), or
  # a leading $NAME or ${NAME} ($WS/bin/suggest), is expanded by the shell only when the line
  # runs, so it is expanded here (the ~ by eval, to which the regex leaves nothing else to run; a
  # variable by its name, the shell's own); run as typed, it was no command and nothing was
  # completed.
  if [[ $cmd =~ ^(~[A-Za-z0-9._-]*)(/.*)?$ ]]; then eval "cmd=${BASH_REMATCH[1]}"; cmd=$cmd${BASH_REMATCH[2]}
  elif [[ $cmd =~ ^\$(\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))(/.*)$ ]]; then
    local var=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
    cmd=${!var-}${BASH_REMATCH[4]}
  fi
  help=$(command "$cmd" --help 2>/dev/null) || return 1
  case $prev in
    -[a-zA-Z])   # a short option: its long name, from its --help line "-o, --out CACHE"
      prev=$(grep -oE -- "^ {1,8}$prev, --[a-z][a-z-]*" <<<"$help" | grep -oE -- '--[a-z-]+$') || return 1 ;;
    --[a-z]*) [[ $prev =~ ^--[a-z][a-z-]*$ ]] || prev= ;;
    *) prev= ;;
  esac
  case $prev in
    --format) COMPREPLY=($(compgen -W "text json jsonl csv html" -- "$cur")); return 0 ;;
    --state) COMPREPLY=($(compgen -W "complete pruned fail" -- "$cur")); return 0 ;;
    --device) COMPREPLY=($(compgen -W "auto cpu cuda" -- "$cur")); return 0 ;;
    --precision) COMPREPLY=($(compgen -W "tf32 fp32 bf16" -- "$cur")); return 0 ;;
    --keep) COMPREPLY=($(compgen -W "best none" -- "$cur")); return 0 ;;
    --split) COMPREPLY=($(compgen -W "train validation test all" -- "$cur")); return 0 ;;
    --fallback) COMPREPLY=($(compgen -W "cpu none" -- "$cur")); return 0 ;;
  esac
  # An option that takes an argument: its --help line reads "--name PLACEHOLDER". Files and
  # folders are read a line each (mapfile), not split into words: "my cache.feat" is one name.
  local arg=   # empty, not unset: the function runs in the user's shell, which may have set -u
  [ -n "$prev" ] && arg=$(grep -E -- "^ {1,8}(-[a-zA-Z], )?$prev [A-Z]" <<<"$help" | grep -oE -- "$prev [A-Z][A-Z_]*" | head -1)
  if [ -n "$arg" ]; then
    case ${arg#* } in
      DIR) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
      FILE | CACHE | CKPT | PATH | URL)   # a URL's sqlite:///FILE: the FILE after it
        local url=
        if [ "${arg#* }" = URL ]; then
          case $cur in
            sqlite:///*) url=sqlite:/// cur=${cur#sqlite:///} ;;
            sqlite: | sqlite:/ | sqlite://) url=sqlite:/// cur= ;;
          esac
        fi
        compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        [ -z "$url" ] || COMPREPLY=("${COMPREPLY[@]/#/$url}") ;;
    esac
    return 0
  fi
  if [ "${cur#-}" != "$cur" ]; then
    COMPREPLY=($(compgen -W "$(grep -E '^ {1,8}-' <<<"$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
  else   # INPUT of featurize, TRIAL_FILE of train-trial
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -F _wakesweep featurize suggest train-trial prune-check tell report gpu-monitor study-copy
