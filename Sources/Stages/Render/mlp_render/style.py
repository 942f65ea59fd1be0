"""The figures' shared look: rcParams from the render options, and the colours several figures use
(colours of one figure only live in its own module)."""
import matplotlib

SINGULAR_COLOR = "0.45"
OPTIMAL_COLOR = "0.82"
TRAIN_COLOR = "C0"
GEN_COLOR = "C3"


def apply(options):
    """Sets matplotlib's global style for the options' font size. Called once, in the parent
    process before the workers fork, so that every figure sees the same rcParams."""
    matplotlib.use("Agg")
    size = float(options["font_size"])
    matplotlib.rcParams.update({
        "font.size": size, "axes.titlesize": size, "axes.labelsize": size,
        "xtick.labelsize": size - 1, "ytick.labelsize": size - 1, "legend.fontsize": size - 1,
        "figure.titlesize": size + 1, "mathtext.fontset": "dejavusans", "lines.linewidth": 1.2,
        "axes.linewidth": 0.6, "legend.frameon": False, "svg.hashsalt": "mlp-dynamics",
        "pdf.compression": 9,
        # Titles at the top of their axes: automatic placement only moves them above top-side tick
        # labels or a y-axis offset text ("1e-6"), which these figures do not have, and measured
        # every axis of every twin again in each layout pass (~10 % of the rendering).
        "axes.titley": 1.0,
    })
