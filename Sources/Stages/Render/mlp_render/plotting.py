"""Plotting helpers shared by several figures."""
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure  # not pyplot: no figure manager, a quicker import


def new_figure(options, rows, columns, **kwargs):
    """A figure `width_inches` wide and `height_inches` per row, with a rows × columns grid of axes
    (always 2-D: `axes[row][column]`)."""
    size = (float(options["width_inches"]), float(options["height_inches"]) * rows)
    fig = Figure(figsize=size)
    return fig, fig.subplots(rows, columns, squeeze=False, **kwargs)


def draw_segments(ax, segments, **kwargs):
    """Draws an (n, 4) array of segments (x0, y0, x1, y1) as one collection; nothing if empty."""
    if len(segments):
        ax.add_collection(LineCollection(segments.reshape(-1, 2, 2), **kwargs))
