"""Tests of the figure renderer `mlp_render` (Sources/Stages/Render/mlp_render), with the standard
library's unittest: `make test-renderer`, or `python -m unittest discover -s Tests/RendererTests -t Tests`
from the project root.
"""
import os
import sys

# The package lives in the render stage's folder, so that its code is the stage's code identity.
RENDER_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "Sources", "Stages", "Render")
if RENDER_PATH not in sys.path:
    sys.path.insert(0, RENDER_PATH)

import mlp_render  # noqa: E402,F401  (after the path is set)
