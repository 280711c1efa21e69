"""A stand-in for a PostgreSQL server on 127.0.0.1 (a free port, printed on stdout), for the tests
of a server that answers wrongly or not at all. MODE:
  hold       holds every connection without a word (a stalled server, a network dropping packets)
  handshake  answers the startup packet (no authentication, then ReadyForQuery) and nothing after
  refuse     answers each startup packet with a FATAL error, as a server without that database
  locked     answers the handshake and the statements of gpu-monitor's open of a study Optuna
             made (no wakesweep indexes), its CREATE INDEX with lock_timeout's error (55P03),
             and nothing after it (a server that stalls just then: the ROLLBACK unanswered)
The file "counts" (in the working folder, replaced whole) says "TOTAL OPEN MOST" after each event:
the connections accepted, those open now, and the most open at once: whether a client closed each
one it gave up. Started by lib.sh's start_pg_standin."""
import os
import select
import socket
import struct
import sys

mode = sys.argv[1]
if mode not in ("hold", "handshake", "refuse", "locked"):
    sys.exit(f"pg-standin.py: unknown mode {mode!r}")


def msg(kind, body):
    return kind + struct.pack("!i", len(body) + 4) + body


hello = (msg(b"R", struct.pack("!i", 0))   # AuthenticationOk
         + b"".join(msg(b"S", k + b"\0" + v + b"\0") for k, v in [
             (b"server_version", b"14.0"), (b"client_encoding", b"UTF8"),
             (b"standard_conforming_strings", b"on"), (b"integer_datetimes", b"on")])
         + msg(b"K", struct.pack("!ii", 4242, 1)) + msg(b"Z", b"I"))
no_db = msg(b"E", b"SFATAL\0VFATAL\0C3D000\0Mdatabase \"db\" does not exist\0\0")


def row(value, tag=b"SELECT 1"):
    """One row of one text column, then the command's tag."""
    return (msg(b"T", struct.pack("!h", 1) + b"v\0" + struct.pack("!ihihih", 0, 0, 25, -1, -1, 0))
            + msg(b"D", struct.pack("!hi", 1, len(value)) + value) + msg(b"C", tag + b"\0"))


def ready(status):
    return msg(b"Z", status)


# locked: a simple query's text (a part of it) and its answer, in the order the open sends them
script = [(b"SET ", msg(b"C", b"SET\0") + ready(b"I")),
          (b"pg_tables", row(b"t") + ready(b"I")),
          (b"schema_version", row(b"12") + ready(b"I")),
          (b"alembic_version", row(b"v3.0.0.d") + ready(b"I")),
          (b"pg_indexes", row(b"0") + ready(b"I")),
          (b"BEGIN", msg(b"C", b"BEGIN\0") + ready(b"T")),
          (b"pg_advisory_xact_lock", row(b"") + ready(b"T")),
          (b"CREATE INDEX", msg(b"E", b"SERROR\0VERROR\0C55P03\0Mcanceling statement due to lock timeout\0\0")
           + ready(b"E"))]


def answer(data):
    """The answer to the simple queries ('Q') in data, until one the script does not know."""
    out = b""
    while len(data) >= 5 and data[:1] == b"Q":
        n = struct.unpack("!i", data[1:5])[0]
        text, data = data[5:1 + n], data[1 + n:]
        known = [a for k, a in script if k in text]
        if not known:
            break
        out += known[0]
    return out

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
held, fresh, total, most = [], set(), 0, 0
while True:
    ready, _, _ = select.select([s] + held, [], [])
    for r in ready:
        if r is s:
            c = s.accept()[0]
            total += 1
            if mode == "refuse":
                c.recv(8192)
                c.sendall(no_db)
                c.close()
            else:
                held.append(c)
                fresh.add(c)
            continue
        data = r.recv(8192)
        if not data:   # closed by the client
            held.remove(r)
            fresh.discard(r)
            r.close()
        elif r in fresh:   # its startup packet: read, and answered in handshake mode only
            fresh.discard(r)
            if mode in ("handshake", "locked"):
                r.sendall(hello)
        elif mode == "locked":
            r.sendall(answer(data))
    most = max(most, len(held))
    with open("counts.tmp", "w") as f:
        f.write(f"{total} {len(held)} {most}\n")
    os.replace("counts.tmp", "counts")
