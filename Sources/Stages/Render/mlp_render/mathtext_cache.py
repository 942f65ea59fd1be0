"""One math-text parse per string and output type per process, by patching matplotlib's private
`MathTextParser._parse_cached`.

Math text ($...$) is parsed with pyparsing, ~10 ms per string, and cached per parser object: every
renderer makes its own parser objects, so each figure, each format, and the PDF backend's text
measuring and drawing parsed every string again (a fifth of the rendering time). The parse depends
on the parser's output type, not on the object: cache it per output type for the process.

The patch relies on private API, so `install` checks its shape first and raises `MathTextCacheError`
if it differs (a matplotlib upgrade then fails a test, not a figure, and never silently renders
slower or differently). Nothing happens at import: the CLI calls `install()`.
"""
import functools
import inspect

import matplotlib.mathtext

# The parameters of matplotlib's `MathTextParser._parse_cached` (3.8–3.11) that the patch forwards.
EXPECTED_PARAMETERS = ("self", "s", "dpi", "prop", "antialiased", "load_glyph_flags")
# The output types of `MathTextParser("path")` and `MathTextParser("agg")`.
EXPECTED_OUTPUT_TYPES = {"path": "vector", "agg": "raster"}
CACHE_SIZE = 4096
_MARKER = "_mlp_render_shared_parse"


class MathTextCacheError(RuntimeError):
    """matplotlib's private math-text API no longer has the shape the shared cache was written for."""


def check_shape(parser_class=None):
    """Returns the unpatched parse function of `parser_class._parse_cached` (its `__wrapped__`), after
    checking everything the patch relies on; raises `MathTextCacheError` naming what differs."""
    parser_class = parser_class or matplotlib.mathtext.MathTextParser
    where = f"matplotlib {matplotlib.__version__}: {parser_class.__module__}.{parser_class.__qualname__}"
    cached = getattr(parser_class, "_parse_cached", None)
    if cached is None:
        raise MathTextCacheError(f"{where} has no _parse_cached; update mlp_render/mathtext_cache.py")
    uncached = getattr(cached, "__wrapped__", None)
    if uncached is None or not callable(uncached):
        raise MathTextCacheError(f"{where}._parse_cached is not a functools cache wrapper (no __wrapped__); "
                                 "update mlp_render/mathtext_cache.py")
    try:
        parameters = tuple(inspect.signature(uncached).parameters)
    except (TypeError, ValueError) as error:
        raise MathTextCacheError(f"{where}._parse_cached has no inspectable signature ({error})") from error
    if parameters != EXPECTED_PARAMETERS:
        raise MathTextCacheError(f"{where}._parse_cached{inspect.signature(uncached)} differs from the expected "
                                 f"({', '.join(EXPECTED_PARAMETERS)}); update mlp_render/mathtext_cache.py")
    parse = getattr(parser_class, "parse", None)
    if "_parse_cached" not in getattr(getattr(parse, "__code__", None), "co_names", ()):
        raise MathTextCacheError(f"{where}.parse no longer calls _parse_cached; update mlp_render/mathtext_cache.py")
    for output, output_type in EXPECTED_OUTPUT_TYPES.items():
        found = getattr(parser_class(output), "_output_type", None)
        if found != output_type:
            raise MathTextCacheError(f"{where}({output!r})._output_type is {found!r}, expected {output_type!r}; "
                                     "update mlp_render/mathtext_cache.py")
    return uncached


def install(parser_class=None):
    """Replaces `parser_class._parse_cached` (default: matplotlib's `MathTextParser`) by a cache shared
    by all parsers of one output type. Installing again is a no-op; raises `MathTextCacheError` if
    matplotlib's private API has an unexpected shape."""
    parser_class = parser_class or matplotlib.mathtext.MathTextParser
    if getattr(parser_class._parse_cached, _MARKER, False):
        return
    parse_uncached = check_shape(parser_class)
    original = parser_class._parse_cached
    parsers = {}  # the first parser seen per output type: the one the shared cache parses with

    @functools.lru_cache(CACHE_SIZE)
    def parse_shared(output_type, s, dpi, prop, antialiased, load_glyph_flags):
        return parse_uncached(parsers[output_type], s, dpi, prop, antialiased, load_glyph_flags)

    def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
        parsers.setdefault(self._output_type, self)
        return parse_shared(self._output_type, s, dpi, prop, antialiased, load_glyph_flags)

    setattr(_parse_cached, _MARKER, True)
    _parse_cached.original = original
    _parse_cached.cache_info = parse_shared.cache_info
    parser_class._parse_cached = _parse_cached


def uninstall(parser_class=None):
    """Restores matplotlib's own `_parse_cached` (for tests); a no-op if the cache is not installed."""
    parser_class = parser_class or matplotlib.mathtext.MathTextParser
    current = parser_class._parse_cached
    if getattr(current, _MARKER, False):
        parser_class._parse_cached = current.original


def installed(parser_class=None):
    """Whether the shared cache is installed on `parser_class` (default: matplotlib's parser)."""
    parser_class = parser_class or matplotlib.mathtext.MathTextParser
    return bool(getattr(parser_class._parse_cached, _MARKER, False))
