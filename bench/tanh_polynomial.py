#!/usr/bin/env python3
"""Coefficients of the polynomial in Sources/MLPNumerics/TanhSIMD.swift, and its error.

expm1(2s) = 2s + s^2 P(s), P(s) = 2 + c3 s + ... + c11 s^9, on |s| <= ln2/4 (the reduced argument,
with a small margin). c1 = c2 = 2 are the exact Taylor coefficients; c3..c11 are fitted for the
relative error of expm1 by Lawson's iteratively reweighted least squares (near-minimax) on 120
Chebyshev points, in 50-digit decimal arithmetic, then rounded to double. Prints the coefficients
and the maximum relative error of the double-coefficient polynomial (exact evaluation) on a
12,001-point grid. Standard library only; takes a few seconds.
"""
from decimal import Decimal as D, getcontext

getcontext().prec = 50
TINY = D(10) ** -60
PI = D("3.14159265358979323846264338327950288419716939937510582097494")


def expm1(x):
    if abs(x) < D("0.5"):
        total, term, k = D(0), x, 1
        while abs(term) > TINY:
            total += term
            k += 1
            term = term * x / k
        return total
    return x.exp() - 1


def cos(x):
    total, term, k = D(0), D(1), 0
    while abs(term) > TINY:
        total += term
        k += 2
        term = -term * x * x / (k * (k - 1))
    return total


def solve(a, b):
    """Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [bb] for row, bb in zip(a, b)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        for r in range(i + 1, n):
            f = m[r][i] / m[i][i]
            for c in range(i, n + 1):
                m[r][c] -= f * m[i][c]
    x = [D(0)] * n
    for i in reversed(range(n)):
        x[i] = (m[i][n] - sum(m[i][c] * x[c] for c in range(i + 1, n))) / m[i][i]
    return x


def main():
    radius = D(2).ln() / 4 * D("1.0002")
    fixed = {1: D(2), 2: D(2)}      # expm1(2s) = sum c_k s^k
    free = list(range(3, 12))       # c3 .. c11
    nodes = [radius * cos(PI * (2 * j + 1) / 240) for j in range(120)]
    # Relative error: fit g(s) = (expm1(2s) - 2s - 2s^2) / expm1(2s) by sum c_k s^k / expm1(2s).
    targets = [expm1(2 * s) for s in nodes]
    rows = [[s ** k / t for k in free] for s, t in zip(nodes, targets)]
    rhs = [(t - sum(c * s ** k for k, c in fixed.items())) / t for s, t in zip(nodes, targets)]
    weights = [D(1)] * len(nodes)
    for _ in range(40):
        normal = [[sum(w * r[i] * r[j] for w, r in zip(weights, rows)) for j in range(len(free))] for i in range(len(free))]
        right = [sum(w * r[i] * y for w, r, y in zip(weights, rows, rhs)) for i in range(len(free))]
        solution = solve(normal, right)
        errors = [abs(sum(c * v for c, v in zip(solution, r)) - y) for r, y in zip(rows, rhs)]
        total = sum(w * e for w, e in zip(weights, errors))
        weights = [w * e / total for w, e in zip(weights, errors)]
    coefficients = {**fixed, **{k: D(float(c)) for k, c in zip(free, solution)}}
    worst = D(0)
    for j in range(-6000, 6001):
        s = radius * j / 6000
        if s:
            exact = expm1(2 * s)
            worst = max(worst, abs((sum(c * s ** k for k, c in coefficients.items()) - exact) / exact))
    for k, c in sorted(coefficients.items()):
        print(f"c{k} = {float(c)!r}")
    print(f"max relative error of expm1(2s) on |s| <= {float(radius):.6f}: {float(worst):.3e}")


if __name__ == "__main__":
    main()
