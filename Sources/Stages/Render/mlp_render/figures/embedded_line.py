"""Embedded line: per run, the Hessian eigenvalue across the embedded line L and lambda_max along it,
against the line's parameter gamma, with the GD-stable segments and the multistart limits on L."""
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure


def render(group, options):
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
            row[0].text(0.5, 0.75, r"$|\lambda_\perp| \leq \tau$ everywhere: flat across $L$ ($L \subset M$)",
                        transform=row[0].transAxes, ha="center", fontsize=float(options["font_size"]) - 1)
        row[0].axhline(0, color="0.5", linewidth=0.5, zorder=1)
        row[0].set_ylabel(axis_label(panel["transverse"]))
        row[0].set_title(text(panel.attrs["title"]) + f": across $L$ (A = {float(panel.attrs['A']):.3g})")
        row[1].set_yscale("log")
        row[1].axhline(threshold, color="black", linestyle="--", linewidth=0.9, zorder=1)
        row[1].text(gamma.min(), threshold, f" $2/\\eta$ = {threshold:g}", va="bottom", ha="left",
                    fontsize=float(options["font_size"]) - 1)
        row[1].set_ylabel(axis_label(panel["lambda_max"]) + " (log)")
        row[1].set_title(text(panel.attrs["title"]) + r": $\lambda_{\max}$ along $L$")
    handles = [Patch(facecolor="#c7e9c0", label=r"GD-stable: $\lambda_\perp \geq 0$ and $\lambda_{\max} < 2/\eta$"),
               Line2D([], [], color="0.4", linestyle=":", label=r"sign change of $\lambda_\perp$ (root-found)"),
               Line2D([], [], linestyle="", marker="|", markersize=9, color="C1",
                      label=r"$\gamma$ of a multistart limit on $L$ ($\gamma \geq 1/2$)"),
               Line2D([], [], color="black", linestyle="--", label=r"$2/\eta$"),
               Patch(facecolor="0.85", label=r"$|\lambda| \leq \tau$ (zero within the eigenvalue tolerance)")]
    fig.legend(handles=handles, loc="outside lower center", ncol=2)
    return fig
