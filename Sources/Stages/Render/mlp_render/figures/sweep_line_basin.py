"""Sweep line basin: per sweep, the basin fraction of the embedded line L against |A|, one point per
dataset."""
import numpy as np

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure


def render(group, options):
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
