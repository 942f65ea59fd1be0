#!/usr/bin/env python3
"""Independent NumPy/h5py reference for the sweep-summary stage (Tests/EndToEndTests/SweepTests).

Usage: sweep_summary_reference.py STORE SUMMARY_ARTIFACT

Reads the summary artifact's inputs (its `inputs` provenance attribute names every dataset, train,
line and multistart artifact by key), recomputes every per-dataset and per-cell number from the
raw per-start arrays and the data — E_tr of each limit from x and y, each periodic orbit of GD
(G^k(p) = p, least period, E_tr range, spectral radius of D(G^k) by central differences), limit functions by the
Gauss-Hermite L2 distance of the networks, points modulo symmetry by a canonical form, A from
(w*, c*) and the residuals, where the training run's final point lies relative to the interior of
L, and the 95% Wilson score intervals — and compares them with what the artifact holds. Prints
one JSON object {"checked": ..., "mismatches": [...], "cells": [...]}; exit status 1 on a mismatch.

Written from the definitions in docs/sweeps.md and SCIENCE.md; shares no code with the Swift stage
(it does not read the multistart's limit functions or critical-point classes, nor the summary's
own per-dataset values, except the outcome of a training run that did not converge to L or far
from it, which it cannot refine without Newton's method: those are counted, not compared).
"""
import json
import math
import os
import sys

import h5py
import numpy as np

Z = 1.959963984540054
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(160)
WEIGHTS = WEIGHTS / WEIGHTS.sum()   # E over x ~ N(0, 1)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def wilson(successes, trials):
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + Z * Z / trials
    center = (p + Z * Z / (2 * trials)) / denominator
    half = Z / denominator * math.sqrt(p * (1 - p) / trials + Z * Z / (4 * trials * trials))
    return (max(0.0, center - half), min(1.0, center + half))


def network(theta, x):
    m = len(theta) // 2
    return sum(theta[m + i] * np.tanh(theta[i] * x) for i in range(m))


def train_error(theta, x, y):
    return float(np.mean((network(theta, x) - y) ** 2))


def function_distance(a, b):
    return float(np.sum(WEIGHTS * (network(a, NODES) - network(b, NODES)) ** 2))


def canonical(theta):
    """Sign flips to w_i >= 0, then neurons sorted by (w, v): one representative per symmetry orbit."""
    m = len(theta) // 2
    neurons = []
    for i in range(m):
        w, v = theta[i], theta[m + i]
        neurons.append((-w, -v) if w < 0 else (w, v))
    neurons.sort()
    return np.array([n[0] for n in neurons] + [n[1] for n in neurons])


def interior_outcome(theta, w_star, c_star, tolerance=1e-2):
    """'stays' when theta lies (modulo symmetry) within `tolerance` of L with 0 < gamma < 1,
    'leaves' when it lies on L outside it or far from L; width 2 only. GD meets |grad E_tr| < 1e-6
    at a distance ~ |grad| / lambda_perp from L, and lambda_perp ~ gamma (1 - gamma) A c*^2 is tiny
    on a nearly flat line: on the full study's flattest (A = 8.3e-5) theta_T stopped 1.1e-3 from L's
    interior, so 1e-3 (the tolerance before) called it 'leaves'."""
    w1, w2, v1, v2 = theta
    for s1 in (1, -1):
        for s2 in (1, -1):
            a, b, va, vb = s1 * w1, s2 * w2, s1 * v1, s2 * v2
            if abs(a - w_star) < tolerance and abs(b - w_star) < tolerance and abs(va + vb - c_star) < tolerance:
                gamma = va / c_star
                return "stays" if 0 < gamma < 1 else "leaves"
    return "leaves"


def gd_map(theta, x, y, eta):
    """One step of full-batch GD on E_tr = mean((f - y)^2)."""
    m = len(theta) // 2
    w, v = theta[:m], theta[m:]
    t = np.tanh(np.outer(x, w))
    r = t @ v - y
    gw = 2 / len(x) * np.sum((r[:, None] * v * (1 - t * t)) * x[:, None], axis=0)
    gv = 2 / len(x) * np.sum(r[:, None] * t, axis=0)
    return theta - eta * np.concatenate([gw, gv])


def gd_power(theta, k, x, y, eta):
    for _ in range(k):
        theta = gd_map(theta, x, y, eta)
    return theta


def orbit_problems(point, period, multiplier, largest_error, final, x, y, eta):
    """What is wrong with a recorded periodic orbit of GD: G^k(p) = p with least period k, p the orbit's point of
    lowest E_tr, its largest E_tr as recorded, the spectral radius of D(G^k) at p (central differences) as recorded
    and below 1, and GD's own last iterate on the orbit."""
    problems = []
    orbit = [point]
    for _ in range(period):
        orbit.append(gd_map(orbit[-1], x, y, eta))
    scale = max(1.0, float(np.linalg.norm(point)))
    if np.linalg.norm(orbit[period] - point) > 1e-11 * scale:
        problems.append(f"|G^{period}(p) - p| = {np.linalg.norm(orbit[period] - point):.3g}")
    for j in range(1, period):
        if period % j == 0 and np.linalg.norm(orbit[j] - point) <= 1e-8 * scale:
            problems.append(f"period {period} is not least: |G^{j}(p) - p| = {np.linalg.norm(orbit[j] - point):.3g}")
    errors = [train_error(q, x, y) for q in orbit[:period]]
    if min(errors[1:]) < errors[0]:
        problems.append(f"p is not the orbit's point of lowest E_tr: {errors}")
    if abs(max(errors) - largest_error) > 1e-9 * abs(largest_error):
        problems.append(f"largest E_tr {max(errors)!r}, recorded {largest_error!r}")
    h = 1e-6
    d = len(point)
    jacobian = np.column_stack([(gd_power(point + h * e, period, x, y, eta) - gd_power(point - h * e, period, x, y, eta)) / (2 * h)
                                for e in np.eye(d)])
    radius = float(np.max(np.abs(np.linalg.eigvals(jacobian))))
    if not radius < 1 or abs(radius - multiplier) > 1e-6:
        problems.append(f"spectral radius of D(G^k) {radius!r}, recorded {multiplier!r}")
    # GD's last iterate: within a tenth of its own step of the orbit, and approaching it over 1000 more periods by at
    # least half of what the spectral radius predicts (or on it as far as rounding tells: an orbit's position is only
    # known to ~1e-16 * scale / (1 - radius)).
    def to_orbit(theta):
        return min(np.linalg.norm(theta - q) for q in orbit[:period])
    before, step = to_orbit(final), float(np.linalg.norm(gd_map(final, x, y, eta) - final))
    after = to_orbit(gd_power(final, 1000 * period, x, y, eta))
    if before > 0.1 * step:
        problems.append(f"GD's last iterate is {before:.3g} from the orbit, its step {step:.3g}")
    elif not (after <= 1e-12 * scale / (1 - multiplier) or after <= before * (1 - (1 - multiplier ** 1000) / 2)):
        problems.append(f"GD does not approach the orbit: {before:.3g} -> {after:.3g} in 1000 periods")
    return problems


def quantiles(values):
    if not values:
        return [math.nan] * 5
    return list(np.quantile(np.array(values), [0, 0.25, 0.5, 0.75, 1]))


def main():
    store, summary_path = sys.argv[1], sys.argv[2]
    summary = h5py.File(summary_path, "r")
    inputs = json.loads(text(summary.attrs["inputs"]))
    config = json.loads(text(summary.attrs["config"]))
    tolerance = config["global_minimum_tolerance"]

    def artifact(role):
        entry = inputs.get(role)
        if entry is None:
            return None
        stage = entry["node"].split("[")[0]
        return h5py.File(os.path.join(store, stage, entry["key"] + ".h5"), "r")

    mismatches, checked, outcome_skipped, checked_orbits = [], 0, 0, 0

    def compare(what, ours, theirs, rtol=1e-9, atol=1e-12):
        nonlocal checked
        checked += 1
        both_nan = isinstance(ours, float) and isinstance(theirs, float) and math.isnan(ours) and math.isnan(theirs)
        if not both_nan and not (ours == theirs or (isinstance(ours, float) and abs(ours - theirs) <= atol + rtol * abs(ours))):
            mismatches.append(f"{what}: reference {ours!r}, artifact {theirs!r}")

    d = summary["datasets"]
    runs = [text(r) for r in d["run"][...]]
    per_dataset = []
    for k, run in enumerate(runs):
        data = artifact(f"dataset.{run}")
        x, y = data["x"][...], data["y_noisy"][...]
        row = {"run": run, "n": int(d["n"][k]), "sigma": float(d["sigma"][k]), "A": math.nan,
               "starts": 0, "unconverged": 0, "unlocated": 0, "line": 0, "infinity": 0, "periodic": 0, "global": 0, "single": 0, "unique": 0, "agrees": None}
        multistart = artifact(f"multistart.{run}")
        if multistart is not None:
            s = multistart["starts"]
            kinds = [text(v) for v in s["limit_kind"][...]]
            limits = s["limit"][...]
            located = [i for i, kind in enumerate(kinds) if kind != "not converged"]
            row["starts"] = len(kinds)
            stopped = (s["converged"][...] != 0) | (s["certified"][...] != 0)
            row["unconverged"] = int(np.sum(~stopped))
            row["unlocated"] = len(kinds) - len(located) - row["unconverged"]
            row["line"] = sum(kind == "embedded line" for kind in kinds)
            row["infinity"] = sum(kind == "at infinity" for kind in kinds)
            row["periodic"] = sum(kind == "periodic orbit of GD" for kind in kinds)
            # A periodic orbit of GD has no single E_tr (it alternates): not a candidate for the lowest level.
            energies = {i: train_error(limits[i], x, y) for i in located if kinds[i] != "periodic orbit of GD"}
            eta = json.loads(text(multistart.attrs["config"]))["eta"]
            for i in located:
                if kinds[i] == "periodic orbit of GD":
                    checked_orbits += 1
                    for problem in orbit_problems(limits[i], int(s["limit_period"][i]), float(s["limit_multiplier"][i]),
                                                  float(s["limit_E_tr_max"][i]), s["final"][i], x, y, eta):
                        mismatches.append(f"{run} start {i}: {problem}")
            if located:
                # Limit functions: leader clustering by the L2 distance of the networks.
                leaders = []
                for i in located:
                    if not any(function_distance(limits[i], limits[j]) <= 1e-10 for j in leaders):
                        leaders.append(i)
                # a periodic orbit of GD alternates between functions: not one limit function
                row["single"] = int(len(leaders) == 1 and kinds[leaders[0]] != "periodic orbit of GD")
            if energies:
                lowest = min(energies.values())
                best = [i for i in energies if energies[i] <= lowest + tolerance]
                row["global"] = len(best)
                forms = [canonical(limits[i]) for i in best]
                row["unique"] = int(all(kinds[i] == "isolated minimum" for i in best)
                                    and all(np.max(np.abs(f - forms[0])) < 1e-6 for f in forms))
                compare(f"{run} lowest_E_tr", lowest, float(d["lowest_E_tr"][k]), rtol=1e-9)
            if "A" in multistart["line"].attrs:
                row["A"] = float(multistart["line"].attrs["A"])
        line = artifact(f"line.{run}")
        if line is not None:
            w_star, c_star = float(line.attrs["w_star"]), float(line.attrs["c_star"])
            r = c_star * np.tanh(w_star * x) - y
            t = np.tanh(w_star * x)
            second = -2 * t * (1 - t * t)   # tanh''
            row["A"] = float(c_star * 2 / len(x) * np.sum(r * second * x * x))
            train = artifact(f"train.{run}")
            prediction = text(line.attrs["prediction"])
            reached = text(d["outcome"][k])
            final = np.concatenate([train.attrs["final_w"], train.attrs["final_v"]])
            mine = interior_outcome(final, w_star, c_star)
            words = {"stays": "stays on the interior of L", "leaves": "leaves the interior of L"}
            # Compared where training reached ‖∇E_tr‖ < 1e-6 (then θ_T is at its limit);
            # a limit certified earlier may still be ~1e-2 away, which only Newton's method places.
            if reached == "" or float(train.attrs["final_grad_norm"]) >= min(config["gradient_tolerance"], 1e-6):
                outcome_skipped += 1
                row["agrees"] = None if reached == "" or prediction.startswith("not applicable") else (prediction == reached)
            else:
                compare(f"{run} outcome", words[mine], reached)
                row["agrees"] = None if prediction.startswith("not applicable") else (prediction == words[mine])
            compare(f"{run} prediction", prediction, text(d["prediction"][k]))
        compare(f"{run} A", row["A"], float(d["A"][k]), rtol=1e-9)
        for name, key in (("starts", "starts"), ("unconverged", "unconverged"), ("unlocated", "unlocated"), ("line_count", "line"), ("infinity_count", "infinity"), ("periodic_count", "periodic"), ("global_count", "global"),
                          ("single_function", "single"), ("unique_minimum", "unique")):
            compare(f"{run} {name}", row[key], int(d[name][k]))
        per_dataset.append(row)

    c = summary["cells"]
    cells = []
    for i in range(len(c["n"][...])):
        n, sigma = int(c["n"][i]), float(c["sigma"][i])
        rows = [r for r in per_dataset if r["n"] == n and r["sigma"] == sigma]
        sampled = [r for r in rows if r["starts"] > 0]
        negative = [r for r in sampled if r["A"] < 0]
        positive = [r for r in sampled if r["A"] > 0]
        known = [r["A"] for r in rows if not math.isnan(r["A"])]
        decided = [r["agrees"] for r in rows if r["agrees"] is not None]
        measures = {
            "single_function": (sum(r["single"] for r in sampled), len(sampled)),
            "unique_minimum": (sum(r["unique"] for r in sampled), len(sampled)),
            "global_minimum": (sum(r["global"] for r in sampled), sum(r["starts"] for r in sampled)),
            "line_basin_negative_A": (sum(r["line"] for r in negative), sum(r["starts"] for r in negative)),
            "line_basin_positive_A": (sum(r["line"] for r in positive), sum(r["starts"] for r in positive)),
            "at_infinity": (sum(r["infinity"] for r in sampled), sum(r["starts"] for r in sampled)),
            "periodic_orbit": (sum(r["periodic"] for r in sampled), sum(r["starts"] for r in sampled)),
            "unconverged": (sum(r["unconverged"] for r in sampled), sum(r["starts"] for r in sampled)),
            "unlocated": (sum(r["unlocated"] for r in sampled), sum(r["starts"] for r in sampled)),
            "positive_A": (sum(a > 0 for a in known), len(known)),
            "prediction_agrees": (sum(decided), len(decided)),
        }
        compare(f"cell n={n} sigma={sigma} datasets", len(rows), int(c["datasets"][i]))
        cell = {"n": n, "sigma": sigma, "datasets": len(rows)}
        for name, (successes, trials) in measures.items():
            low, high = wilson(successes, trials)
            compare(f"cell n={n} sigma={sigma} {name} successes", successes, int(c[name + "_successes"][i]))
            compare(f"cell n={n} sigma={sigma} {name} trials", trials, int(c[name + "_trials"][i]))
            compare(f"cell n={n} sigma={sigma} {name} low", low, float(c[name + "_low"][i]))
            compare(f"cell n={n} sigma={sigma} {name} high", high, float(c[name + "_high"][i]))
            cell[name] = [successes, trials, low, high]
        for q, value in zip(("min", "q1", "median", "q3", "max"), quantiles(known)):
            compare(f"cell n={n} sigma={sigma} A {q}", float(value), float(c["A_quantiles"][i][["min", "q1", "median", "q3", "max"].index(q)]))
        cells.append(cell)

    def plain(value):   # NaN (no trials) as null: strict JSON
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value
    print(json.dumps(plain({"checked": checked, "orbits_checked": checked_orbits, "outcomes_not_compared": outcome_skipped, "mismatches": mismatches, "cells": cells}),
                     allow_nan=False))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
