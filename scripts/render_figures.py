#!/usr/bin/env python3
"""Render the paper's figures from the pipeline's figure-data HDF5 file.

Usage: render_figures.py --data figure-data.h5 --out DIR [--options JSON]

Reads only the figure-data file (one group per figure, every array with `label`, `unit` and
`description` attributes) and writes DIR/<figure>.<format> for each figure and format, and
DIR/csv/<figure>_<panel>.csv for every panel (every group that holds arrays). The options are
pipeline.json's "render" section. Output is reproducible: no dates or software versions are
embedded, so the same data and options give the same bytes.

Speed (docs/performance.md): the figures are drawn by two forked worker processes; each figure is
laid out once, for its PNG, and the PDF draws the same layout.
"""
import argparse
import csv
import functools
import json
import multiprocessing
import os
import re
import sys
import textwrap

import h5py
import matplotlib
import matplotlib.ticker
import numpy as np
import PIL.Image

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402  (not pyplot: no figure manager, a quicker import)
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
import matplotlib.mathtext  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

# Math text ($...$) is parsed with pyparsing, ~10 ms per string, and cached per parser object: every
# renderer makes its own parser objects, so each figure, each format, and the PDF backend's text
# measuring and drawing parsed every string again (a fifth of the rendering time). The parse depends
# on the parser's output type, not on the object: cache it per output type for the process.
if hasattr(matplotlib.mathtext.MathTextParser._parse_cached, "__wrapped__"):
    _parse_uncached = matplotlib.mathtext.MathTextParser._parse_cached.__wrapped__
    _parsers = {}

    @functools.lru_cache(4096)
    def _parse_shared(output_type, s, dpi, prop, antialiased, load_glyph_flags):
        return _parse_uncached(_parsers[output_type], s, dpi, prop, antialiased, load_glyph_flags)

    def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
        _parsers.setdefault(self._output_type, self)
        return _parse_shared(self._output_type, s, dpi, prop, antialiased, load_glyph_flags)

    matplotlib.mathtext.MathTextParser._parse_cached = _parse_cached

DEFAULTS = {"colormap": "viridis", "width_inches": 7.0, "height_inches": 2.8, "dpi": 200,
            "formats": ["png", "pdf"], "font_size": 8}

# Fixed metadata per format, so that re-rendering gives identical files.
METADATA = {"png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
            "svg": {"Date": None, "Creator": None}}
# zlib level 3 instead of Pillow's 6: a third less time encoding PNGs, files ~10 % larger.
SAVE_OPTIONS = {"png": {"compress_level": 3}}

SINGULAR_COLOR = "0.45"
OPTIMAL_COLOR = "0.82"
TRAIN_COLOR = "C0"
UNREFINED_COLOR = "0.6"
GEN_COLOR = "C3"


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def axis_label(dataset):
    """The axis label of an exported array: its label, with the unit in parentheses if it has one."""
    label, unit = text(dataset.attrs.get("label", "")), text(dataset.attrs.get("unit", ""))
    return f"{label} ({unit})" if unit else label


def runs_of(group):
    names = text(group.attrs.get("runs", ""))
    return [name for name in names.split(",") if name and name in group]


def style(options):
    size = float(options["font_size"])
    matplotlib.rcParams.update({
        "font.size": size, "axes.titlesize": size, "axes.labelsize": size,
        "xtick.labelsize": size - 1, "ytick.labelsize": size - 1, "legend.fontsize": size - 1,
        "figure.titlesize": size + 1, "mathtext.fontset": "dejavusans", "lines.linewidth": 1.2,
        "axes.linewidth": 0.6, "legend.frameon": False, "svg.hashsalt": "mlp-dynamics",
        "pdf.compression": 9,
        # Titles at the top of their axes: automatic placement only moves them above top-side tick
        # labels or a y-axis offset text ("1e-6"), which these figures do not have, and measured
        # every axis of every twin again in each layout pass (~10 % of the rendering).
        "axes.titley": 1.0,
    })


def new_figure(options, rows, columns, **kwargs):
    size = (float(options["width_inches"]), float(options["height_inches"]) * rows)
    fig = Figure(figsize=size)
    return fig, fig.subplots(rows, columns, squeeze=False, **kwargs)


# MARK: Figures

def learning_curves(group, options):
    """E_tr (solid) and E_gen (dashed) against t, log–log, one panel per run."""
    runs = runs_of(group)
    fig, axes = new_figure(options, 1, len(runs), sharey=True)
    phases_seen = {}
    for ax, run in zip(axes[0], runs):
        panel = group[run]
        t = panel["t"][...]
        ax.loglog(t, panel["E_tr"][...], color=TRAIN_COLOR, label=panel["E_tr"].attrs["label"])
        ax.loglog(t, panel["E_gen"][...], color=GEN_COLOR, linestyle="--", label=panel["E_gen"].attrs["label"])
        shaded = shade_phases(ax, panel)
        if "t_star" in panel:
            t_star, e_star = float(panel["t_star"][0]), float(panel["E_gen_star"][0])
            ax.axvline(t_star, color="black", linestyle=":", linewidth=0.8, zorder=1)
            ax.plot([t_star], [e_star], marker="v", color=GEN_COLOR, markersize=5, zorder=5, linestyle="",
                    clip_on=False, label=r"$t^*$ = argmin $E_{\rm gen}$")
        ax.set_xlabel(axis_label(panel["t"]))
        ax.set_title(text(panel.attrs["title"]))
        ax.set_xlim(t.min(), t.max())
        for label in shaded:
            phases_seen.setdefault(label, PHASE_COLORS.get(label, "0.9"))
    axes[0][0].set_ylabel("error")
    handles, labels = axes[0][0].get_legend_handles_labels()
    for ax in axes[0][1:]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    handles += [Patch(facecolor=color, edgecolor="none", label=PHASE_NAMES.get(label, label)) for label, color in phases_seen.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4))
    return fig


PHASE_COLORS = {"plateau": "#c6dbef", "transition": "#f0f0f0", "nearOptimalSaddle": "#c7e9c0",
                "approachToAttractor": "#fdd0a2", "converged": "#fcbba1"}
PHASE_NAMES = {"plateau": "plateau", "transition": "transition", "nearOptimalSaddle": "near-optimal saddle",
               "approachToAttractor": "approach to attractor", "converged": "converged (attractor)"}


def shade_phases(ax, panel):
    """Shades the detected phase segments; returns their labels in order of first appearance."""
    if "phase_t_start" not in panel:
        return []
    starts, ends = panel["phase_t_start"][...], panel["phase_t_end"][...]
    labels = [text(x) for x in panel["phase_label"][...]]
    # Segments end and start at neighbouring grid points; shade up to the geometric midpoint
    # between them, so that the bands tile the axis without gaps.
    bounds = [max(float(starts[0]), 1.0)] if len(starts) else []
    bounds += [float(np.sqrt(max(end, 1) * max(start, 1))) for end, start in zip(ends[:-1], starts[1:])]
    bounds += [float(ends[-1])] if len(ends) else []
    notes = [text(x) for x in panel["phase_note"][...]] if "phase_note" in panel else [""] * len(labels)
    seen = []
    for left, right, label, note in zip(bounds, bounds[1:], labels, notes):
        ax.axvspan(left, right, facecolor=PHASE_COLORS.get(label, "0.9"), edgecolor="none", zorder=0)
        if note and label == "nearOptimalSaddle":
            ax.text(np.sqrt(left * right), 0.04, note.replace(": ", "\n").replace("; ", ", "), transform=ax.get_xaxis_transform(),
                    va="bottom", ha="center", fontsize=matplotlib.rcParams["font.size"] - 1.5, color="0.15", zorder=6,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1.0})
        if label not in seen:
            seen.append(label)
    return seen


def trajectories(group, options):
    """Per run, the (w_1, w_2) and (v_1, v_2) planes: points coloured by log10 t."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 2)
    logs = [np.log10(group[run][plane]["t"][...]) for run in runs for plane in ("w_plane", "v_plane")]
    vmin, vmax = min(x.min() for x in logs), max(x.max() for x in logs)
    scatter = None
    has_attractor = False
    for row, run in zip(axes, runs):
        for ax, plane in zip(row, ("w_plane", "v_plane")):
            panel = group[run][plane]
            p = plane[0]
            xs, ys = panel[f"{p}_1"], panel[f"{p}_2"]
            draw_segments(ax, panel["optimal_segments"][...], color=OPTIMAL_COLOR, linewidth=3.2, zorder=0)
            draw_segments(ax, panel["singular_segments"][...], color=SINGULAR_COLOR, linewidth=0.7, zorder=1)
            scatter = ax.scatter(xs[...], ys[...], c=np.log10(panel["t"][...]), cmap=options["colormap"],
                                 vmin=vmin, vmax=vmax, s=3, linewidths=0, zorder=2, rasterized=True)
            start, end = panel["initial"][...], panel["final"][...]
            ax.plot(*start, marker="o", markersize=5, markerfacecolor="white", markeredgecolor="black", zorder=4)
            ax.plot(*end, marker="s", markersize=5, markerfacecolor="none", markeredgecolor="black", zorder=4)
            if "attractor" in panel:
                stars = panel["attractor"][...]
                ax.plot(stars[:, 0], stars[:, 1], linestyle="", marker="*", markersize=8, color="red",
                        markeredgecolor="darkred", markeredgewidth=0.4, zorder=5)
                has_attractor = True
            elif plane == "w_plane" and text(group[run].attrs.get("attractor", "")).startswith("not drawn"):
                ax.text(0.03, 0.97, "no refined attractor:\nNewton did not converge", transform=ax.transAxes,
                        va="top", ha="left", fontsize=float(options["font_size"]) - 1.5, color="0.3", zorder=6,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
            ax.set_xlim(*panel.attrs["xlim"])
            ax.set_ylim(*panel.attrs["ylim"])
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel(axis_label(xs))
            ax.set_ylabel(axis_label(ys))
            ax.set_title(text(panel.attrs["title"]))
    colorbar = fig.colorbar(scatter, ax=axes, shrink=0.8, aspect=30, pad=0.02)
    colorbar.set_label(r"$\log_{10} t$ (t in steps)")
    handles = [Line2D([], [], color=SINGULAR_COLOR, linewidth=0.7, label="singular set"),
               Line2D([], [], color=OPTIMAL_COLOR, linewidth=3.2, label="optimal region $M$ (projection)"),
               Line2D([], [], linestyle="", marker="o", markerfacecolor="white", markeredgecolor="black", label=r"$\theta_0$"),
               Line2D([], [], linestyle="", marker="s", markersize=5, markerfacecolor="none", markeredgecolor="black",
                      label=r"$\theta_T$")]
    if has_attractor:
        handles.append(Line2D([], [], linestyle="", marker="*", markersize=8, color="red", markeredgecolor="darkred",
                              markeredgewidth=0.4, label="refined attractor and its symmetric copies"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles))
    return fig


def functions(group, options):
    """Teacher (dashed), initial and final student, and the data, one panel per run."""
    runs = runs_of(group)
    fig, axes = new_figure(options, 1, len(runs), sharey=True)
    for ax, run in zip(axes[0], runs):
        panel = group[run]
        x = panel["x"][...]
        ax.scatter(panel["data_x"][...], panel["data_y"][...], s=6, color="0.55", linewidths=0, zorder=1,
                   label="data $(x_k, y_k)$")
        ax.plot(x, panel["f_initial"][...], color="C2", linestyle=":", zorder=2, label=panel["f_initial"].attrs["label"])
        ax.plot(x, panel["f_final"][...], color=GEN_COLOR, zorder=3, label=panel["f_final"].attrs["label"])
        ax.plot(x, panel["f_teacher"][...], color="black", linestyle="--", linewidth=1.0, zorder=4,
                label=panel["f_teacher"].attrs["label"])
        ax.set_xlim(x.min(), x.max())
        ax.set_xlabel(axis_label(panel["x"]))
        ax.set_title(text(panel.attrs["title"]))
    axes[0][0].set_ylabel("$f(x)$")
    axes[0][0].legend(loc="upper left")
    return fig


def spectrum(group, options):
    """Per run: Hessian eigenvalues (symlog) with the index as a step plot; ‖∇E_tr‖; χ_1."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 3)
    for row, run in zip(axes, runs):
        panel = group[run]
        t = panel["t"][...]
        values = panel["eigenvalues"][...]
        tolerance = panel["tolerance"][...]
        ax = row[0]
        threshold = max(float(np.median(tolerance)), 1e-12)
        ax.fill_between(t, -tolerance, tolerance, color="0.88", linewidth=0, zorder=0, step="mid")
        for j in range(values.shape[1]):
            ax.plot(t, values[:, j], color=matplotlib.colormaps["tab10"](j % 10), linewidth=1.0, zorder=2)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=threshold)
        ax.set_yticks(symlog_ticks(threshold, float(np.nanmax(np.abs(values)))))
        ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.axhline(0, color="0.5", linewidth=0.5, zorder=1)
        ax.set_xlabel(axis_label(panel["t"]))
        ax.set_ylabel(axis_label(panel["eigenvalues"]) + " (symlog)")
        ax.set_title(text(panel.attrs["title"]) + ": Hessian spectrum")
        twin = ax.twinx()
        twin.step(t, panel["index"][...], where="mid", color="black", linewidth=1.0, linestyle="--")
        twin.set_ylim(-0.3, values.shape[1] + 0.3)
        twin.set_yticks(range(values.shape[1] + 1))
        twin.set_ylabel(axis_label(panel["index"]))
        ax = row[1]
        ax.loglog(t, panel["grad_norm"][...], color="C4")
        ax.set_xlabel(axis_label(panel["t"]))
        ax.set_ylabel(axis_label(panel["grad_norm"]))
        ax.set_title("gradient norm")
        ax = row[2]
        ax.plot(t, panel["chi_1"][...], color="C2")
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(axis_label(panel["t"]))
        ax.set_ylabel(axis_label(panel["chi_1"]))
        ax.set_title(r"alignment $\chi_1$ of $\nabla E_{\rm tr}$")
    handles = [Line2D([], [], color="C0", label=r"eigenvalues $\lambda_1 \leq \dots \leq \lambda_{2m}$ of $\nabla^2 E_{\rm tr}$ (one colour each)"),
               Line2D([], [], color="black", linestyle="--", label="index (# negative)"),
               Patch(facecolor="0.88", label=r"$|\lambda| \leq \tau$ (counted as zero)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return fig


def symlog_ticks(threshold, largest):
    """0 and ±10^k for about three decades k between the linear threshold and the largest |λ|."""
    low = int(np.ceil(np.log10(threshold))) + 1
    high = int(np.ceil(np.log10(max(largest, threshold * 10))))
    step = max(1, int(np.ceil((high - low + 1) / 3)))
    decades = list(range(high, low - 1, -step))
    return sorted([0.0] + [10.0 ** k for k in decades] + [-(10.0 ** k) for k in decades])


def region_checks(group, options):
    """Per run: for each region family, the fractions of samples by Hessian index, as stacked bars."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, 1, len(runs), sharey=True)
    first = group[runs[0]]
    families = [key for key in text(first.attrs.get("arrays", "")).split(",") if key in first]
    depth = max(len(first[f]) for f in families)
    present = sorted({k for run in runs for f in families for k, c in enumerate(group[run][f][...]) if c > 0})
    palette = ["#2c7bb6", "#fdae61", "#d7191c", "#7b3294", "#404040"]
    colors = {k: palette[min(k, len(palette) - 1)] for k in range(depth)}
    for ax, run in zip(axes[0], runs):
        panel = group[run]
        totals = {int(panel[f][...].sum()) for f in families}
        for row, family in enumerate(families):
            counts = panel[family][...].astype(float)
            fractions = counts / counts.sum() if counts.sum() > 0 else counts
            left = 0.0
            for k, fraction in enumerate(fractions):
                if fraction > 0:
                    ax.barh(row, fraction, left=left, height=0.7, color=colors[k], edgecolor="white", linewidth=0.4)
                left += fraction
            if len(totals) > 1:
                ax.text(0.98, row, f"n = {int(counts.sum())}", va="center", ha="right", color="white",
                        fontsize=float(options["font_size"]) - 2)
        ax.set_yticks(range(len(families)))
        ax.set_yticklabels([text(first[f].attrs["label"]) for f in families])
        ax.set_ylim(len(families) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xlabel("fraction of samples")
        suffix = f", {totals.pop()} samples per region" if len(totals) == 1 else ""
        ax.set_title(text(panel.attrs["title"]) + suffix)
    handles = [Patch(facecolor=colors[k], label=f"index {k}" + (" (no descent direction)" if k == 0 else ""))
               for k in present]
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles),
               title=r"number of eigenvalues of $\nabla^2 E_{\rm tr}$ below $-\tau$")
    return fig


def multistart(group, options):
    """Per run: the located limits in the w and v planes, coloured by limit function (basin
    fraction and 95% Wilson interval in the legend); L drawn with its GD-stable part solid and its
    unstable part dashed, the limits on L on it; M's projection when limits lie on it."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 2)
    handles = []
    palette = 0  # one colour per limit function over all runs
    for row, run in zip(axes, runs):
        panel_group = group[run]
        kinds = [text(k) for k in panel_group["function_kind"][...]]
        counts = panel_group["function_count"][...]
        fractions = panel_group["function_fraction"][...]
        low, high = panel_group["function_wilson_low"][...], panel_group["function_wilson_high"][...]
        egen = panel_group["function_E_gen"][...]
        starts = int(panel_group.attrs["starts"])
        colors = [matplotlib.colormaps["tab10"]((palette + k) % 10) for k in range(len(kinds))]
        palette += len(kinds)
        for ax, plane in zip(row, ("w_plane", "v_plane")):
            panel = panel_group[plane]
            p = plane[0]
            draw_segments(ax, panel["singular_segments"][...], color=SINGULAR_COLOR, linewidth=0.7, zorder=1)
            draw_segments(ax, panel["optimal_segments"][...], color=OPTIMAL_COLOR, linewidth=3.2, zorder=0)
            draw_segments(ax, panel["line_stable_segments"][...], color="black", linewidth=1.6, zorder=2)
            draw_segments(ax, panel["line_unstable_segments"][...], color="black", linewidth=1.0, linestyle=(0, (3, 2)), zorder=2)
            if len(panel["line_point"]):
                point = panel["line_point"][...]
                ax.plot([point[0]], [point[1]], marker="D", markersize=6, markerfacecolor="none", markeredgecolor="black", zorder=2)
            limits = panel["limits"][...]
            function = panel["limit_function"][...].astype(int)
            for k in sorted(set(function)):
                chosen = limits[function == k]
                ax.scatter(chosen[:, 0], chosen[:, 1], s=14, color=colors[k], edgecolors="white", linewidths=0.3, zorder=3)
            ax.set_xlim(*panel.attrs["xlim"])
            ax.set_ylim(*panel.attrs["ylim"])
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel(f"${p}_1$")
            ax.set_ylabel(f"${p}_2$")
            ax.set_title(text(panel.attrs["title"]))
        row[1].set_title(row[1].get_title() + "\n" + text(panel_group.attrs.get("note", "")), fontsize=float(options["font_size"]) - 0.5)
        row[0].set_title(row[0].get_title() + "\n", fontsize=float(options["font_size"]) - 0.5)
        for k, kind in enumerate(kinds):
            handles.append(Line2D([], [], linestyle="", marker="o", markersize=5, color=colors[k],
                                  label=f"{text(panel_group.attrs['title'])}: {kind}, {int(counts[k])}/{starts} = "
                                        f"{fractions[k]:.3f} [{low[k]:.3f}, {high[k]:.3f}], "
                                        + r"$E_{\rm gen}$" + f" = {egen[k]:.2g}"))
    handles += [Line2D([], [], color="black", linewidth=1.6, label="$L$: GD-stable part"),
                Line2D([], [], color="black", linewidth=1.0, linestyle=(0, (3, 2)), label="$L$: unstable part"),
                Line2D([], [], linestyle="", marker="D", markersize=6, markerfacecolor="none", markeredgecolor="black",
                       label="$L$ in the $w$ plane: $(w^*, w^*)$"),
                Line2D([], [], color=SINGULAR_COLOR, linewidth=0.7, label="singular set")]
    if any(len(group[run][plane]["optimal_segments"]) for run in runs for plane in ("w_plane", "v_plane")):
        handles.append(Line2D([], [], color=OPTIMAL_COLOR, linewidth=3.2, label="optimal region $M$ (projection)"))
    fig.legend(handles=handles, loc="outside lower center", ncol=1 if len(handles) > 6 else 2,
               title="limit functions: count, basin fraction [95% Wilson interval]")
    return fig


def embedded_line(group, options):
    """Per run: the transverse eigenvalue and lambda_max along L against gamma, 2/eta, the GD-stable
    segments shaded, sign changes marked, and the gamma of every multistart limit on L as ticks."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 2)
    for row, run in zip(axes, runs):
        panel = group[run]
        gamma = panel["gamma"][...]
        transverse, largest = panel["transverse"][...], panel["lambda_max"][...]
        threshold = float(panel["threshold"][0])
        segments = list(zip(panel["stable_low"][...], panel["stable_high"][...]))
        limits = panel["limit_gamma"][...]
        band = float(panel.attrs.get("zero_band", 0))
        for ax, values, name in ((row[0], transverse, "transverse"), (row[1], largest, "lambda_max")):
            for lo, hi in segments:
                ax.axvspan(lo, hi, facecolor="#c7e9c0", edgecolor="none", zorder=0)
            ax.plot(gamma, values, color="C0" if name == "transverse" else "C3", zorder=2)
            for root in panel["sign_changes"][...]:
                ax.axvline(root, color="0.4", linestyle=":", linewidth=0.8, zorder=1)
            if len(limits):
                ax.plot(limits, np.zeros_like(limits), linestyle="", marker="|", markersize=9, color="C1",
                        transform=ax.get_xaxis_transform(), clip_on=False, zorder=4)
            ax.set_xlim(gamma.min(), gamma.max())
            ax.set_xlabel(axis_label(panel["gamma"]))
        if "transverse_zoom" in panel.attrs:
            row[0].set_xlim(*panel.attrs["transverse_zoom"])
        row[0].axhspan(-band, band, color="0.85", linewidth=0, zorder=1)
        if np.all(np.abs(transverse) <= band):
            # Flat across L (A = 0, L inside M): the values are rounding noise inside the zero band.
            row[0].set_ylim(-2 * band, 2 * band)
            row[0].text(0.5, 0.75, r"$|\lambda_\perp| \leq \tau$ everywhere: flat across $L$ ($L \subset M$)", transform=row[0].transAxes,
                        ha="center", fontsize=float(options["font_size"]) - 1)
        row[0].axhline(0, color="0.5", linewidth=0.5, zorder=1)
        row[0].set_ylabel(axis_label(panel["transverse"]))
        row[0].set_title(text(panel.attrs["title"]) + f": across $L$ (A = {float(panel.attrs['A']):.3g})")
        row[1].set_yscale("log")
        row[1].axhline(threshold, color="black", linestyle="--", linewidth=0.9, zorder=1)
        row[1].text(gamma.min(), threshold, f" $2/\\eta$ = {threshold:g}", va="bottom", ha="left", fontsize=float(options["font_size"]) - 1)
        row[1].set_ylabel(axis_label(panel["lambda_max"]) + " (log)")
        row[1].set_title(text(panel.attrs["title"]) + r": $\lambda_{\max}$ along $L$")
    handles = [Patch(facecolor="#c7e9c0", label=r"GD-stable: $\lambda_\perp \geq 0$ and $\lambda_{\max} < 2/\eta$"),
               Line2D([], [], color="0.4", linestyle=":", label=r"sign change of $\lambda_\perp$ (root-found)"),
               Line2D([], [], linestyle="", marker="|", markersize=9, color="C1", label=r"$\gamma$ of a multistart limit on $L$ ($\gamma \geq 1/2$)"),
               Line2D([], [], color="black", linestyle="--", label=r"$2/\eta$"),
               Patch(facecolor="0.85", label=r"$|\lambda| \leq \tau$ (zero within the eigenvalue tolerance)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2)
    return fig


# Plain last and dashed: where a projected branch follows it (bulk-only near a minimum, where the
# gradient has no dominant component), both stay visible.
VARIANT_COLORS = {"dominant": "C3", "bulk": "C0", "plain": "black"}
VARIANT_STYLES = {"dominant": "-", "bulk": "-", "plain": (0, (3, 2))}
VARIANT_NAMES = {"plain": "plain steps", "dominant": "dominant-only (top-$k$ eigenvectors)", "bulk": "bulk-only (their complement)"}


def alignment_layout(panel_group, experiments):
    """Rows of (excess, chi) axis pairs: per method, one row per eta with the branch times as columns,
    or a single row with the etas as columns when the method branches at one t0 only."""
    by_method = {}
    for name in experiments:
        attrs = panel_group[name].attrs
        by_method.setdefault(text(attrs["method"]), []).append((int(attrs["t0"]), float(attrs["eta"]), name))
    rows = []
    for method in sorted(by_method, key=lambda m: (m != "sgd", m)):
        entries = by_method[method]
        if len({t0 for t0, _, _ in entries}) == 1:
            rows.append([name for _, _, name in sorted(entries, key=lambda e: e[1])])
        else:
            for eta in sorted({eta for _, eta, _ in entries}):
                rows.append([name for t0, e, name in sorted(entries) if e == eta])
    return rows


def power_of_ten(n):
    """10⁴ for 10000; other numbers as they are."""
    exponent = round(np.log10(n)) if n > 0 else 0
    return "10" + str(exponent).translate(SUPERSCRIPTS) if n > 0 and 10 ** exponent == n else f"{n:g}"


def alignment(group, options):
    """Per run and experiment: the excess E_tr of the plain, dominant-only and bulk-only branches
    against the branch's steps (log-log), and chi_k of the full-batch gradient along each below."""
    runs = runs_of(group)
    if not runs:
        return None
    layouts = [alignment_layout(group[run], text(group[run].attrs["experiments"]).split(",")) for run in runs]
    pairs = sum(len(rows) for rows in layouts)
    columns = max(len(row) for rows in layouts for row in rows)
    fig = Figure(figsize=(float(options["width_inches"]), 2.5 * pairs))
    # Axes only where a row has an experiment (an axis-off axes costs as much to create and lay out).
    grid = fig.add_gridspec(2 * pairs, columns, height_ratios=[2, 1] * pairs)
    size = float(options["font_size"])
    pair = 0
    for run, rows in zip(runs, layouts):
        run_group = group[run]
        k = int(run_group.attrs["dominant_dimension"])
        for row in rows:
            for column, name in enumerate(row):
                top, bottom = fig.add_subplot(grid[2 * pair, column]), fig.add_subplot(grid[2 * pair + 1, column])
                panel = run_group[name]
                t = panel["t"][...]
                for variant, color in VARIANT_COLORS.items():
                    excess = panel[f"excess_{variant}"][...]
                    steps = t[:len(excess)]
                    shown = (steps > 0) & (excess > 0)
                    top.plot(steps[shown], excess[shown], color=color, linestyle=VARIANT_STYLES[variant], linewidth=0.9)
                    chi = panel[f"chi_{variant}"][...]  # recorded with the excess: same length
                    bottom.plot(steps[steps > 0], chi[steps > 0], color=color, linestyle=VARIANT_STYLES[variant], linewidth=0.8)
                # Log scales set once per axes (loglog/semilogx set them again, with a rescale, per line).
                top.set(xscale="log", yscale="log")
                bottom.set_xscale("log")
                diverged = text(panel.attrs.get("diverged", ""))
                if diverged:
                    top.text(0.02, 0.04, "diverged: " + diverged, transform=top.transAxes, fontsize=size - 2, color="C3")
                method, t0, eta = text(panel.attrs["method"]), int(panel.attrs["t0"]), float(panel.attrs["eta"])
                title = f"{'SGD' if method == 'sgd' else 'GD'}, $t_0$ = {power_of_ten(t0)}, $\\eta$ = {eta:g}"
                top.set_title(title if len(runs) == 1 else f"{text(run_group.attrs['title'])}: {title}", fontsize=size - 1)
                bottom.set_ylim(-0.03, 1.03)
                bottom.set_xlabel(axis_label(panel["t"]))
                if column == 0:
                    top.set_ylabel(axis_label(panel["excess_plain"]))
                    bottom.set_ylabel(f"$\\chi_{{{k}}}$ of $\\nabla E_{{\\rm tr}}$")
            pair += 1
    handles = [Line2D([], [], color=color, linestyle=VARIANT_STYLES[variant], label=VARIANT_NAMES[variant])
               for variant, color in VARIANT_COLORS.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return fig


WIDTH_COLORS = ["0.55", "C0", "C1", "C2", "C3", "C4", "C5", "C6"]
SCALE_STYLES = ["-", "--", ":", "-."]
KIND_MARKERS = {"origin": "o", "embedded": "s", "minimum": "*", "saddle": "^"}


def saddle_to_saddle(group, options):
    """Per run: one panel per width m with every start's E_tr(t) coloured by its effective width
    (line style by the initial scale alpha) and its refined plateaus marked by type; then the escape
    time from the origin against alpha with the predicted slope ln 10/(2 eta s) per decade."""
    runs = runs_of(group)
    if not runs:
        return None
    columns = 3
    per_run = [len(text(group[run].attrs["widths"]).split(",")) + 1 for run in runs]
    rows = sum((count + columns - 1) // columns for count in per_run)
    fig, axes = new_figure(options, rows, columns)
    size = float(options["font_size"])
    row = 0
    # Line style by α, the same for every start of that α (all scales known before any is drawn).
    scales = sorted({float(a) for run in runs for a in group[run]["escape"]["alpha"][...]})
    widths_seen, kinds_seen = set(), set()
    for run, count in zip(runs, per_run):
        run_group = group[run]
        widths = [int(m) for m in text(run_group.attrs["widths"]).split(",")]
        cells = [axes[row + i // columns][i % columns] for i in range(count)]
        for ax, m in zip(cells, widths):
            panel = run_group[f"m{m}"]
            for name in sorted(panel):
                start = panel[name]
                style = SCALE_STYLES[scales.index(float(start.attrs["scale"])) % len(SCALE_STYLES)]
                t, error, width = start["t"][...], start["E_tr"][...], start["effective_width"][...].astype(int)
                points = np.column_stack([t, error])
                segments = np.stack([points[:-1], points[1:]], axis=1)
                colors = [WIDTH_COLORS[min(w, len(WIDTH_COLORS) - 1)] for w in width[1:]]
                widths_seen.update(width.tolist())
                ax.add_collection(LineCollection(segments, colors=colors, linewidths=1.1, linestyles=style))
                for tp, ep, kind in zip(start["plateau_t"][...], start["plateau_E_tr"][...], start["plateau_kind"][...]):
                    kind = text(kind)
                    kinds_seen.add(kind)
                    ax.plot([tp], [ep], linestyle="", marker=KIND_MARKERS.get(kind, "x"), markersize=4.5,
                            markerfacecolor="none", markeredgecolor="black", markeredgewidth=0.7, zorder=5)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.autoscale_view()
            ax.axhline(float(run_group.attrs["E_1"]), color="0.5", linestyle=":", linewidth=0.8)
            ax.set_xlabel(r"$t$ (steps)")
            ax.set_ylabel(r"$E_{\rm tr}$")
            ax.set_title(text(panel.attrs["title"]), fontsize=size - 1)
        ax = cells[len(widths)]
        escape = run_group["escape"]
        alpha, times, m_of = escape["alpha"][...], escape["escape_time"][...], escape["width"][...].astype(int)
        for m in widths:
            chosen = (m_of == m) & np.isfinite(times)
            ax.scatter(alpha[chosen], times[chosen], s=16, marker="o", facecolor="none", edgecolor=WIDTH_COLORS[min(m, len(WIDTH_COLORS) - 1)],
                       linewidth=0.9, label=f"m = {m}", zorder=3)
        if "predicted_alpha" in escape:
            ax.plot(escape["predicted_alpha"][...], escape["predicted_escape"][...], color="black", linestyle="--", linewidth=0.9,
                    label=f"slope ln10/(2$\\eta s$) = {float(escape.attrs['predicted_slope']):.1f}/decade")
        ax.set_xscale("log")
        ax.set_xlabel(axis_label(escape["alpha"]))
        ax.set_ylabel(axis_label(escape["escape_time"]))
        ax.set_title(f"{text(escape.attrs['title'])}\nmeasured {float(escape.attrs['measured_slope']):.1f} steps/decade "
                     f"($\\alpha \\leq$ {float(escape.attrs['slope_max_scale']):g})", fontsize=size - 1)
        ax.legend(loc="lower left", fontsize=size - 2)
        for extra in cells[len(widths) + 1:] + [axes[row + i // columns][i % columns] for i in range(count, ((count + columns - 1) // columns) * columns)]:
            extra.set_axis_off()
        row += (count + columns - 1) // columns
    handles = [Line2D([], [], color=WIDTH_COLORS[min(w, len(WIDTH_COLORS) - 1)], label=f"effective width {w}") for w in sorted(widths_seen)]
    handles += [Line2D([], [], color="0.3", linestyle=SCALE_STYLES[i % len(SCALE_STYLES)], label=f"$\\alpha$ = {scale:g}")
                for i, scale in enumerate(scales)]
    handles += [Line2D([], [], linestyle="", marker=KIND_MARKERS.get(kind, "x"), markerfacecolor="none", markeredgecolor="black",
                       label=f"refined plateau: {kind}") for kind in sorted(kinds_seen)]
    handles.append(Line2D([], [], color="0.5", linestyle=":", label="width-1 fit's $E_{\\rm tr}$"))
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    return fig


SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
MATH_POWER = re.compile(r"\$\\mathdefault\{(-?)(?:([0-9.]+)\\times\s*)?10\^\{(-?[0-9]+)\}\}\$")
MATH_NUMBER = re.compile(r"\$\\mathdefault\{(-?[0-9.]+)\}\$")


class PlainLogFormatter(matplotlib.ticker.LogFormatterSciNotation):
    """The labels of `LogFormatterSciNotation` ("$\\mathdefault{10^{-3}}$") as plain text with
    Unicode superscripts ("10⁻³"): the same font, without a math-text parse and layout per label
    (log and symlog tick labels were most of the math text, a fifth of the rendering time)."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        if match := MATH_POWER.fullmatch(label):
            sign, mantissa, exponent = match.groups()
            return ("\u2212" if sign else "") + (f"{mantissa}\u00d7" if mantissa else "") + "10" + exponent.translate(SUPERSCRIPTS)
        if match := MATH_NUMBER.fullmatch(label):
            return match.group(1).replace("-", "\u2212")
        return label


def plain_log_labels(fig):
    """Replaces the default log/symlog tick formatters of every axis by `PlainLogFormatter`."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter, install in ((axis.get_major_formatter(), axis.set_major_formatter),
                                       (axis.get_minor_formatter(), axis.set_minor_formatter)):
                if type(formatter) is matplotlib.ticker.LogFormatterSciNotation:
                    install(PlainLogFormatter(base=formatter._base, labelOnlyBase=formatter.labelOnlyBase,
                                              minor_thresholds=formatter.minor_thresholds, linthresh=formatter._linthresh))


def draw_segments(ax, segments, **kwargs):
    if len(segments):
        ax.add_collection(LineCollection(segments.reshape(-1, 2, 2), **kwargs))


def sweep_cells(group, options):
    """Per sweep: one heat map per measure over the (n, sigma) grid, each cell printing its fraction,
    its 95% Wilson interval and the count it comes from (empty cells: no trials)."""
    sweeps = runs_of(group)
    if not sweeps:
        return None
    columns = 4
    measures_per_sweep = [text(group[name].attrs["measures"]).split(",") for name in sweeps]
    rows = sum((len(m) + columns - 1) // columns for m in measures_per_sweep)
    fig, axes = new_figure(options, rows, columns)
    size = float(options["font_size"])
    row = 0
    for name, measures in zip(sweeps, measures_per_sweep):
        panel = group[name]
        titles = text(panel.attrs["measure_titles"]).split("|")
        n_values, sigma_values = panel["n"][...], panel["sigma"][...]
        ns = sorted(set(n_values.tolist()))
        sigmas = sorted(set(sigma_values.tolist()), reverse=True)  # sigma shrinking to the right
        for k, (measure, title) in enumerate(zip(measures, titles)):
            ax = axes[row + k // columns][k % columns]
            grid = np.full((len(ns), len(sigmas)), np.nan)
            for i in range(len(n_values)):
                grid[ns.index(n_values[i]), sigmas.index(sigma_values[i])] = panel[measure][i]
            ax.imshow(grid, cmap="viridis", vmin=0, vmax=1, origin="lower", aspect="auto")
            for i in range(len(n_values)):
                r, c = ns.index(n_values[i]), sigmas.index(sigma_values[i])
                value, trials = panel[measure][i], int(panel[measure + "_trials"][i])
                if trials == 0:
                    label = "no trials"
                else:
                    label = (f"{value:.2f}\n[{panel[measure + '_low'][i]:.2f}, {panel[measure + '_high'][i]:.2f}]\n"
                             f"{int(panel[measure + '_successes'][i])}/{trials}")
                ax.text(c, r, label, ha="center", va="center", fontsize=size - 2.5,
                        color="white" if trials and value < 0.6 else "black")
            ax.set_xticks(range(len(sigmas)), [f"{s:g}" for s in sigmas])
            ax.set_yticks(range(len(ns)), [f"{int(n)}" for n in ns])
            ax.set_xlabel(axis_label(panel["sigma"]))
            ax.set_ylabel(axis_label(panel["n"]))
            ax.set_title("\n".join(textwrap.wrap(f"{name}: {title}", 30)), fontsize=size - 1.5)
        for k in range(len(measures), ((len(measures) + columns - 1) // columns) * columns):
            axes[row + k // columns][k % columns].set_axis_off()
        row += (len(measures) + columns - 1) // columns
    return fig


def sweep_line_basin(group, options):
    """Per sweep: the basin fraction of the embedded line L against |A| (log), one point per
    dataset, coloured by the sign of A, marker by n."""
    sweeps = runs_of(group)
    if not sweeps:
        return None
    fig, axes = new_figure(options, 1, len(sweeps))
    markers = ["o", "s", "^", "D", "v", "P"]
    for ax, name in zip(axes[0], sweeps):
        panel = group[name]
        abs_a, sign, basin, n = panel["abs_A"][...], panel["sign_A"][...], panel["line_basin"][...], panel["n"][...]
        for j, size in enumerate(sorted(set(n.tolist()))):
            for s, color, word in ((-1, "C3", "A < 0"), (1, "C0", "A > 0")):
                chosen = (n == size) & (sign == s)
                if chosen.any():
                    ax.scatter(abs_a[chosen], basin[chosen], s=14, marker=markers[j % len(markers)], facecolor="none",
                               edgecolor=color, linewidth=0.8, label=f"n = {int(size)}, {word}")
        if len(abs_a) and np.all(abs_a > 0):
            ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel(axis_label(panel["abs_A"]))
        ax.set_ylabel(axis_label(panel["line_basin"]))
        ax.set_title(text(panel.attrs["title"]))
        ax.legend(loc="best", ncol=2)
    return fig


RENDERERS = {"learning_curves": learning_curves, "trajectories": trajectories, "functions": functions,
             "spectrum": spectrum, "region_checks": region_checks, "multistart": multistart,
             "embedded_line": embedded_line, "alignment": alignment, "saddle_to_saddle": saddle_to_saddle,
             "sweep_cells": sweep_cells, "sweep_line_basin": sweep_line_basin}


# MARK: Output

def save(fig, directory, name, options):
    """Writes the figure in every format from one layout: constrained layout runs once, with the
    PNG's renderer, and every format draws those positions. The figures have no layout engine: with
    one (even `set_layout_engine("none")`'s placeholder), `savefig` first makes a whole dry drawing
    (a third of each PDF's time); the PNG is the Agg canvas drawn once and written by Pillow."""
    plain_log_labels(fig)
    # No minor ticks (they are on log axes only): each is a Tick artist with its lines and label,
    # created and laid out at every draw — a fifth of all the drawing time, two thirds of the
    # learning curves' (a decade per major tick stays readable).
    for ax in fig.axes:
        ax.minorticks_off()
        # The top and right spines lie on the axes' box, with no tick marks beyond tick labels:
        # measuring them for the layout only recomputed the axis's ticks again (same layout).
        for side in ("top", "right"):
            if side in ax.spines:
                ax.spines[side].set_in_layout(False)
    dpi = int(options["dpi"])
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    ConstrainedLayoutEngine().execute(fig)
    paths = {}
    if "png" in options["formats"]:
        canvas.draw()
        paths["png"] = os.path.join(directory, f"{name}.png")
        # RGB (`imsave` writes RGBA): the figures are opaque, and the alpha channel was a sixth of the
        # encoding time. No text chunks (no "Software"), as METADATA["png"] asks.
        image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        image.convert("RGB").save(paths["png"], format="png", dpi=(dpi, dpi), **SAVE_OPTIONS["png"])
    for fmt in options["formats"]:
        if fmt not in paths:
            paths[fmt] = os.path.join(directory, f"{name}.{fmt}")
            fig.savefig(paths[fmt], format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return [paths[fmt] for fmt in options["formats"]]


# Each figure's cost (measured on the paper's configuration: hundredths of a CPU second for PNG +
# PDF in a warm process), to split the figures evenly between the workers.
COST = {"alignment": 128, "saddle_to_saddle": 85, "spectrum": 71, "trajectories": 64, "multistart": 50, "embedded_line": 48,
        "learning_curves": 32, "region_checks": 24, "functions": 23, "(csv)": 20}
# The CSV export, scheduled like a figure (so that no third process competes with the two workers).
CSV_TASK = "(csv)"
WORKERS = 2


def partition(names, workers):
    """Greedy split of the figures into at most `workers` lists of similar total cost."""
    lists = [[] for _ in range(workers)]
    totals = [0] * workers
    for name in sorted(names, key=lambda n: (-COST.get(n, 50), n)):
        k = totals.index(min(totals))
        lists[k].append(name)
        totals[k] += COST.get(name, 50)
    return [share for share in lists if share]


def render_some(data_path, names, directory, options):
    """Renders the named figures, and the CSV files if `CSV_TASK` is named (one worker's share);
    returns the paths written."""
    written = []
    with h5py.File(data_path, "r") as data:
        for name in names:
            if name == CSV_TASK:
                written += write_all_csv(data, directory)
                continue
            fig = RENDERERS[name](data[name], options)
            if fig is not None:
                written += save(fig, directory, name, options)
    return written


def panels(group, prefix=""):
    """Every group that directly holds arrays, with a file-name stem made from its path."""
    arrays = [key for key in group if isinstance(group[key], h5py.Dataset)]
    written = [key for key in text(group.attrs.get("arrays", "")).split(",") if key in arrays]
    arrays = written + sorted(set(arrays) - set(written))
    if arrays:
        yield prefix, group, arrays
    for key in group:
        if isinstance(group[key], h5py.Group):
            yield from panels(group[key], f"{prefix}_{key}" if prefix else key)


def write_all_csv(data, directory):
    """DIR/csv/<panel>.csv for every panel of the open figure-data file; returns the paths."""
    written = []
    for stem, group, arrays in panels(data):
        path = os.path.join(directory, "csv", f"{stem}.csv")
        write_csv(path, group, arrays)
        written.append(path)
    return written


def write_csv(path, group, arrays):
    """One column per 1-D array, one per column of a 2-D array; shorter columns end early (empty cells).

    The first lines, starting with '#', give each array's label, unit and description."""
    columns, header, notes = [], [], []
    for key in arrays:
        data = group[key][...]
        attrs = group[key].attrs
        notes.append(f"# {key}: {text(attrs.get('label', ''))} [{text(attrs.get('unit', '')) or 'dimensionless'}] "
                     f"{text(attrs.get('description', ''))}")
        if data.ndim == 1:
            columns.append(data)
            header.append(key)
        else:
            for j in range(data.shape[1]):
                columns.append(data[:, j])
                header.append(f"{key}[{j}]")
    rows = max((len(c) for c in columns), default=0)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(f"# {text(group.attrs.get('title', ''))}\n")
        for note in notes:
            handle.write(note + "\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for i in range(rows):
            writer.writerow([cell(c[i]) if i < len(c) else "" for c in columns])


def cell(value):
    """A CSV cell: numbers with 17 significant digits (exact round trip), strings as text."""
    return text(value) if isinstance(value, (bytes, str)) else format(value, ".17g")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="the figure-data HDF5 file")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--options", default="{}", help="pipeline.json's render section, as JSON")
    args = parser.parse_args()
    options = {**DEFAULTS, **json.loads(args.options)}
    unknown = [fmt for fmt in options["formats"] if fmt not in METADATA]
    if unknown:
        sys.exit(f"error: unsupported format(s) {unknown}; use {sorted(METADATA)}")
    style(options)
    os.makedirs(os.path.join(args.out, "csv"), exist_ok=True)
    with h5py.File(args.data, "r") as data:
        names = [name for name in text(data.attrs["figures"]).split(",") if name in data]
    # The figures and the CSV export run in forked workers (matplotlib is imported once, here);
    # a figure's bytes depend on its own drawing only.
    if "pdf" in options["formats"]:
        import fontTools.subset  # noqa: F401  (the PDF backend's first save imports it: once here, not per worker)
    shares = partition(names + [CSV_TASK], WORKERS)
    written = []
    if len(shares) > 1:
        with multiprocessing.get_context("fork").Pool(len(shares)) as pool:
            for paths in pool.starmap(render_some, [(args.data, share, args.out, options) for share in shares]):
                written += paths
    else:
        for share in shares:
            written += render_some(args.data, share, args.out, options)
    print(f"wrote {len(written)} files to {args.out}")


if __name__ == "__main__":
    main()
