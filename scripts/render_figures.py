#!/usr/bin/env python3
"""Render the paper's figures from the pipeline's figure-data HDF5 file.

Usage: render_figures.py --data figure-data.h5 --out DIR [--options JSON]

Reads only the figure-data file (one group per figure, every array with `label`, `unit` and
`description` attributes) and writes DIR/<figure>.<format> for each figure and format, and
DIR/csv/<figure>_<panel>.csv for every panel (every group that holds arrays). The options are
pipeline.json's "render" section. Output is reproducible: no dates or software versions are
embedded, so the same data and options give the same bytes.
"""
import argparse
import csv
import json
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

DEFAULTS = {"colormap": "viridis", "width_inches": 7.0, "height_inches": 2.8, "dpi": 200,
            "formats": ["png", "pdf"], "font_size": 8}

# Fixed metadata per format, so that re-rendering gives identical files.
METADATA = {"png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
            "svg": {"Date": None, "Creator": None}}

SINGULAR_COLOR = "0.45"
OPTIMAL_COLOR = "0.82"
TRAIN_COLOR = "C0"
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
    plt.rcParams.update({
        "font.size": size, "axes.titlesize": size, "axes.labelsize": size,
        "xtick.labelsize": size - 1, "ytick.labelsize": size - 1, "legend.fontsize": size - 1,
        "figure.titlesize": size + 1, "mathtext.fontset": "dejavusans", "lines.linewidth": 1.2,
        "axes.linewidth": 0.6, "legend.frameon": False, "svg.hashsalt": "mlp-dynamics",
        "pdf.compression": 9, "figure.constrained_layout.use": True,
    })


def new_figure(options, rows, columns, **kwargs):
    size = (float(options["width_inches"]), float(options["height_inches"]) * rows)
    return plt.subplots(rows, columns, figsize=size, squeeze=False, **kwargs)


# MARK: Figures

def learning_curves(group, options):
    """E_tr (solid) and E_gen (dashed) against t, log–log, one panel per run."""
    runs = runs_of(group)
    fig, axes = new_figure(options, 1, len(runs), sharey=True)
    for ax, run in zip(axes[0], runs):
        panel = group[run]
        t = panel["t"][...]
        ax.loglog(t, panel["E_tr"][...], color=TRAIN_COLOR, label=panel["E_tr"].attrs["label"])
        ax.loglog(t, panel["E_gen"][...], color=GEN_COLOR, linestyle="--", label=panel["E_gen"].attrs["label"])
        ax.set_xlabel(axis_label(panel["t"]))
        ax.set_title(text(panel.attrs["title"]))
        ax.set_xlim(t.min(), t.max())
    axes[0][0].set_ylabel("error")
    axes[0][0].legend(loc="lower left")
    return fig


def trajectories(group, options):
    """Per run, the (w_1, w_2) and (v_1, v_2) planes: points coloured by log10 t."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 2)
    logs = [np.log10(group[run][plane]["t"][...]) for run in runs for plane in ("w_plane", "v_plane")]
    vmin, vmax = min(x.min() for x in logs), max(x.max() for x in logs)
    scatter = None
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
            ax.plot(*end, marker="s", markersize=4, markerfacecolor="black", markeredgecolor="black", zorder=4)
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
               Line2D([], [], linestyle="", marker="s", markersize=4, color="black", label=r"$\theta_T$")]
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


def draw_segments(ax, segments, **kwargs):
    if len(segments):
        ax.add_collection(LineCollection(segments.reshape(-1, 2, 2), **kwargs))


RENDERERS = {"learning_curves": learning_curves, "trajectories": trajectories, "functions": functions}


# MARK: Output

def save(fig, directory, name, options):
    paths = []
    for fmt in options["formats"]:
        path = os.path.join(directory, f"{name}.{fmt}")
        fig.savefig(path, format=fmt, dpi=int(options["dpi"]), metadata=METADATA[fmt])
        paths.append(path)
    plt.close(fig)
    return paths


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
            writer.writerow([format(c[i], ".17g") if i < len(c) else "" for c in columns])


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
    written = []
    with h5py.File(args.data, "r") as data:
        for name in text(data.attrs["figures"]).split(","):
            if name not in data:
                continue
            fig = RENDERERS[name](data[name], options)
            if fig is not None:
                written += save(fig, args.out, name, options)
        for stem, group, arrays in panels(data):
            path = os.path.join(args.out, "csv", f"{stem}.csv")
            write_csv(path, group, arrays)
            written.append(path)
    print(f"wrote {len(written)} files to {args.out}")


if __name__ == "__main__":
    main()
