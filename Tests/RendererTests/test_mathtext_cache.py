"""The shared math-text parse cache: same parses as matplotlib's own, a loud failure when the private
API it patches changes shape, and idempotent installation."""
import functools
import unittest
from unittest import mock

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.mathtext import MathTextParser

from mlp_render import mathtext_cache
from mlp_render.mathtext_cache import MathTextCacheError

STRINGS = [r"$\log_{10} t$ (t in steps)", r"$E_{\rm gen}$", r"$\nabla^2 E_{\rm tr}$",
           r"$|\lambda| \leq \tau$ (counted as zero)", r"$\chi_{2}$ of $\nabla E_{\rm tr}$"]


def parse(output, s):
    return MathTextParser(output).parse(s, dpi=100, prop=FontProperties(size=8))


def assert_same_parse(case, expected, actual):
    """Field by field: the raster parse's image is an array, the vector parse's glyphs a list."""
    case.assertEqual(type(expected), type(actual))
    for name, want, got in zip(expected._fields, expected, actual):
        if isinstance(want, np.ndarray) or hasattr(want, "__array__"):
            case.assertTrue(np.array_equal(np.asarray(want), np.asarray(got)), name)
        else:
            case.assertEqual(want, got, name)


class MathTextCacheTests(unittest.TestCase):
    def setUp(self):
        self.was_installed = mathtext_cache.installed()
        mathtext_cache.uninstall()

    def tearDown(self):
        mathtext_cache.uninstall()
        if self.was_installed:
            mathtext_cache.install()

    def test_matplotlib_has_the_expected_shape(self):
        # Fails after a matplotlib upgrade that changes the private API: update mathtext_cache.py.
        self.assertTrue(callable(mathtext_cache.check_shape()))

    def test_patched_parse_equals_unpatched(self):
        for output in ("path", "agg"):
            expected = {s: parse(output, s) for s in STRINGS}
            mathtext_cache.install()
            try:
                for s in STRINGS:
                    with self.subTest(output=output, s=s):
                        assert_same_parse(self, expected[s], parse(output, s))
                        assert_same_parse(self, expected[s], parse(output, s))  # from the shared cache
            finally:
                mathtext_cache.uninstall()

    def test_parsers_share_one_cache(self):
        mathtext_cache.install()
        parse("agg", STRINGS[0])
        hits = MathTextParser._parse_cached.cache_info().hits
        parse("agg", STRINGS[0])  # a new parser object: matplotlib's own cache would parse again
        self.assertEqual(MathTextParser._parse_cached.cache_info().hits, hits + 1)

    def test_installing_twice_is_harmless(self):
        original = MathTextParser._parse_cached
        expected = parse("agg", STRINGS[1])
        mathtext_cache.install()
        patched = MathTextParser._parse_cached
        mathtext_cache.install()
        self.assertIs(MathTextParser._parse_cached, patched)
        assert_same_parse(self, expected, parse("agg", STRINGS[1]))
        mathtext_cache.uninstall()
        self.assertIs(MathTextParser._parse_cached, original)

    def test_guard_raises_without_wrapped(self):
        def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
            return None

        with mock.patch.object(MathTextParser, "_parse_cached", _parse_cached):
            with self.assertRaisesRegex(MathTextCacheError, "__wrapped__"):
                mathtext_cache.install()
            self.assertIs(MathTextParser._parse_cached, _parse_cached)  # left as it was

    def test_guard_raises_on_a_different_signature(self):
        @functools.lru_cache(50)
        def _parse_cached(self, s, dpi, prop, antialiased):
            return None

        with mock.patch.object(MathTextParser, "_parse_cached", _parse_cached):
            with self.assertRaisesRegex(MathTextCacheError, "differs from the expected"):
                mathtext_cache.install()

    def test_guard_raises_when_parse_bypasses_the_cached_method(self):
        def parse_elsewhere(self, s, dpi=72, prop=None, *, antialiased=None):
            return self._parse_somewhere_else(s)

        with mock.patch.object(MathTextParser, "parse", parse_elsewhere):
            with self.assertRaisesRegex(MathTextCacheError, "no longer calls _parse_cached"):
                mathtext_cache.install()

    def test_guard_raises_on_unexpected_output_types(self):
        class Parser:
            def __init__(self, output):
                self._output_type = output  # not matplotlib's "vector"/"raster"

            def parse(self, s, dpi=72, prop=None, *, antialiased=None):
                return self._parse_cached(s, dpi, prop, antialiased, 0)

            @functools.lru_cache(50)
            def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
                return None

        with self.assertRaisesRegex(MathTextCacheError, "_output_type"):
            mathtext_cache.install(Parser)


if __name__ == "__main__":
    unittest.main()
