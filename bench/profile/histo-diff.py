"""histo-diff.py BASE.txt HELD.txt N: what N held sessions added to the heap, class by class, from two
`jcmd PID GC.class_histogram` outputs (idle-measure's histo-base.txt and histo-smtp-held.txt)."""
import re, signal, sys

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under head

def load(path):
    classes = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return classes

base, held, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
rows = sorted(((held[k][1] - base.get(k, (0, 0))[1], held[k][0] - base.get(k, (0, 0))[0], k) for k in held), reverse=True)
print("total %.0f B per session" % (sum(r[0] for r in rows) / n))
for size, count, name in rows:
    if size < 8 * n:
        break
    print("%7.1f B %5.2f objects per session  %s" % (size / n, count / n, name))
