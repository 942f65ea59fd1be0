"""Region checks: per run, for each sampled region family, the fractions of samples by Hessian
index as stacked horizontal bars."""
from matplotlib.patches import Patch

from mlp_render.figure_data import runs_of, text
from mlp_render.plotting import new_figure


def render(group, options):
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
