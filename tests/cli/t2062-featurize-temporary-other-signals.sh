#!/usr/bin/env bash
# An output written through a temporary (featurize's cache, train-trial's checkpoints,
# study-copy's new file) was removed by SIGINT, SIGTERM, SIGHUP and SIGXFSZ only (t0062): the
# other signals that end a process where it has no handler of its own left CACHE.tmp.HOST-PID.XXXXXX
# beside the cache, as large as the cache, until a later run wrote the same cache: SIGQUIT (Ctrl-\
# at a terminal), SIGUSR1 and SIGUSR2 (Slurm's --signal, sent before a job's time runs out),
# SIGALRM (timeout -s ALRM), SIGXCPU (a CPU time limit, ulimit -t or a scheduler's), SIGVTALRM and
# SIGPROF. study-copy(1) says only a SIGKILL leaves its temporary. Each now removes it too, and
# the process still dies of the signal (a core where the signal makes one). The moment the
# temporary exists is made a second long as in t0062: fchmod, right after mkstemp, sleeps first
# (an LD_PRELOAD shim), and the signal comes while it sleeps.
. "$WS_ROOT/tests/cli/lib.sh"
slow_fchmod_shim "a signal while the temporary is there" || exit 0
mkdir out
sox -R -n -r 16000 -c 1 -b 16 a.wav synth 1 sine 500
echo '{"path":"a.wav","label":"yes","split":"train"}' >m.jsonl
asan=$(asan_lib featurize)
# kill_at_tmp SIG CMD...: CMD run with SIG at its default and no core file, SIG sent to it once a
# temporary is in out/; prints "signal N" when it died of signal N, else "exit N"
kill_at_tmp() {
  "$PY" - "$asan" "$@" <<'P'
import os, resource, signal, subprocess, sys, time
asan = sys.argv.pop(1)
sig = getattr(signal, "SIG" + sys.argv[1])
def start():
    signal.signal(sig, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=start,
                     env=dict(os.environ, LD_PRELOAD=(asan + " " if asan else "") + os.path.abspath("slow.so")))
for _ in range(500):
    if any(".tmp." in f for f in os.listdir("out")): break
    time.sleep(0.01)
seen = any(".tmp." in f for f in os.listdir("out"))
p.send_signal(sig)
rc = p.wait()
print(("signal %d" % -rc if rc < 0 else "exit %d" % rc) + ("" if seen else " (no temporary seen)"))
P
}
for sig in QUIT USR1 USR2 ALRM XCPU VTALRM PROF; do
  got=$(kill_at_tmp $sig featurize --quiet --out out/x.feat m.jsonl)
  want="signal $(kill -l $sig)"
  test_expect_success "featurize: SIG$sig while its temporary is there: dies of it ($got), no temporary left" \
    '[ "$got" = "$want" ] && [ -z "$(ls -A out)" ]'
  rm -f out/*
done
