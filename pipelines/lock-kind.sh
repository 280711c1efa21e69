# pipelines/lock-kind.sh — sourced by trial.sh, monitor.sh and data.mk's cache recipe for their
# locks. lock_kind FD PATH sets kind to what the caller opened read-write on FD from PATH: file,
# fifo or other; only a file is taken for a lock (a FIFO put there, t4061, is none).
# A variable, not printed: kind=$(lock_kind ...) was a subshell, and bash drops a Ctrl-C that comes
# while it waits for a command substitution's process that then exits normally, trap or not:
# monitor.sh start went on and started the monitor after make had gone (t0990).
# It looks through the descriptor (/dev/fd/FD), at what was opened, not at what PATH names by
# then. On Linux /dev/fd is a link into /proc (bash's test looks at /proc/self/fd/FD): without
# /proc mounted (some chroots, minimal containers) nothing is there, and every lock was taken for
# no regular file, every trial running without one. There it looks at PATH itself: what PATH
# names may have changed since the open, but the lock is then no less one than no lock was.
lock_kind() {
  local at=/dev/fd/$1
  [ -e "$at" ] || at=$2   # an open descriptor that cannot be looked at: no /proc
  if [ -f "$at" ]; then kind=file
  elif [ -p "$at" ]; then kind=fifo
  else kind=other; fi
}
