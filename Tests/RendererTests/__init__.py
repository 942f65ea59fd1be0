"""Tests of the `mlp_render` package (stdlib `unittest`): run from the folder above with
`python -m unittest discover -s tests -t .`.

Makes `mlp_render` importable wherever the tests live: beside the package (this folder's parent),
or in the project's Tests/RendererTests/ with the package in Sources/Stages/Render/;
MLP_RENDER_PATH overrides both.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_CANDIDATES = [os.environ.get("MLP_RENDER_PATH", ""), os.path.dirname(_HERE),
               os.path.join(os.path.dirname(os.path.dirname(_HERE)), "Sources", "Stages", "Render")]
for _candidate in _CANDIDATES:
    if _candidate and os.path.isfile(os.path.join(_candidate, "mlp_render", "__init__.py")):
        if _candidate not in sys.path:
            sys.path.insert(0, _candidate)
        break

import mlp_render  # noqa: E402  (after the path is set)

# The directory holding the `mlp_render` package, for tests that start `python -m mlp_render`.
RENDER_PATH = os.path.dirname(os.path.dirname(os.path.abspath(mlp_render.__file__)))
