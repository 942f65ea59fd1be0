"""Multistart: per run, the limits located from many starts in the w and v planes, coloured by limit
function, with the embedded line L (GD-stable part solid) and the optimal region's projection."""
import matplotlib
from matplotlib.lines import Line2D

from mlp_render.figure_data import runs_of, text
from mlp_render.plotting import draw_segments, new_figure
from mlp_render.style import OPTIMAL_COLOR, SINGULAR_COLOR


def render(group, options):
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
            draw_segments(ax, panel["line_unstable_segments"][...], color="black", linewidth=1.0,
                          linestyle=(0, (3, 2)), zorder=2)
            if len(panel["line_point"]):
                point = panel["line_point"][...]
                ax.plot([point[0]], [point[1]], marker="D", markersize=6, markerfacecolor="none",
                        markeredgecolor="black", zorder=2)
            limits = panel["limits"][...]
            function = panel["limit_function"][...].astype(int)
            for k in sorted(set(function)):
                chosen = limits[function == k]
                ax.scatter(chosen[:, 0], chosen[:, 1], s=14, color=colors[k], edgecolors="white", linewidths=0.3,
                           zorder=3)
            ax.set_xlim(*panel.attrs["xlim"])
            ax.set_ylim(*panel.attrs["ylim"])
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel(f"${p}_1$")
            ax.set_ylabel(f"${p}_2$")
            ax.set_title(text(panel.attrs["title"]))
        row[1].set_title(row[1].get_title() + "\n" + text(panel_group.attrs.get("note", "")),
                         fontsize=float(options["font_size"]) - 0.5)
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
