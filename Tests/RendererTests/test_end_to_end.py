"""End to end: `python -m mlp_render` on a tiny synthetic figure-data file with two figures writes
every format of each, the CSV files, and lists them in a fixed order."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

from . import RENDER_PATH

OPTIONS = {"colormap": "viridis", "dpi": 50, "font_size": 8, "formats": ["png", "pdf"], "height_inches": 2.0,
           "width_inches": 4}


def dataset(group, key, values, label, unit=""):
    group.create_dataset(key, data=values).attrs.update({"label": label, "unit": unit, "description": key})


def make_figure_data(path):
    """`learning_curves` and `functions` for one run "a"; `spectrum` is present but not listed."""
    with h5py.File(path, "w") as data:
        data.attrs["figures"] = "learning_curves,functions"
        curves = data.create_group("learning_curves")
        curves.attrs["runs"] = "a"
        panel = curves.create_group("a")
        panel.attrs["title"] = "run a"
        t = np.logspace(0, 3, 20)
        dataset(panel, "t", t, "$t$", "steps")
        dataset(panel, "E_tr", 1 / (1 + t), r"$E_{\rm tr}$")
        dataset(panel, "E_gen", 2 / (1 + t), r"$E_{\rm gen}$")
        functions = data.create_group("functions")
        functions.attrs["runs"] = "a"
        panel = functions.create_group("a")
        panel.attrs["title"] = "run a"
        x = np.linspace(-1, 1, 11)
        dataset(panel, "x", x, "$x$")
        for key in ("f_initial", "f_final", "f_teacher"):
            dataset(panel, key, np.tanh(x), key)
        dataset(panel, "data_x", x[::2], "x")
        dataset(panel, "data_y", np.tanh(x[::2]), "y")
        data.create_group("spectrum").attrs["runs"] = ""


class EndToEndTests(unittest.TestCase):
    def test_renders_the_listed_figures_and_csv(self):
        with tempfile.TemporaryDirectory() as root:
            data_path, out = os.path.join(root, "figure-data.h5"), os.path.join(root, "figures")
            make_figure_data(data_path)
            environment = {**os.environ, "PYTHONPATH": RENDER_PATH, "PYTHONDONTWRITEBYTECODE": "1"}
            process = subprocess.run([sys.executable, "-m", "mlp_render", "--data", data_path, "--out", out,
                                      "--options", json.dumps(OPTIONS)],
                                     env=environment, capture_output=True, text=True, timeout=120)
            self.assertEqual(process.returncode, 0, process.stderr)
            expected = ["learning_curves.png", "learning_curves.pdf", "functions.png", "functions.pdf",
                        "csv/functions_a.csv", "csv/learning_curves_a.csv"]  # CSV: in the file's (name) order
            self.assertEqual(process.stdout.splitlines(),
                             [f"wrote {len(expected)} files to {out}:"] + ["  " + name for name in expected])
            for name in expected:
                self.assertGreater(os.path.getsize(os.path.join(out, name)), 0, name)
            with open(os.path.join(out, "functions.png"), "rb") as handle:
                self.assertEqual(handle.read(8), b"\x89PNG\r\n\x1a\n")
            with open(os.path.join(out, "learning_curves.pdf"), "rb") as handle:
                self.assertEqual(handle.read(5), b"%PDF-")
            self.assertEqual(sorted(os.listdir(os.path.join(out, "csv"))), ["functions_a.csv", "learning_curves_a.csv"])


if __name__ == "__main__":
    unittest.main()
