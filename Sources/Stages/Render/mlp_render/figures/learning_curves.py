"""Learning curves: E_tr and E_gen against t (log–log), one panel per run, with the detected phases
shaded behind them and the early-stopping time t* marked."""
import matplotlib
import numpy as np
from matplotlib.patches import Patch

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure
from mlp_render.style import GEN_COLOR, TRAIN_COLOR

PHASE_COLORS = {"plateau": "#c6dbef", "transition": "#f0f0f0", "nearOptimalSaddle": "#c7e9c0",
                "approachToAttractor": "#fdd0a2", "converged": "#fcbba1"}
PHASE_NAMES = {"plateau": "plateau", "transition": "transition", "nearOptimalSaddle": "near-optimal saddle",
               "approachToAttractor": "approach to attractor", "converged": "converged (attractor)"}


def render(group, options):
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
    handles += [Patch(facecolor=color, edgecolor="none", label=PHASE_NAMES.get(label, label))
                for label, color in phases_seen.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4))
    return fig


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
            ax.text(np.sqrt(left * right), 0.04, note.replace(": ", "\n").replace("; ", ", "),
                    transform=ax.get_xaxis_transform(), va="bottom", ha="center",
                    fontsize=matplotlib.rcParams["font.size"] - 1.5, color="0.15", zorder=6,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1.0})
        if label not in seen:
            seen.append(label)
    return seen
