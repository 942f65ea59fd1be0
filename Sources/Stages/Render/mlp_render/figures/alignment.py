"""Alignment: per run and branching experiment, the excess E_tr of the plain, dominant-only and
bulk-only branches (log-log), and below it chi_k of the full-batch gradient along each branch."""
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from mlp_render.figure_data import axis_label, runs_of, text
from mlp_render.ticks import power_of_ten

# Plain last and dashed: where a projected branch follows it (bulk-only near a minimum, where the
# gradient has no dominant component), both stay visible.
VARIANT_COLORS = {"dominant": "C3", "bulk": "C0", "plain": "black"}
VARIANT_STYLES = {"dominant": "-", "bulk": "-", "plain": (0, (3, 2))}
VARIANT_NAMES = {"plain": "plain steps", "dominant": "dominant-only (top-$k$ eigenvectors)",
                 "bulk": "bulk-only (their complement)"}


def alignment_layout(panel_group, experiments):
    """Rows of (excess, chi) axis pairs: per method, one row per eta with the branch times as columns,
    or a single row with the etas as columns when the method branches at one t0 only."""
    by_method = {}
    for name in experiments:
        attrs = panel_group[name].attrs
        by_method.setdefault(text(attrs["method"]), []).append((int(attrs["t0"]), float(attrs["eta"]), name))
    rows = []
    for method in sorted(by_method, key=lambda m: (m != "sgd", m)):
        entries = by_method[method]
        if len({t0 for t0, _, _ in entries}) == 1:
            rows.append([name for _, _, name in sorted(entries, key=lambda e: e[1])])
        else:
            for eta in sorted({eta for _, eta, _ in entries}):
                rows.append([name for t0, e, name in sorted(entries) if e == eta])
    return rows


def render(group, options):
    """Per run and experiment: the excess E_tr of the plain, dominant-only and bulk-only branches
    against the branch's steps (log-log), and chi_k of the full-batch gradient along each below."""
    runs = runs_of(group)
    if not runs:
        return None
    layouts = [alignment_layout(group[run], text(group[run].attrs["experiments"]).split(",")) for run in runs]
    pairs = sum(len(rows) for rows in layouts)
    columns = max(len(row) for rows in layouts for row in rows)
    fig = Figure(figsize=(float(options["width_inches"]), 2.5 * pairs))
    # Axes only where a row has an experiment (an axis-off axes costs as much to create and lay out).
    grid = fig.add_gridspec(2 * pairs, columns, height_ratios=[2, 1] * pairs)
    size = float(options["font_size"])
    pair = 0
    for run, rows in zip(runs, layouts):
        run_group = group[run]
        k = int(run_group.attrs["dominant_dimension"])
        for row in rows:
            for column, name in enumerate(row):
                top, bottom = fig.add_subplot(grid[2 * pair, column]), fig.add_subplot(grid[2 * pair + 1, column])
                panel = run_group[name]
                t = panel["t"][...]
                for variant, color in VARIANT_COLORS.items():
                    excess = panel[f"excess_{variant}"][...]
                    steps = t[:len(excess)]
                    shown = (steps > 0) & (excess > 0)
                    top.plot(steps[shown], excess[shown], color=color, linestyle=VARIANT_STYLES[variant],
                             linewidth=0.9)
                    chi = panel[f"chi_{variant}"][...]  # recorded with the excess: same length
                    bottom.plot(steps[steps > 0], chi[steps > 0], color=color, linestyle=VARIANT_STYLES[variant],
                                linewidth=0.8)
                # Log scales set once per axes (loglog/semilogx set them again, with a rescale, per line).
                top.set(xscale="log", yscale="log")
                bottom.set_xscale("log")
                diverged = text(panel.attrs.get("diverged", ""))
                if diverged:
                    top.text(0.02, 0.04, "diverged: " + diverged, transform=top.transAxes, fontsize=size - 2,
                             color="C3")
                method, t0, eta = text(panel.attrs["method"]), int(panel.attrs["t0"]), float(panel.attrs["eta"])
                title = f"{'SGD' if method == 'sgd' else 'GD'}, $t_0$ = {power_of_ten(t0)}, $\\eta$ = {eta:g}"
                top.set_title(title if len(runs) == 1 else f"{text(run_group.attrs['title'])}: {title}",
                              fontsize=size - 1)
                bottom.set_ylim(-0.03, 1.03)
                bottom.set_xlabel(axis_label(panel["t"]))
                if column == 0:
                    top.set_ylabel(axis_label(panel["excess_plain"]))
                    bottom.set_ylabel(f"$\\chi_{{{k}}}$ of $\\nabla E_{{\\rm tr}}$")
            pair += 1
    handles = [Line2D([], [], color=color, linestyle=VARIANT_STYLES[variant], label=VARIANT_NAMES[variant])
               for variant, color in VARIANT_COLORS.items()]
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return fig
