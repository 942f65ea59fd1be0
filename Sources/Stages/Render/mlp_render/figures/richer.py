"""The richer case: per run of the richer study, every start's E_gen(t) and Hessian index along the run
(GD solid, online SGD dashed), the embedded best width-k fit's E_gen as a reference and each start's
passage at that fit marked."""
from matplotlib.lines import Line2D

from mlp_render.figure_data import runs_of, text
from mlp_render.plotting import new_figure

METHOD_STYLES = {"gd": "-", "sgd": "--"}
SCHEME_COLORS = {1: "C3", 0: "C0"}


def render(group, options):
    """One row per run: E_gen(t) of every start (red where the saddle-saddle-attractor scheme appears),
    the width-k fit's E_gen dotted, passages at the embedded fit marked; then the index along the run."""
    runs = runs_of(group)
    if not runs:
        return None
    fig, axes = new_figure(options, len(runs), 2)
    size = float(options["font_size"])
    for row, run in zip(axes, runs):
        run_group = group[run]
        gen_ax, index_ax = row
        for name in sorted(run_group):
            start = run_group[name]
            style = METHOD_STYLES[text(start.attrs["method"])]
            color = SCHEME_COLORS[int(start.attrs["scheme"])]
            t = start["t"][...]
            gen_ax.plot(t, start["E_gen"][...], linestyle=style, color=color, linewidth=0.8, alpha=0.8)
            index_ax.step(t, start["index"][...], where="post", linestyle=style, color=color, linewidth=0.8,
                          alpha=0.6)
            for tf in start["fit_t"][...]:
                gen_ax.plot([tf], [start["E_gen"][...][abs(t - tf).argmin()]], linestyle="", marker="s",
                            markersize=3.5, markerfacecolor="none", markeredgecolor="black", markeredgewidth=0.6)
        # On D_0 the fit is the teacher itself (E_gen at rounding level): no reference line.
        if float(run_group.attrs["fit_E_gen"]) > 1e-20:
            gen_ax.axhline(float(run_group.attrs["fit_E_gen"]), color="0.4", linestyle=":", linewidth=0.9)
        for ax in row:
            ax.set_xscale("log")
            ax.set_xlabel(r"$t$ (steps)")
        gen_ax.set_yscale("log")
        gen_ax.set_ylabel(r"$E_{\rm gen}$")
        index_ax.set_ylabel("Hessian index")
        gen_ax.set_title(text(run_group.attrs["title"]), fontsize=size - 1)
        index_ax.set_title(text(run_group.attrs["title"]) + ": index", fontsize=size - 1)
    handles = [Line2D([], [], color="black", linestyle="-", label="GD"),
               Line2D([], [], color="black", linestyle="--", label="online SGD"),
               Line2D([], [], color=SCHEME_COLORS[1], label="scheme appears"),
               Line2D([], [], color=SCHEME_COLORS[0], label="scheme does not appear"),
               Line2D([], [], color="0.4", linestyle=":", label=r"best width-$k$ fit's $E_{\rm gen}$"),
               Line2D([], [], linestyle="", marker="s", markerfacecolor="none", markeredgecolor="black",
                      label="passes the embedded fit")]
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return fig
