#!/usr/bin/env bash
# An output written through a temporary (featurize's cache, train-trial's checkpoints,
# study-copy's new file) is removed by SIGINT, SIGTERM or SIGHUP until it is renamed into place
# (lib/core/atomic.h). But the handler that removes it was installed, and the temporary named to
# it, only after mkstemp had made the file: a signal in between killed the tool and left
# CACHE.tmp.HOST-PID.XXXXXX beside the cache (about 1 featurize in 20 that a SIGTERM met as the
# temporary appeared). That moment is made a second long here: fchmod, which comes right after
# mkstemp, sleeps first (an LD_PRELOAD shim), and the signal comes while it sleeps.
. "$WS_ROOT/tests/cli/lib.sh"
slow_fchmod_shim "a signal as the temporary is made" || exit 0
mkdir out
sox -R -n -r 16000 -c 1 -b 16 a.wav synth 1 sine 500
echo '{"path":"a.wav","label":"yes","split":"train"}' >m.jsonl
# An ASan build's runtime must come first among the preloaded libraries (else ASan refuses to
# start, exit 1, and no temporary is ever made).
asan=$(asan_lib featurize)
# kill_at_tmp SIG CMD...: CMD run with SIGINT, SIGTERM and SIGHUP at their defaults (whatever the
# test runner was started with: a background job has SIGINT ignored), SIG sent to it once a
# temporary is in out/; prints its exit status as the shell gives it (128 + N when killed)
kill_at_tmp() {
  "$PY" - "$asan" "$@" <<'P'
import os, signal, subprocess, sys, time
asan = sys.argv.pop(1)
sig = getattr(signal, "SIG" + sys.argv[1])
def dfl():
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=dfl,
                     env=dict(os.environ, LD_PRELOAD=(asan + " " if asan else "") + os.path.abspath("slow.so")))
for _ in range(500):
    if any(".tmp." in f for f in os.listdir("out")): break
    time.sleep(0.01)
p.send_signal(sig)
rc = p.wait()
print(128 - rc if rc < 0 else rc)
P
}
for sig in TERM INT HUP; do
  got=$(kill_at_tmp $sig featurize --quiet --out out/x.feat m.jsonl)
  case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; esac
  test_expect_success "featurize: SIG$sig as its temporary is made: dies of it, no temporary left" \
    '[ "$got" = $want ] && [ -z "$(ls -A out)" ]'
  rm -f out/*
done
# A file size limit (ulimit -f) that the cache outgrows: the write raised SIGXFSZ, which killed
# the tool (exit 153, as for cp) and left the temporary beside the cache. Every tool ignores it
# now (ws_cli_init): the write fails ("File too large", exit 3) and the error path removes the
# temporary, as on a full disk (t0905).
got=$(ulimit -f 20; featurize --quiet --out out/x.feat m.jsonl >/dev/null 2>xfsz.err; echo $?)
test_expect_success "featurize past ulimit -f: says so (exit 3), no temporary left" \
  '[ "$got" = 3 ] && grep -q "File too large" xfsz.err && [ -z "$(ls -A out)" ]'
