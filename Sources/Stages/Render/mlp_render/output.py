"""Saving one figure in every requested format from a single layout, with fixed metadata so that
re-rendering gives identical files."""
import os

import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.layout_engine import ConstrainedLayoutEngine

from mlp_render.ticks import plain_log_labels

# Fixed metadata per format, so that re-rendering gives identical files.
METADATA = {"png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
            "svg": {"Date": None, "Creator": None}}
# The formats the renderer can write (the options' `formats` must be among them).
FORMATS = tuple(METADATA)
# zlib level 3 instead of Pillow's 6: a third less time encoding PNGs, files ~10 % larger.
SAVE_OPTIONS = {"png": {"compress_level": 3}}


def save(fig, directory, name, options):
    """Writes the figure in every format from one layout: constrained layout runs once, with the
    PNG's renderer, and every format draws those positions. The figures have no layout engine: with
    one (even `set_layout_engine("none")`'s placeholder), `savefig` first makes a whole dry drawing
    (a third of each PDF's time); the PNG is the Agg canvas drawn once and written by Pillow.
    Returns the paths written, in the order of `options["formats"]`."""
    plain_log_labels(fig)
    # No minor ticks (they are on log axes only): each is a Tick artist with its lines and label,
    # created and laid out at every draw — a fifth of all the drawing time, two thirds of the
    # learning curves' (a decade per major tick stays readable).
    for ax in fig.axes:
        ax.minorticks_off()
        # The top and right spines lie on the axes' box, with no tick marks beyond tick labels:
        # measuring them for the layout only recomputed the axis's ticks again (same layout).
        for side in ("top", "right"):
            if side in ax.spines:
                ax.spines[side].set_in_layout(False)
    dpi = int(options["dpi"])
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    ConstrainedLayoutEngine().execute(fig)
    paths = {}
    if "png" in options["formats"]:
        canvas.draw()
        paths["png"] = os.path.join(directory, f"{name}.png")
        # RGB (`imsave` writes RGBA): the figures are opaque, and the alpha channel was a sixth of the
        # encoding time. No text chunks (no "Software"), as METADATA["png"] asks.
        image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        image.convert("RGB").save(paths["png"], format="png", dpi=(dpi, dpi), **SAVE_OPTIONS["png"])
    for fmt in options["formats"]:
        if fmt not in paths:
            paths[fmt] = os.path.join(directory, f"{name}.{fmt}")
            fig.savefig(paths[fmt], format=fmt, dpi=dpi, metadata=METADATA[fmt])
    return [paths[fmt] for fmt in options["formats"]]
