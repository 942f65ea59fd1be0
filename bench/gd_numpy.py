"""Full-batch GD for the m = 2 tanh network, vectorized NumPy (one Python iteration per step).

Usage: gd_numpy.py DATA STEPS ETA -> one RESULT line (same format as the C programs).
"""
import sys
import time

import numpy as np


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gd_numpy.py DATA STEPS ETA")
    data = np.loadtxt(sys.argv[1], comments="#", ndmin=2)
    steps, eta = int(sys.argv[2]), float(sys.argv[3])
    x, y = data[:, 0].copy(), data[:, 1].copy()
    n = len(x)
    w = np.array([-0.13, 0.13])
    v = np.array([0.16, -0.15])
    start = time.process_time()  # CPU time: the machine is shared
    for _ in range(steps):
        t = np.tanh(np.outer(x, w))          # n x m
        r = t @ v - y                        # residuals
        gw = (2.0 / n) * v * ((r * x) @ (1.0 - t * t))
        gv = (2.0 / n) * (r @ t)
        w = w - eta * gw
        v = v - eta * gv
    elapsed = time.process_time() - start
    theta = ",".join(f"{c:.17g}" for c in np.concatenate([w, v]))
    print(f"RESULT impl=numpy steps={steps} ns_per_step={elapsed / steps * 1e9:.1f} theta={theta}")


if __name__ == "__main__":
    main()
