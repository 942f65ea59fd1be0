"""Command line: `python -m mlp_render --data FIGDATA.h5 --out DIR --options JSON`.

Validates the options (all six keys, no others: exit status 2 with one line on stderr naming the
key), sets the style and the math-text cache in this process, then renders the figures and the CSV
export in a pool of forked workers, each taking the next task as it becomes free, and prints the
files written in a fixed order.

Speed (docs/performance.md): the figures are drawn by two forked worker processes (matplotlib, h5py
and fontTools are imported once, here); each figure is laid out once, for its PNG, and the PDF draws
the same layout. A figure's bytes depend on its own drawing only, not on which worker draws it or
after which other figures.
"""
import argparse
import functools
import multiprocessing
import os
import sys

import h5py

from mlp_render import mathtext_cache, style, tasks
from mlp_render.figure_data import text
from mlp_render.figures import RENDERERS
from mlp_render.options import OptionsError, parse

WORKERS = 2


def main(argv=None):
    """Runs the renderer; returns the exit status: 0, 2 for invalid options (one line on stderr), 1 for a
    figure the renderer does not know."""
    parser = argparse.ArgumentParser(prog="mlp_render", description="Render the paper's figures from the "
                                     "pipeline's figure-data HDF5 file.")
    parser.add_argument("--data", required=True, help="the figure-data HDF5 file")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--options", required=True, help="pipeline.json's render section, as JSON (every key)")
    args = parser.parse_args(argv)
    try:
        options = parse(args.options)
    except OptionsError as error:
        print(f"mlp_render: error: {error}", file=sys.stderr)
        return 2
    style.apply(options)
    mathtext_cache.install()
    os.makedirs(os.path.join(args.out, "csv"), exist_ok=True)
    with h5py.File(args.data, "r") as data:
        names = list(dict.fromkeys(name for name in text(data.attrs["figures"]).split(",") if name in data))
    unknown = [name for name in names if name not in RENDERERS]
    if unknown:
        print(f"mlp_render: error: {args.data} lists figures this renderer does not know: {', '.join(unknown)}",
              file=sys.stderr)
        return 1
    if "pdf" in options["formats"]:
        import fontTools.subset  # noqa: F401  (the PDF backend's first save imports it: once here, not per worker)
    written = render(args.data, tasks.order(names), args.out, options)
    paths = [path for task in names + [tasks.CSV_TASK] for path in written[task]]
    print(f"wrote {len(paths)} files to {args.out}:")
    for path in paths:
        print("  " + os.path.relpath(path, args.out))
    return 0


def render(data_path, queue, directory, options):
    """Runs the tasks of `queue`, handed out one at a time in that order to whichever worker is free;
    returns {task: paths written}."""
    run = functools.partial(tasks.run, data_path=data_path, directory=directory, options=options)
    if len(queue) == 1:
        return dict([run(queue[0])])
    with multiprocessing.get_context("fork").Pool(min(WORKERS, len(queue))) as pool:
        return dict(pool.imap_unordered(run, queue, chunksize=1))
