"""CSV export: exact numbers, header comment lines, column order, 2-D arrays split into columns and
ragged columns, on a small figure-data file made here."""
import os
import tempfile
import unittest

import h5py
import numpy as np

from mlp_render.csv_export import cell, panels, write_all_csv

EXPECTED_PANEL = """\
# A title
# t: time [steps] the step
# matrix: M [dimensionless] a matrix
# names: names [dimensionless] run names
# short: short [dimensionless] \n\
t,matrix[0],matrix[1],names,short
0.10000000000000001,1,2,a,7.5
0.33333333333333331,3,4,b,8.5
9.9999999999999995e-21,5,6,,
"""

EXPECTED_SUB = """\
# nested
# x: x [m] 
x
1
2
"""


def make_data(path):
    with h5py.File(path, "w") as data:
        group = data.create_group("fig")
        group.attrs["title"] = "A title"
        group.attrs["arrays"] = "t,matrix"  # written first, in this order; the rest sorted by name
        arrays = {"short": ([7.5, 8.5], {"label": "short"}),
                  "t": ([0.1, 1 / 3, 1e-20], {"label": "time", "unit": "steps", "description": "the step"}),
                  "names": (np.array([b"a", b"b"]), {"label": "names", "description": "run names"}),
                  "matrix": (np.arange(1.0, 7.0).reshape(3, 2), {"label": "M", "description": "a matrix"})}
        for key, (values, attrs) in arrays.items():
            dataset = group.create_dataset(key, data=values)
            dataset.attrs.update(attrs)
        sub = group.create_group("sub")
        sub.attrs["title"] = "nested"
        sub.create_dataset("x", data=np.array([1, 2], dtype=np.int64)).attrs.update({"label": "x", "unit": "m"})
        data.create_group("empty")  # holds no arrays: no file


class CSVExportTests(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.root = self.directory.name
        self.data_path = os.path.join(self.root, "figure-data.h5")
        make_data(self.data_path)
        os.makedirs(os.path.join(self.root, "csv"))

    def test_cells_have_17_significant_digits(self):
        self.assertEqual(cell(0.1), "0.10000000000000001")
        self.assertEqual(cell(np.float64(2) / 3), "0.66666666666666663")
        self.assertEqual(cell(np.int64(3)), "3")
        self.assertEqual(cell(np.bytes_(b"abc")), "abc")
        self.assertEqual(float(cell(np.float64(np.pi))), np.pi)

    def test_panels_are_the_groups_holding_arrays(self):
        with h5py.File(self.data_path, "r") as data:
            found = [(stem, arrays) for stem, _, arrays in panels(data)]
        self.assertEqual(found, [("fig", ["t", "matrix", "names", "short"]), ("fig_sub", ["x"])])

    def test_files_hold_header_lines_split_and_ragged_columns(self):
        with h5py.File(self.data_path, "r") as data:
            written = write_all_csv(data, self.root)
        self.assertEqual(written, [os.path.join(self.root, "csv", "fig.csv"),
                                   os.path.join(self.root, "csv", "fig_sub.csv")])
        with open(written[0], encoding="utf-8", newline="") as handle:
            self.assertEqual(handle.read(), EXPECTED_PANEL)
        with open(written[1], encoding="utf-8", newline="") as handle:
            self.assertEqual(handle.read(), EXPECTED_SUB)


if __name__ == "__main__":
    unittest.main()
