"""The figures, one module each, every one a `render(group, options)` that draws the figure from its
group of the figure-data file and returns a matplotlib `Figure` (or None when there is nothing to
draw). `RENDERERS` maps the figure names used in the file's `figures` attribute to them."""
from mlp_render.figures import (alignment, embedded_line, functions, learning_curves, multistart, region_checks,
                                richer, saddle_to_saddle, spectrum, sweep_cells, sweep_line_basin, trajectories)

RENDERERS = {module.__name__.rsplit(".", 1)[1]: module.render
             for module in (learning_curves, trajectories, functions, spectrum, region_checks, multistart,
                            embedded_line, alignment, saddle_to_saddle, richer, sweep_cells, sweep_line_basin)}
