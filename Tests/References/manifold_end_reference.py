#!/usr/bin/env python3
"""Independent NumPy reference for a run's end on the optimal manifold M (Tests/DynamicsAnalysisTests).

Usage: manifold_end_reference.py DATA_FILE W_STAR V_STAR W1 W2 V1 V2

Reads the inputs x of a two-column file `x y`, takes the noiseless targets y = v* tanh(w* x), and
for θ = (w_1, w_2, v_1, v_2) prints one JSON object: the distance from θ to M = {f ≡ f*} and the
nearest point of M, the eigenvalues of the Hessian of E_tr = mean((f − y)²) there, its zero count
(|λ| ≤ 1e-8 · max(1, max |λ|),
the eigen stage's default), and the cosines of the principal angles between the tangent space
of M's nearest piece and the Hessian's zero eigenspace.

Width 2 only, written from SCIENCE.md's description of M alone; shares no code with the Swift
implementation: each affine piece of M is listed by hand as a set of linear equations A θ = b,
projected onto with the normal equations, its tangent space is the null space of A (SVD), and the
Hessian is the analytic one, checked against central differences of the analytic gradient.
"""
import itertools
import json
import sys

import numpy as np


def load_x(path):
    rows = [line.split("#")[0].replace(",", " ").split() for line in open(path, encoding="utf-8")]
    return np.array([float(r[0]) for r in rows if len(r) == 2])


def pieces(w_star, v_star):
    """Every affine piece of M for m = 2 and f* = v* tanh(w* x), as (A, b) with θ = (w1, w2, v1, v2):
    one neuron reproduces f* and the other is silent (w = 0) or off (v = 0); or both sit at ±w* with
    s1 v1 + s2 v2 = v*."""
    out = []
    for i, s in itertools.product((0, 1), (1.0, -1.0)):
        j = 1 - i
        teacher = [np.eye(4)[i], np.eye(4)[2 + i]]
        values = [s * w_star, s * v_star]
        out.append((np.array(teacher + [np.eye(4)[j]]), np.array(values + [0.0])))
        out.append((np.array(teacher + [np.eye(4)[2 + j]]), np.array(values + [0.0])))
    for s1, s2 in itertools.product((1.0, -1.0), repeat=2):
        a = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, s1, s2]], dtype=float)
        out.append((a, np.array([s1 * w_star, s2 * w_star, v_star])))
    return out


def project(theta, a, b):
    return theta - a.T @ np.linalg.solve(a @ a.T, a @ theta - b)


def gradient(theta, x, y):
    w, v = theta[:2], theta[2:]
    t = np.tanh(np.outer(x, w))
    r = t @ v - y
    n = len(x)
    gw = 2 / n * ((r[:, None] * (1 - t * t) * x[:, None]) * v).sum(axis=0)
    gv = 2 / n * (r[:, None] * t).sum(axis=0)
    return np.concatenate([gw, gv])


def hessian(theta, x, y):
    w, v = theta[:2], theta[2:]
    n = len(x)
    t = np.tanh(np.outer(x, w))
    s = 1 - t * t
    r = t @ v - y
    jac = np.hstack([s * x[:, None] * v, t])  # df/dθ per sample
    h = 2 / n * jac.T @ jac
    for i in range(2):
        # Second derivatives of f: d²f/dw_i² = v_i (−2 t s) x², d²f/dw_i dv_i = s x.
        h[i, i] += 2 / n * np.sum(r * v[i] * (-2 * t[:, i] * s[:, i]) * x * x)
        h[i, 2 + i] += 2 / n * np.sum(r * s[:, i] * x)
        h[2 + i, i] = h[i, 2 + i]
    return h


def main():
    path, w_star, v_star = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    theta = np.array([float(a) for a in sys.argv[4:8]])
    x = load_x(path)
    y = v_star * np.tanh(w_star * x)
    candidates = [(project(theta, a, b), a) for a, b in pieces(w_star, v_star)]
    point, a = min(candidates, key=lambda c: np.linalg.norm(c[0] - theta))
    distance = np.linalg.norm(point - theta)

    h = hessian(point, x, y)
    step = 1e-6
    numeric = np.array([(gradient(point + step * e, x, y) - gradient(point - step * e, x, y)) / (2 * step)
                        for e in np.eye(4)])
    assert np.max(np.abs(numeric - h)) < 1e-7, "analytic Hessian disagrees with finite differences"
    values, vectors = np.linalg.eigh(h)
    tau = 1e-8 * max(1.0, np.max(np.abs(values)))
    kernel = vectors[:, np.abs(values) <= tau]
    _, _, vt = np.linalg.svd(a)
    tangent = vt[np.linalg.matrix_rank(a):].T
    cosines = np.linalg.svd(tangent.T @ kernel, compute_uv=False) if kernel.size and tangent.size else []
    print(json.dumps({
        "distance": float(distance), "point": point.tolist(), "eigenvalues": values.tolist(),
        "zero_count": int(kernel.shape[1]), "gradient_norm": float(np.linalg.norm(gradient(point, x, y))),
        "tangent_dimension": int(tangent.shape[1]), "kernel_tangent_cosines": sorted(map(float, cosines), reverse=True),
    }))


if __name__ == "__main__":
    main()
