"""Saddle to saddle: per run, every start's E_tr(t) per width m, coloured by its effective width, with
its refined plateaus marked by type; then the escape time from the origin against the initial scale."""
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure

WIDTH_COLORS = ["0.55", "C0", "C1", "C2", "C3", "C4", "C5", "C6"]
SCALE_STYLES = ["-", "--", ":", "-."]
KIND_MARKERS = {"origin": "o", "embedded": "s", "minimum": "*", "saddle": "^"}


def render(group, options):
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
                line_style = SCALE_STYLES[scales.index(float(start.attrs["scale"])) % len(SCALE_STYLES)]
                t, error, width = start["t"][...], start["E_tr"][...], start["effective_width"][...].astype(int)
                points = np.column_stack([t, error])
                segments = np.stack([points[:-1], points[1:]], axis=1)
                colors = [WIDTH_COLORS[min(w, len(WIDTH_COLORS) - 1)] for w in width[1:]]
                widths_seen.update(width.tolist())
                ax.add_collection(LineCollection(segments, colors=colors, linewidths=1.1, linestyles=line_style))
                plateaus = zip(start["plateau_t"][...], start["plateau_E_tr"][...], start["plateau_kind"][...])
                for tp, ep, kind in plateaus:
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
            ax.scatter(alpha[chosen], times[chosen], s=16, marker="o", facecolor="none",
                       edgecolor=WIDTH_COLORS[min(m, len(WIDTH_COLORS) - 1)], linewidth=0.9, label=f"m = {m}", zorder=3)
        if "predicted_alpha" in escape:
            ax.plot(escape["predicted_alpha"][...], escape["predicted_escape"][...], color="black", linestyle="--",
                    linewidth=0.9,
                    label=f"slope ln10/(2$\\eta s$) = {float(escape.attrs['predicted_slope']):.1f}/decade")
        ax.set_xscale("log")
        ax.set_xlabel(axis_label(escape["alpha"]))
        ax.set_ylabel(axis_label(escape["escape_time"]))
        ax.set_title(f"{text(escape.attrs['title'])}\n"
                     f"measured {float(escape.attrs['measured_slope']):.1f} steps/decade "
                     f"($\\alpha \\leq$ {float(escape.attrs['slope_max_scale']):g})", fontsize=size - 1)
        ax.legend(loc="lower left", fontsize=size - 2)
        run_rows = (count + columns - 1) // columns
        padding = [axes[row + i // columns][i % columns] for i in range(count, run_rows * columns)]
        for extra in cells[len(widths) + 1:] + padding:
            extra.set_axis_off()
        row += run_rows
    handles = [Line2D([], [], color=WIDTH_COLORS[min(w, len(WIDTH_COLORS) - 1)], label=f"effective width {w}")
               for w in sorted(widths_seen)]
    handles += [Line2D([], [], color="0.3", linestyle=SCALE_STYLES[i % len(SCALE_STYLES)],
                       label=f"$\\alpha$ = {scale:g}") for i, scale in enumerate(scales)]
    handles += [Line2D([], [], linestyle="", marker=KIND_MARKERS.get(kind, "x"), markerfacecolor="none",
                       markeredgecolor="black", label=f"refined plateau: {kind}") for kind in sorted(kinds_seen)]
    handles.append(Line2D([], [], color="0.5", linestyle=":", label="width-1 fit's $E_{\\rm tr}$"))
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    return fig
