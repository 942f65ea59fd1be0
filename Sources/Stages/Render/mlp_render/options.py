"""The render options (pipeline.json's "render" section): every key required, none unknown, no
defaults here — the pipeline's config is the one place parameters live."""
import json
import numbers

import matplotlib

from mlp_render.output import FORMATS

REQUIRED = ("colormap", "width_inches", "height_inches", "dpi", "formats", "font_size")


class OptionsError(ValueError):
    """An invalid render option; the message is one line naming the key."""


def parse(text):
    """The options from their JSON text, validated (see `validate`)."""
    try:
        options = json.loads(text)
    except json.JSONDecodeError as error:
        raise OptionsError(f"--options is not valid JSON: {error}") from None
    return validate(options)


def validate(options):
    """Returns `options` if it has exactly the keys of `REQUIRED`, each of the right type, and only
    supported formats, each once; raises `OptionsError` naming the first offending key."""
    if not isinstance(options, dict):
        raise OptionsError("--options must be a JSON object with the keys " + ", ".join(REQUIRED))
    for key in REQUIRED:
        if key not in options:
            raise OptionsError(f"missing render option '{key}'")
    for key in options:
        if key not in REQUIRED:
            raise OptionsError(f"unknown render option '{key}' (known: {', '.join(REQUIRED)})")
    if not isinstance(options["colormap"], str) or options["colormap"] not in matplotlib.colormaps:
        raise OptionsError(f"render option 'colormap': unknown colormap {options['colormap']!r}")
    for key in ("width_inches", "height_inches", "font_size"):
        if not _is_number(options[key]) or not options[key] > 0:
            raise OptionsError(f"render option '{key}' must be a positive number")
    dpi = options["dpi"]
    if not _is_number(dpi) or not float(dpi).is_integer() or not dpi > 0:
        raise OptionsError("render option 'dpi' must be a positive integer")
    formats = options["formats"]
    if not isinstance(formats, list) or not all(isinstance(fmt, str) for fmt in formats):
        raise OptionsError("render option 'formats' must be a list of strings")
    for fmt in formats:
        if fmt not in FORMATS:
            raise OptionsError(f"render option 'formats': unsupported format '{fmt}' (supported: {', '.join(FORMATS)})")
    if len(set(formats)) != len(formats):
        raise OptionsError("render option 'formats' lists a format twice")
    return options


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
