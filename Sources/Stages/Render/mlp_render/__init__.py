"""Renders the paper's figures from the pipeline's figure-data HDF5 file.

Run as `python -m mlp_render --data FIGDATA.h5 --out DIR --options JSON` (see `cli`). Reads only the
figure-data file (one group per figure, every array with `label`, `unit` and `description`
attributes) and writes DIR/<figure>.<format> for each figure and format, and DIR/csv/<panel>.csv for
every panel (every group that holds arrays). The options are pipeline.json's "render" section, all
of them, always: there are no defaults here. Output is reproducible: no dates or software versions
are embedded, so the same data and options give the same bytes.

Importing the package changes no global state: `cli.main` sets the style and installs the math-text
cache (`mathtext_cache`), explicitly.
"""
