"""Sweep cells: per sweep, one heat map per measure over the (n, sigma) grid, each cell printing its
fraction, its 95% Wilson interval and its count."""
import textwrap

import numpy as np

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure


def render(group, options):
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
