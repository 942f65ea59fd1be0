"""Option validation: every render option required, none unknown, only supported formats; errors
exit with status 2 and one line on stderr naming the key."""
import contextlib
import io
import json
import os
import subprocess
import sys
import unittest

from mlp_render.cli import main
from mlp_render.options import OptionsError, validate
from . import RENDER_PATH

OPTIONS = {"colormap": "viridis", "dpi": 200, "font_size": 8, "formats": ["png", "pdf"], "height_inches": 2.8,
           "width_inches": 7}


def with_(**changes):
    options = {**OPTIONS, **changes}
    return {key: value for key, value in options.items() if value is not None}


class ValidateTests(unittest.TestCase):
    def test_complete_options_pass(self):
        self.assertEqual(validate(dict(OPTIONS)), OPTIONS)

    def test_each_key_is_required(self):
        for key in OPTIONS:
            with self.subTest(key=key), self.assertRaisesRegex(OptionsError, f"missing render option '{key}'"):
                validate({k: v for k, v in OPTIONS.items() if k != key})

    def test_bad_values_name_their_key(self):
        cases = {"colormap": "no-such-map", "dpi": 72.5, "font_size": "8", "width_inches": 0,
                 "formats": "png", "height_inches": True}
        for key, value in cases.items():
            with self.subTest(key=key), self.assertRaisesRegex(OptionsError, f"'{key}'"):
                validate(with_(**{key: value}))

    def test_a_format_listed_twice_is_an_error(self):
        with self.assertRaisesRegex(OptionsError, "'formats' lists a format twice"):
            validate(with_(formats=["png", "png"]))


class CommandLineTests(unittest.TestCase):
    """`main` returns 2 with one line on stderr before it reads the data or changes any global state."""

    def run_main(self, options):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            status = main(["--data", "/nonexistent.h5", "--out", "/nonexistent", "--options", json.dumps(options)])
        return status, stderr.getvalue()

    def assert_one_line_error(self, options, *words):
        status, stderr = self.run_main(options)
        self.assertEqual(status, 2)
        self.assertEqual(len(stderr.splitlines()), 1, stderr)
        for word in words:
            self.assertIn(word, stderr)

    def test_missing_key(self):
        self.assert_one_line_error(with_(dpi=None), "missing", "'dpi'")

    def test_unknown_key(self):
        self.assert_one_line_error(with_(color="red"), "unknown", "'color'")

    def test_unsupported_format(self):
        self.assert_one_line_error(with_(formats=["png", "jpeg"]), "unsupported format", "'jpeg'", "'formats'")

    def test_exit_status_of_the_module(self):
        environment = {**os.environ, "PYTHONPATH": RENDER_PATH, "PYTHONDONTWRITEBYTECODE": "1"}
        process = subprocess.run([sys.executable, "-m", "mlp_render", "--data", "/nonexistent.h5", "--out",
                                  "/nonexistent", "--options", json.dumps(with_(font_size=None))],
                                 env=environment, capture_output=True, text=True, timeout=60)
        self.assertEqual(process.returncode, 2)
        self.assertEqual(len(process.stderr.splitlines()), 1, process.stderr)
        self.assertIn("'font_size'", process.stderr)
        self.assertEqual(process.stdout, "")


if __name__ == "__main__":
    unittest.main()
