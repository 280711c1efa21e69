"""tests/cli/pywarm.py — Python start-ups without the imports: `import optuna` is about 1.2 s of
CPU and `import torch` 2-3 s, and a test file that runs "$PY" twenty times paid them twenty times.

  python3 pywarm.py serve SOCKET MODULE...   (py_warm in lib.sh starts it) imports the MODULEs
      once, then for each client forks a copy of itself that runs the client's command there:
      the same interpreter, the modules already loaded, nothing left over from the runs before
      (each run is a fresh fork of the server, which never runs a script itself).
  pywarm-client SOCKET PYTHON ARG...   (what $PY runs after py_warm: tests/cli/pywarm-client.c,
      built by make check) runs `PYTHON ARG...` in a fork of the server, with the client's own
      stdin, stdout and stderr (the open files themselves, passed over the socket: output lands
      where python's would, at the same offsets), its working folder and environment, and exits as
      python would (its status; 128 + N when a signal N ended it). A command the server does not
      take (an option other than -W X, -u, -B, -c CODE, -, a script), an environment whose PYTHON*
      variables differ from the server's, a umask or resource limits other than the server's
      (proc_state), a PYTHON other than the server's own, or no server, and it execs PYTHON
      itself. (The client was a python3 -I -S run of this file, 40 ms of CPU a start, about 550
      starts a make check; in C it is a process start, about 3 ms.)

The server ends on TERM (py_warm's EXIT trap) or when the test file that started it has gone
(it polls its parent).

  python3 pywarm.py serve-run SOCKET RUN_PID MODULE...   (py_warm under tests/run.sh) the same
      server for the whole run: the first test file that wants these MODULEs starts it, the
      others find its SOCKET (in the run's WS_FIXTURES) and use it, so that `import optuna` is
      paid once per run instead of once per file (52 files). It leaves the file's session (a file
      stopped at its time limit, its process group killed, does not take it along) and every
      file the file had open but 0, 1 and 2 (a pipe of make's or CI's is not held open by it).
      A second server for the same SOCKET finds it bound and exits. It ends when SOCKET is gone
      (tests/run.sh removes its folder at exit) or RUN_PID is, and takes along the runs still
      going (those of a file stopped at its limit), so nothing outlives the run. Its runs' CPU
      time is nobody's: WS_TEST_TIMES no longer counts it in the file's. A run whose client is
      gone (killed with its file's process group, or by its pid) is killed then, not at the end.
"""
import os
import socket
import struct
import sys

HDR = struct.Struct("!I")
# the PYTHON the server was started as ("$PY", py_warm passes it): the clients' is the same text
SERVER_PYTHON = os.environ.get("PYWARM_PYTHON", sys.executable)


def recv_exact(conn, n):
    b = b""
    while len(b) < n:
        c = conn.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def parse(args):
    """PYTHON's ARGs: (warnoptions, unbuffered, kind, what, argv) or None when not taken."""
    warn, unbuf, i = [], False, 0
    while i < len(args):
        a = args[i]
        if a == "-W" and i + 1 < len(args):
            warn.append(args[i + 1]); i += 2
        elif a.startswith("-W") and len(a) > 2:
            warn.append(a[2:]); i += 1
        elif a == "-u":
            unbuf = True; i += 1
        elif a == "-B":
            i += 1
        elif a == "-c" and i + 1 < len(args):
            return warn, unbuf, "c", args[i + 1], ["-c"] + args[i + 2:]
        elif a == "-":
            return warn, unbuf, "stdin", None, ["-"] + args[i + 1:]
        elif a.startswith("-"):
            return None
        else:
            return warn, unbuf, "file", a, args[i:]
    return None   # no script: the interactive interpreter


def proc_state():
    """What a process passes on to python that is neither its files, folder nor environment: its
    umask and resource limits (`umask 077`, `ulimit -n 64`, `ulimit -v` before "$PY"). A run is a
    fork of the server and has the server's, those of the file that started it (under tests/run.sh
    any file of the run's): a client whose differ has python run itself."""
    import resource
    um = os.umask(0o22)
    os.umask(um)
    # as pywarm-client.c writes it: "UMASK SOFT HARD ..." for each limit from 0 up to the first the
    # kernel does not know, infinity as -1
    words, r = [str(um)], 0
    while True:
        try:
            lim = resource.getrlimit(r)
        except ValueError:
            break
        words += ["-1" if v == resource.RLIM_INFINITY else str(v) for v in lim]
        r += 1
    return " ".join(words)


def read_request(conn):
    """The client's request (pywarm-client.c says how it is written) as a dict, and the files
    that came with it; None for a request that is not one."""
    msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    if len(msg) < 4:
        return None, fds
    (n,) = HDR.unpack(msg[:4])
    body = msg[4:]
    while len(body) < n:
        body += recv_exact(conn, n - len(body))
    f = [os.fsdecode(x) for x in body.split(b"\0")]
    if len(f) < 6 or f[0] != "pywarm1" or not f[4].isdigit() or len(f) < 6 + int(f[4]):
        return None, fds
    nargs = int(f[4])
    env = {}
    for kv in f[5 + nargs:-1]:   # the last is the empty text after the last NUL
        k, eq, v = kv.partition("=")
        if eq and k and k not in env:   # a name given twice: the first, as python's os.environ
            env[k] = v
    return {"python": f[1], "cwd": f[2], "proc": f[3], "args": f[5:5 + nargs], "env": env}, fds


def run_script(req):
    """In the fork that runs one command: become that python run, and never return."""
    import atexit, io, time, traceback, warnings
    warn, unbuf, kind, what, argv = parse(req["args"])
    os.chdir(req["cwd"])
    os.environ.clear(); os.environ.update(req["env"])
    if hasattr(time, "tzset"):
        time.tzset()
    enc = sys.stdout.encoding
    sys.stdin = io.TextIOWrapper(io.open(0, "rb", closefd=False), encoding=enc, errors=sys.stdin.errors)
    out = io.open(1, "wb", buffering=0 if unbuf else -1, closefd=False)
    sys.stdout = io.TextIOWrapper(out, encoding=enc, errors=sys.stdout.errors,
                                  line_buffering=os.isatty(1) or unbuf, write_through=unbuf)
    sys.stderr = io.TextIOWrapper(io.open(2, "wb", buffering=0, closefd=False), encoding=enc,
                                  errors="backslashreplace", line_buffering=True, write_through=True)
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    # The filters python starts with and those the MODULEs added as the server imported them (as
    # the script's own import would), with the -W options in front, as -W puts them.
    sys.warnoptions[:] = warn
    for w in warn:
        warnings._setoption(w)
    sys.argv[:] = argv
    g = {"__name__": "__main__", "__builtins__": __builtins__, "__doc__": None, "__package__": None}
    rc = 0
    try:
        if kind == "file":
            sys.path[0] = os.path.dirname(os.path.realpath(what))
            import runpy
            runpy.run_path(what, run_name="__main__")
        else:
            sys.path[0] = ""
            code = what if kind == "c" else sys.stdin.read()
            g["__file__"] = "<stdin>" if kind == "stdin" else None
            if kind == "c":
                del g["__file__"]
            exec(compile(code, "<string>" if kind == "c" else "<stdin>", "exec"), g)
    except SystemExit as e:
        c = e.code
        if c is None:
            rc = 0
        elif isinstance(c, int):
            rc = c & 0xff
        else:
            sys.stderr.write(str(c) + "\n"); rc = 1
    except BaseException:
        traceback.print_exc(); rc = 1
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except BaseException:
            rc = rc or 120
    os._exit(rc)


def coerced_c_locale(env):
    """The locale python started with env would put in its environment's LC_CTYPE, coercing a C
    locale (PEP 538: C.UTF-8 here), which the programs it starts inherit; None where it would not.
    The client hands over its environment as the shell has it (the python client this was had
    done the coercion itself, being a python), so the run's is coerced here, as python's own
    would be. (Falling back to python itself there made every run in an environment without a
    locale, as a bare CI machine's may be, pay its imports.) The locale env names are resolved as
    setlocale(LC_CTYPE, "") would (one the system does not know is "C"), checked here and put back."""
    import locale
    if env.get("LC_ALL") or env.get("PYTHONCOERCECLOCALE") == "0":
        return None
    old = locale.setlocale(locale.LC_CTYPE)
    try:
        try:
            got = locale.setlocale(locale.LC_CTYPE, env.get("LC_CTYPE") or env.get("LANG") or "C")
        except locale.Error:
            got = "C"
        if got not in ("C", "POSIX"):
            return None
        for target in ("C.UTF-8", "C.utf8", "UTF-8"):   # python's order
            try:
                locale.setlocale(locale.LC_CTYPE, target)
                return target
            except locale.Error:
                pass
        return None
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


def handle(conn, server_pyenv, server_proc):
    """In a fork of the server: runs the command in a fork of its own, answers its status."""
    req, fds = read_request(conn)
    # a client of another PYTHON (a file's own $PY: a venv's, a debug build) under tests/run.sh,
    # whose servers are found by their MODULEs alone, has it run itself, not the server's python;
    # so does a command run_script does not take (parse: an option it does not know, no script)
    if req is None or len(fds) != 3 or parse(req["args"]) is None or req["proc"] != server_proc \
            or req["python"] != SERVER_PYTHON \
            or {k: v for k, v in req["env"].items() if k.startswith("PYTHON")} != server_pyenv:
        conn.sendall(b"fallback"); os._exit(0)
    coerced = coerced_c_locale(req["env"])
    if coerced:
        req["env"]["LC_CTYPE"] = coerced
    pid = os.fork()
    if pid == 0:
        try:
            conn.close()
            for i, fd in enumerate(fds):
                os.dup2(fd, i)
                if fd > 2:
                    os.close(fd)
            run_script(req)
        except BaseException:
            import traceback
            traceback.print_exc()
        os._exit(70)
    for fd in fds:
        os.close(fd)
    # The client sends nothing after its request: its end readable is the client gone (killed: a
    # test file stopped at its time limit, its process group signalled, or `kill` of "$PY"'s pid).
    # Its run goes too, as the python it stands for would have: the run is in the server's process
    # group, out of the file's reach, and went on to the run's end (a serve-run server's).
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None   # no pidfd (Linux before 5.3): the run is waited for, whatever the client
    if pidfd is not None:
        import select, signal
        r, _, _ = select.select([conn, pidfd], [], [])
        if pidfd not in r:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    rc = 128 - rc if rc < 0 else rc
    try:
        conn.sendall(b"%8d" % rc)
    except OSError:
        pass   # the client is gone
    os._exit(0)


def serve(sock_path, modules, run_pid=None):
    import importlib, select, signal
    parent = os.getppid()
    if run_pid is not None:
        os.setsid()
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(sock_path)
    except OSError:
        if run_pid is None:
            raise
        sys.exit(0)   # another file's server for these MODULEs came first: the files use it
    s.listen(64)   # clients that come before the imports are done wait here
    for m in modules:   # (what they warn of goes to the server's stderr, a file)
        try:
            importlib.import_module(m)
        except ImportError:
            pass   # the scripts that need it fail as they would
    server_pyenv = {k: v for k, v in os.environ.items() if k.startswith("PYTHON")}
    server_proc = proc_state()
    # TERM (py_warm's EXIT trap) ends it once every run has ended: the runs are waited for, down
    # to the server, so that their CPU time is the test file's, as a plain python's was.
    def stop(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    def running():
        if run_pid is None:
            return os.getppid() == parent
        try:
            os.kill(run_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return os.path.exists(sock_path)
    try:
        while running():
            r, _, _ = select.select([s], [], [], 0.5)
            try:
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass
            except ChildProcessError:
                pass
            if not r:
                continue
            conn, _ = s.accept()
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                s.close()
                try:
                    handle(conn, server_pyenv, server_proc)
                finally:
                    os._exit(0)
            conn.close()
    except KeyboardInterrupt:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    s.close()
    if run_pid is not None:
        # the run is over: what is still running belongs to a file stopped at its limit
        os.killpg(0, signal.SIGKILL)
    try:
        while True:
            os.wait()
    except ChildProcessError:
        pass


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "serve-run":
        serve(sys.argv[2], sys.argv[4:], int(sys.argv[3]))

