"""Tick labels of log axes as plain text with Unicode superscripts, and powers of ten written the
same way in titles."""
import re

import matplotlib.ticker
import numpy as np

SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
MATH_POWER = re.compile(r"\$\\mathdefault\{(-?)(?:([0-9.]+)\\times\s*)?10\^\{(-?[0-9]+)\}\}\$")
MATH_NUMBER = re.compile(r"\$\\mathdefault\{(-?[0-9.]+)\}\$")


def power_of_ten(n):
    """10⁴ for 10000; other numbers as they are."""
    exponent = round(np.log10(n)) if n > 0 else 0
    return "10" + str(exponent).translate(SUPERSCRIPTS) if n > 0 and 10 ** exponent == n else f"{n:g}"


class PlainLogFormatter(matplotlib.ticker.LogFormatterSciNotation):
    """The labels of `LogFormatterSciNotation` ("$\\mathdefault{10^{-3}}$") as plain text with
    Unicode superscripts ("10⁻³"): the same font, without a math-text parse and layout per label
    (log and symlog tick labels were most of the math text, a fifth of the rendering time)."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        if match := MATH_POWER.fullmatch(label):
            sign, mantissa, exponent = match.groups()
            return (("\u2212" if sign else "") + (f"{mantissa}\u00d7" if mantissa else "")
                    + "10" + exponent.translate(SUPERSCRIPTS))
        if match := MATH_NUMBER.fullmatch(label):
            return match.group(1).replace("-", "\u2212")
        return label


def plain_log_labels(fig):
    """Replaces the default log/symlog tick formatters of every axis by `PlainLogFormatter`."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter, install in ((axis.get_major_formatter(), axis.set_major_formatter),
                                       (axis.get_minor_formatter(), axis.set_minor_formatter)):
                if type(formatter) is matplotlib.ticker.LogFormatterSciNotation:
                    install(PlainLogFormatter(base=formatter._base, labelOnlyBase=formatter.labelOnlyBase,
                                              minor_thresholds=formatter.minor_thresholds,
                                              linthresh=formatter._linthresh))
