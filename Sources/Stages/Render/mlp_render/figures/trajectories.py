"""Trajectories: per run, the (w_1, w_2) and (v_1, v_2) planes with the points of the run coloured
by log10 t, the singular set and the optimal region's projection, start, end and refined attractor (or point of M)."""
import numpy as np
from matplotlib.lines import Line2D

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import draw_segments, new_figure
from mlp_render.style import OPTIMAL_COLOR, SINGULAR_COLOR

# The run's end: a refined critical point (an attractor), or, on noiseless data, the point of M it approaches.
MARKERS = {
    "critical point": {"marker": "*", "markersize": 8, "color": "red", "markeredgecolor": "darkred",
                       "markeredgewidth": 0.4},
    "optimal manifold M": {"marker": "D", "markersize": 5, "color": "tab:green", "markeredgecolor": "darkgreen",
                           "markeredgewidth": 0.5},
}
LABELS = {
    "critical point": "refined attractor and its symmetric copies",
    "optimal manifold M": r"point of $M$ approached and its symmetric copies",
}


def render(group, options):
    """Per run, the (w_1, w_2) and (v_1, v_2) planes: points coloured by log10 t."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 2)
    logs = [np.log10(group[run][plane]["t"][...]) for run in runs for plane in ("w_plane", "v_plane")]
    vmin, vmax = min(x.min() for x in logs), max(x.max() for x in logs)
    scatter = None
    kinds = set()
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
                kind = text(group[run].attrs.get("attractor_kind", "critical point"))
                marks = panel["attractor"][...]
                ax.plot(marks[:, 0], marks[:, 1], linestyle="", zorder=5, **MARKERS[kind])
                kinds.add(kind)
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
               Line2D([], [], linestyle="", marker="o", markerfacecolor="white", markeredgecolor="black",
                      label=r"$\theta_0$"),
               Line2D([], [], linestyle="", marker="s", markersize=5, markerfacecolor="none", markeredgecolor="black",
                      label=r"$\theta_T$")]
    handles += [Line2D([], [], linestyle="", label=LABELS[kind], **MARKERS[kind]) for kind in sorted(kinds)]
    # Both markers of the run's end make six entries: two rows of three fit the figure's width.
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles) if len(handles) <= 5 else 3)
    return fig
