"""tcpu.py FILE END: CPU per thread group of the Agua server (threadcpu's FILE) over the 9 s before the
epoch END (the moment bench/run printed a row: its 10 s run had just ended), as % of one core."""
import sys, collections
f, end = sys.argv[1], float(sys.argv[2]); start = end - 9.5; end -= 0.5
rows = [l.split() for l in open(f)]
times = sorted({float(r[0]) for r in rows})
t0 = min(times, key=lambda t: abs(t - start)); t1 = min(times, key=lambda t: abs(t - end))
def snap(t):
    d = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        if float(r[0]) == t:
            name = r[2].rstrip('0123456789').rstrip('-')
            d[name][0] += int(r[3]); d[name][1] += int(r[4])
    return d
a, b = snap(t0), snap(t1); dt = t1 - t0
print("window %.1f s" % dt)
tot = [0, 0]
for k in sorted(b, key=lambda k: -(b[k][0] + b[k][1] - a[k][0] - a[k][1])):
    u = (b[k][0] - a[k][0]) / 100 / dt * 100; s = (b[k][1] - a[k][1]) / 100 / dt * 100
    tot[0] += u; tot[1] += s
    if u + s > 0.5: print("%-28s user %5.1f %%  sys %5.1f %%" % (k, u, s))
print("total user %.1f %% sys %.1f %%" % tuple(tot))
