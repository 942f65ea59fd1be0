"""Functions: the teacher, the initial and final student and the data, one panel per run."""
from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.plotting import new_figure
from mlp_render.style import GEN_COLOR


def render(group, options):
    """Teacher (dashed), initial and final student, and the data, one panel per run."""
    runs = runs_of(group)
    fig, axes = new_figure(options, 1, len(runs), sharey=True)
    for ax, run in zip(axes[0], runs):
        panel = group[run]
        x = panel["x"][...]
        ax.scatter(panel["data_x"][...], panel["data_y"][...], s=6, color="0.55", linewidths=0, zorder=1,
                   label="data $(x_k, y_k)$")
        ax.plot(x, panel["f_initial"][...], color="C2", linestyle=":", zorder=2,
                label=panel["f_initial"].attrs["label"])
        ax.plot(x, panel["f_final"][...], color=GEN_COLOR, zorder=3, label=panel["f_final"].attrs["label"])
        ax.plot(x, panel["f_teacher"][...], color="black", linestyle="--", linewidth=1.0, zorder=4,
                label=panel["f_teacher"].attrs["label"])
        ax.set_xlim(x.min(), x.max())
        ax.set_xlabel(axis_label(panel["x"]))
        ax.set_title(text(panel.attrs["title"]))
    axes[0][0].set_ylabel("$f(x)$")
    axes[0][0].legend(loc="upper left")
    return fig
