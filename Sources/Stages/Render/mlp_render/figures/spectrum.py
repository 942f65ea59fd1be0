"""Spectrum: per run, the Hessian eigenvalues against t (symlog) with the index as a step plot, the
gradient norm, and the alignment chi_1 of the gradient."""
import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure


def render(group, options):
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
    handles = [Line2D([], [], color="C0", label=r"eigenvalues $\lambda_1 \leq \dots \leq \lambda_{2m}$ of "
                                                r"$\nabla^2 E_{\rm tr}$ (one colour each)"),
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
