"""idle.py HOST PORT N: opens N connections to HOST:PORT from 127.0.5.x source addresses, reads each greeting, then holds
them silent until stdin closes or a line arrives; prints 'held N greeted G' when all are greeted."""
import socket, selectors, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per_addr = 400
sel = selectors.DefaultSelector()
socks = []
greeted = 0
deadline = time.time() + 120
inflight = 0
i = 0
while (i < n or inflight) and time.time() < deadline:
    while i < n and inflight < 200:
        s = socket.socket(); s.setblocking(False)
        s.bind(("127.0.5.%d" % (1 + i // per_addr), 0))
        try: s.connect((host, port))
        except BlockingIOError: pass
        sel.register(s, selectors.EVENT_READ); socks.append(s); inflight += 1; i += 1
    for key, _ in sel.select(1):
        s = key.fileobj
        try: data = s.recv(4096)
        except OSError: data = b""
        sel.unregister(s); inflight -= 1
        if data: greeted += 1
print("held %d greeted %d" % (len(socks), greeted), flush=True)
sys.stdin.readline()
for s in socks: s.close()
