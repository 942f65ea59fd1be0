#!/usr/bin/env python3
"""Independent NumPy reference for the embedded one-neuron line (Tests/DynamicsAnalysisTests).

Usage: embedded_line_reference.py DATA_FILE ETA

Reads a two-column file `x y` and prints one JSON object: the best width-1 fit c*·tanh(w* x)
(a dense scan of the variable-projection profile, then Newton on (w, c) with a Hessian checked
against central differences of the gradient), the coefficient A, and on the width-2 line
L(γ) = (w*, w*, γc*, (1−γ)c*): the transverse eigenvalue (smallest eigenvalue of the Hessian
restricted to the normal space of L) and λ_max at sample γ, the γ where the transverse eigenvalue
changes sign (bisection to 1e-15 on a grid), and the interval where λ_max < 2/η (bisection).

Written from the formulas in SCIENCE.md only; shares no code with the Swift implementation.
"""
import json
import sys

import numpy as np


def load(path):
    rows = [line.split("#")[0].replace(",", " ").split() for line in open(path, encoding="utf-8")]
    data = np.array([[float(a), float(b)] for a, b in (r for r in rows if len(r) == 2)])
    return data[:, 0], data[:, 1]


def width1(w, c, x, y):
    t = np.tanh(w * x)
    s = 1 - t * t
    r = c * t - y
    n = len(x)
    grad = np.array([2 / n * np.sum(r * c * s * x), 2 / n * np.sum(r * t)])
    hww = 2 / n * np.sum((c * s * x) ** 2 + r * c * (-2 * t * s) * x * x)
    hwc = 2 / n * np.sum(c * s * x * t + r * s * x)
    hcc = 2 / n * np.sum(t * t)
    return np.mean(r * r), grad, np.array([[hww, hwc], [hwc, hcc]])


def fit_width1(x, y):
    n = len(x)
    best = None
    for w in np.geomspace(1e-2, 1e2, 20000):
        t = np.tanh(w * x)
        value = np.mean(y * y) - np.sum(y * t) ** 2 / (n * np.sum(t * t))
        if best is None or value < best[0]:
            best = (value, w, np.sum(y * t) / np.sum(t * t))
    p = np.array(best[1:])
    for _ in range(100):
        _, g, h = width1(p[0], p[1], x, y)
        if np.linalg.norm(g) < 1e-15:
            break
        p = p - np.linalg.solve(h, g)
    # The analytic Hessian agrees with central differences of the gradient.
    eps = 1e-6
    numeric = np.array([(width1(*(p + eps * e), x, y)[1] - width1(*(p - eps * e), x, y)[1]) / (2 * eps) for e in np.eye(2)])
    assert np.allclose(numeric, width1(p[0], p[1], x, y)[2], rtol=1e-6, atol=1e-9), "Hessian check failed"
    if p[0] < 0:
        p = -p
    return p


def hessian2(theta, x, y):
    """The Hessian of E_tr = mean((v1 tanh(w1 x) + v2 tanh(w2 x) - y)^2) at theta = (w1, w2, v1, v2)."""
    w, v = theta[:2], theta[2:]
    n = len(x)
    t = np.tanh(np.outer(w, x))
    s = 1 - t * t
    r = v @ t - y
    jac = np.vstack([v[0] * s[0] * x, v[1] * s[1] * x, t[0], t[1]])
    h = 2 / n * jac @ jac.T
    for i in range(2):
        h[i, i] += 2 / n * np.sum(r * v[i] * (-2 * t[i] * s[i]) * x * x)
        h[i, 2 + i] += 2 / n * np.sum(r * s[i] * x)
        h[2 + i, i] = h[i, 2 + i]
    return h


def main():
    x, y = load(sys.argv[1])
    eta = float(sys.argv[2])
    w, c = fit_width1(x, y)
    t = np.tanh(w * x)
    r = c * t - y
    a = c * 2 / len(x) * np.sum(r * (-2 * t * (1 - t * t)) * x * x)
    normal = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1] / np.sqrt(2)]).T

    def point(gamma):
        return np.array([w, w, gamma * c, (1 - gamma) * c])

    def transverse(gamma):
        return np.linalg.eigvalsh(normal.T @ hessian2(point(gamma), x, y) @ normal)[0]

    def largest(gamma):
        return np.linalg.eigvalsh(hessian2(point(gamma), x, y))[-1]

    def bisect(f, lo, hi):
        flo = f(lo)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if hi - lo <= 1e-15 * max(1, abs(mid)):
                break
            fm = f(mid)
            if (fm > 0) == (flo > 0):
                lo, flo = mid, fm
            else:
                hi = mid
        return 0.5 * (lo + hi)

    # λ_max = 2/η: outward from 1/2 (λ_max grows like γ^2).
    threshold = 2 / eta
    hi = 1.0
    while largest(hi) < threshold:
        hi *= 2
    upper = bisect(lambda g: largest(g) - threshold, 0.5, hi)
    grid = np.linspace(-2.3, 3.3, 1121)
    values = np.array([transverse(g) for g in grid])
    band = 1e-8 * max(1, np.abs(np.linalg.eigvalsh(hessian2(point(0.5), x, y))).max())
    roots, last = [], None
    for g, v in zip(grid, values):
        if abs(v) <= band:
            continue
        if last is not None and (v > 0) != (last[1] > 0):
            roots.append(bisect(transverse, last[0], g))
        last = (g, v)
    samples = [-1.5, -0.3, 0.25, 0.5, 0.8, 1.7, 2.9]
    print(json.dumps({
        "w_star": w, "c_star": c, "E_1": float(np.mean(r * r)), "A": a,
        "gamma": samples, "transverse": [transverse(g) for g in samples], "lambda_max": [largest(g) for g in samples],
        "sign_changes": roots, "stable_interval": [1 - upper, upper],
    }))


if __name__ == "__main__":
    main()
