"""A stand-in for a PostgreSQL server on 127.0.0.1 (a free port, printed on stdout), for the tests
of a server that answers wrongly or not at all. MODE:
  hold       holds every connection without a word (a stalled server, a network dropping packets)
  handshake  answers the startup packet (no authentication, then ReadyForQuery) and nothing after
  refuse     answers each startup packet with a FATAL error, as a server without that database
The file "counts" (in the working folder, replaced whole) says "TOTAL OPEN MOST" after each event:
the connections accepted, those open now, and the most open at once: whether a client closed each
one it gave up. Started by lib.sh's start_pg_standin."""
import os
import select
import socket
import struct
import sys

mode = sys.argv[1]
if mode not in ("hold", "handshake", "refuse"):
    sys.exit(f"pg-standin.py: unknown mode {mode!r}")


def msg(kind, body):
    return kind + struct.pack("!i", len(body) + 4) + body


hello = (msg(b"R", struct.pack("!i", 0))   # AuthenticationOk
         + b"".join(msg(b"S", k + b"\0" + v + b"\0") for k, v in [
             (b"server_version", b"14.0"), (b"client_encoding", b"UTF8"),
             (b"standard_conforming_strings", b"on"), (b"integer_datetimes", b"on")])
         + msg(b"K", struct.pack("!ii", 4242, 1)) + msg(b"Z", b"I"))
no_db = msg(b"E", b"SFATAL\0VFATAL\0C3D000\0Mdatabase \"db\" does not exist\0\0")

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
            if mode == "handshake":
                r.sendall(hello)
    most = max(most, len(held))
    with open("counts.tmp", "w") as f:
        f.write(f"{total} {len(held)} {most}\n")
    os.replace("counts.tmp", "counts")
