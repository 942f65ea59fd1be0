#!/usr/bin/env python3
"""Independent NumPy reference for the richer case's fits and embeddings (Tests/DynamicsAnalysisTests).

Usage: richer_reference.py DATA_FILE TEACHER_W1,TEACHER_W2,... TEACHER_V1,TEACHER_V2,... SEED
       richer_reference.py DATA_FILE --critical W1,...,WM,V1,...,VM

The second form prints, for one point θ of any width, |∇E_tr| and the Hessian's eigenvalues there (a refined
plateau of a run, checked point by point).

Reads a two-column file `x y` and prints one JSON object:
- the best width-1 fit c·tanh(w x) (a dense scan of the variable-projection profile, then Newton) and the
  best width-2 fit (damped Newton from 60 seeded random starts, the lowest strict minimum), each with
  E_tr and E_gen = E_{x~N(0,1)}(f − f*)² by the trapezoid rule on [−12, 12] with step 10⁻³ (spectrally
  accurate for a smooth integrand that vanishes at both ends, even for steep tanh);
- for each unit i of the width-2 fit φ: A_i = v_i (2/n) Σ r_k tanh''(w_i x_k) x_k², and on the line
  obtained by splitting unit i into width 3 (copies with output weights γ v_i, (1 − γ) v_i, the new unit
  last) the transverse eigenvalue (smallest eigenvalue of the Hessian on the orthogonal complement of
  the line's tangent) and λ_max at sample γ;
- for φ with a zero unit (0, 0) appended: b = (2/n) Σ r_k x_k and the Hessian's eigenvalues there.

Written from SCIENCE.md's formulas only; shares no code with the Swift implementation. The Hessian is
the analytic one for any width, checked against central differences of the analytic gradient.
"""
import json
import sys

import numpy as np

GAMMAS = [-1.0, 0.25, 0.5, 2.0]


def load(path):
    rows = [line.split("#")[0].replace(",", " ").split() for line in open(path, encoding="utf-8")]
    data = np.array([[float(a), float(b)] for a, b in (r for r in rows if len(r) == 2)])
    return data[:, 0], data[:, 1]


def split(theta):
    m = len(theta) // 2
    return theta[:m], theta[m:]


def output(theta, x):
    w, v = split(theta)
    return np.tanh(np.outer(x, w)) @ v


def error(theta, x, y):
    return np.mean((output(theta, x) - y) ** 2)


def gradient(theta, x, y):
    w, v = split(theta)
    t = np.tanh(np.outer(x, w))
    r = t @ v - y
    n = len(x)
    gw = 2 / n * ((r[:, None] * (1 - t * t) * x[:, None]) * v).sum(0)
    return np.concatenate([gw, 2 / n * (r[:, None] * t).sum(0)])


def hessian(theta, x, y):
    w, v = split(theta)
    m, n = len(w), len(x)
    t = np.tanh(np.outer(x, w))
    s = 1 - t * t
    r = t @ v - y
    jac = np.hstack([s * x[:, None] * v, t])
    h = 2 / n * jac.T @ jac
    for i in range(m):
        h[i, i] += 2 / n * np.sum(r * v[i] * (-2 * t[:, i] * s[:, i]) * x * x)
        h[i, m + i] += 2 / n * np.sum(r * s[:, i] * x)
        h[m + i, i] = h[i, m + i]
    return h


def check_hessian(theta, x, y):
    step = 1e-6
    numeric = np.array([(gradient(theta + step * e, x, y) - gradient(theta - step * e, x, y)) / (2 * step)
                        for e in np.eye(len(theta))])
    assert np.max(np.abs(numeric - hessian(theta, x, y))) < 1e-6, "analytic Hessian disagrees with differences"


def newton(theta, x, y, iterations=500):
    """Damped Newton with an eigenvalue shift (a descent method: every step lowers E_tr)."""
    for _ in range(iterations):
        g = gradient(theta, x, y)
        if np.linalg.norm(g) < 1e-13:
            break
        values, vectors = np.linalg.eigh(hessian(theta, x, y))
        shift = max(0.0, -values[0]) + 1e-12 * max(1.0, np.abs(values).max())
        step = -vectors @ ((vectors.T @ g) / (values + shift))
        value = error(theta, x, y)
        alpha = 1.0
        while alpha > 1e-12 and error(theta + alpha * step, x, y) > value:
            alpha /= 2
        theta = theta + alpha * step
    return theta


def generalization(theta, teacher):
    x = np.linspace(-12, 12, 24001)
    density = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
    return float(np.sum(density * (output(theta, x) - output(teacher, x)) ** 2) * (x[1] - x[0]))


def width1(x, y):
    best = None
    for w in np.concatenate([-np.geomspace(1e-3, 50, 3000), np.geomspace(1e-3, 50, 3000)]):
        t = np.tanh(w * x)
        c = (t @ y) / (t @ t)
        e = np.mean((c * t - y) ** 2)
        if best is None or e < best[0]:
            best = (e, np.array([w, c]))
    return newton(best[1], x, y)


def width2(x, y, seed):
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(60):
        theta = newton(rng.uniform(-3, 3, 4), x, y)
        if np.linalg.norm(gradient(theta, x, y)) > 1e-10 or np.linalg.eigvalsh(hessian(theta, x, y))[0] <= 0:
            continue
        if best is None or error(theta, x, y) < error(best, x, y):
            best = theta
    return best


def critical(x, y, theta):
    check_hessian(theta, x, y)
    print(json.dumps({"gradient_norm": float(np.linalg.norm(gradient(theta, x, y))),
                      "eigenvalues": np.linalg.eigvalsh(hessian(theta, x, y)).tolist(),
                      "E_tr": float(error(theta, x, y))}))


def main():
    x, y = load(sys.argv[1])
    if sys.argv[2] == "--critical":
        return critical(x, y, np.array([float(a) for a in sys.argv[3].split(",")]))
    teacher = np.array([float(a) for a in sys.argv[2].split(",")] + [float(a) for a in sys.argv[3].split(",")])
    seed = int(sys.argv[4])
    one = width1(x, y)
    two = width2(x, y, seed)
    check_hessian(two, x, y)
    w, v = split(two)
    r = output(two, x) - y
    n = len(x)
    splits = []
    for i in range(2):
        t = np.tanh(w[i] * x)
        coefficient = v[i] * 2 / n * np.sum(r * (-2 * t * (1 - t * t)) * x * x)
        transverse, largest = [], []
        for gamma in GAMMAS:
            vs = v.copy()
            vs[i] = gamma * v[i]
            theta = np.concatenate([w, [w[i]], vs, [(1 - gamma) * v[i]]])
            h = hessian(theta, x, y)
            tangent = np.zeros(6)
            tangent[3 + i], tangent[5] = 1 / np.sqrt(2), -1 / np.sqrt(2)
            complement = np.linalg.svd(np.eye(6) - np.outer(tangent, tangent))[0][:, :5]
            transverse.append(float(np.linalg.eigvalsh(complement.T @ h @ complement)[0]))
            largest.append(float(np.linalg.eigvalsh(h)[-1]))
        splits.append({"A": float(coefficient), "transverse": transverse, "lambda_max": largest})
    zero = np.concatenate([w, [0.0], v, [0.0]])
    print(json.dumps({
        "width1": {"theta": one.tolist(), "E_tr": float(error(one, x, y)),
                   "E_gen": generalization(one, teacher)},
        "width2": {"theta": two.tolist(), "E_tr": float(error(two, x, y)),
                   "E_gen": generalization(two, teacher)},
        "gammas": GAMMAS, "splits": splits,
        "zero_unit": {"coupling": float(2 / n * np.sum(r * x)),
                      "eigenvalues": np.linalg.eigvalsh(hessian(zero, x, y)).tolist()},
    }))


if __name__ == "__main__":
    main()
