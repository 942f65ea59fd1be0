"""`python -m mlp_render`: the command-line entry point (see `mlp_render.cli`)."""
import sys

from mlp_render.cli import main

if __name__ == "__main__":
    sys.exit(main())
