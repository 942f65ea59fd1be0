import Dataset
import Eigen
import FigureData
import Line
import MultiStart
import Phases
import Projected
import Richer
import Saddles
import SweepSummary
import Train

/// What each figure shows and what to look for, and which stages' artifacts it draws on (per
/// run; figure-data and render are in every figure's chain). Keyed by the figure-data names.
struct FigureCaption {
    let title: String
    /// What is drawn (HTML).
    let shows: String
    /// What a reader should check (HTML).
    let lookFor: String
    /// The per-run stages whose artifacts the figure-data stage draws this figure from.
    let sources: [String]

    static let all: [String: FigureCaption] = [
        "learning_curves": FigureCaption(
            title: "Learning curves",
            shows:
                "Training error <i>E</i><sub>tr</sub> (solid) and generalization error <i>E</i><sub>gen</sub> (dashed) "
                + "against the step <i>t</i>, log–log, one panel per run. The shaded bands are the phases the phases "
                + "stage "
                + "detected (plateau, transition, near-optimal saddle, approach to the attractor, converged); the "
                + "dotted "
                + "line and the triangle mark <i>t</i>* = argmin <i>E</i><sub>gen</sub>.",
            lookFor:
                "On <i>D</i><sub>σ</sub> the saddle–saddle–attractor sequence: a flat plateau up to <i>t</i> ≈ "
                + "100, a "
                + "fast "
                + "drop, a slow near-optimal stretch where <i>E</i><sub>gen</sub> reaches its minimum (≈ "
                + "2.6·10⁻⁴ near "
                + "<i>t</i> ≈ 4·10³ in the paper), then <i>E</i><sub>gen</sub> rising again while "
                + "<i>E</i><sub>tr</sub> keeps "
                + "falling to ≈ 0.0403 at the overfitting attractor. On <i>D</i><sub>0</sub> the start is almost the "
                + "same, "
                + "then both errors keep falling together: noise is learned last.",
            sources: [TrainStage.name, PhasesStage.name]),
        "trajectories": FigureCaption(
            title: "Trajectories in parameter space",
            shows: "θ<sub><i>t</i></sub> projected on the (<i>w</i><sub>1</sub>, <i>w</i><sub>2</sub>) and "
                + "(<i>v</i><sub>1</sub>, <i>v</i><sub>2</sub>) planes, coloured by log<sub>10</sub> <i>t</i>, from "
                + "θ<sub>0</sub> "
                + "to θ<sub><i>T</i></sub>. Light gray: the projection of the optimal region <i>M</i> (<i>f</i> = "
                + "<i>f</i>*); "
                + "thin lines: the singular set (<i>w</i><sub><i>i</i></sub> = 0, <i>w</i><sub>1</sub> = "
                + "±<i>w</i><sub>2</sub>, "
                + "<i>v</i><sub><i>i</i></sub> = 0); stars: the Newton-refined final point and its symmetric images; "
                + "diamonds: where the run ends on <i>M</i> (Newton cannot converge there), the point of <i>M</i> it "
                + "approaches and its images.",
            lookFor:
                "The path leaves the small-weight singular region (the plateau), passes close to <i>M</i> (the "
                + "near-optimal "
                + "saddle) and, on <i>D</i><sub>σ</sub>, ends on a star off <i>M</i>: the overfitting attractor. On "
                + "<i>D</i><sub>0</sub> it ends on <i>M</i>, at a diamond.",
            sources: [DatasetStage.name, TrainStage.name, EigenStage.name]),
        "functions": FigureCaption(
            title: "Teacher and students",
            shows:
                "The teacher <i>f</i>*(<i>x</i>) = 2 tanh <i>x</i>, the initial and the final student "
                + "<i>f</i>(<i>x</i>; θ) "
                + "on a grid, and the training points.",
            lookFor: "On <i>D</i><sub>σ</sub> the final student bends towards the noisy points (overfitting: lower "
                + "<i>E</i><sub>tr</sub>, higher <i>E</i><sub>gen</sub> than at <i>t</i>*); on <i>D</i><sub>0</sub> it "
                + "lies on "
                + "the teacher.",
            sources: [DatasetStage.name, TrainStage.name]),
        "spectrum": FigureCaption(
            title: "Hessian spectrum along the trajectory",
            shows:
                "The eigenvalues of ∇²<i>E</i><sub>tr</sub>(θ<sub><i>t</i></sub>) on the log grid (symmetric log "
                + "scale), "
                + "the band |λ| ≤ τ counted as zero, the index (number of eigenvalues below −τ), "
                + "‖∇<i>E</i><sub>tr</sub>‖ "
                + "and the alignment χ<sub>1</sub> of the gradient with the top Hessian eigenvector.",
            lookFor: "The index steps down 2 → 1 → 0 on <i>D</i><sub>σ</sub>: the plateau is an index-2 saddle, "
                + "the "
                + "near-optimal stretch an index-1 saddle, the end a minimum; ‖∇<i>E</i><sub>tr</sub>‖ dips at "
                + "each "
                + "saddle "
                + "and at the end.",
            sources: [EigenStage.name]),
        "region_checks": FigureCaption(
            title: "Saddle index on the named regions",
            shows: "For random points of each region family (zero input or output weights, synchronized small weights, "
                + "the three parts of <i>M</i>), the histogram of the number of Hessian eigenvalues below −τ.",
            lookFor: "Index 2 on the small-weight singular region; on <i>M</i> index 1 when σ &gt; 0 (Proposition "
                + "3.1: "
                + "no point of <i>M</i> is critical, GD cannot stay there) and 0 with zero eigenvalues when σ = 0.",
            sources: [EigenStage.name]),
        "multistart": FigureCaption(
            title: "Limits of random starts",
            shows:
                "The limits of random starts in canonical form (modulo the neuron permutations and sign flips) in the "
                + "<i>w</i> and <i>v</i> planes, coloured by limit function (limits whose networks coincide in L²); "
                + "the legend "
                + "gives each function's count and basin fraction with its 95% Wilson interval. The embedded "
                + "one-neuron line "
                + "<i>L</i> is drawn solid where GD with the configured η is stable on it, dashed where it is not.",
            lookFor:
                "Theorem 3.1 read as a measurement: on the authors' <i>D</i><sub>σ</sub> two limit functions — the "
                + "isolated "
                + "attractor (about 78% of the starts) and points of <i>L</i>, all on its GD-stable part — so "
                + "\"almost "
                + "every "
                + "start\" fails at a positive basin fraction; on <i>D</i><sub>0</sub> every start ends on <i>M</i>.",
            sources: [LineStage.name, MultiStartStage.name]),
        "embedded_line": FigureCaption(
            title: "The embedded one-neuron line",
            shows:
                "Along <i>L</i>(γ) = {<i>w</i><sub>1</sub> = <i>w</i><sub>2</sub> = <i>w</i>*, <i>v</i><sub>1</sub> = "
                + "γ<i>c</i>*, "
                + "<i>v</i><sub>2</sub> = (1 − γ)<i>c</i>*}: the transverse Hessian eigenvalue and λ<sub>max</sub> "
                + "against γ, "
                + "2/η marked, the GD-stable segment shaded, the γ of every multistart limit on <i>L</i> as ticks.",
            lookFor:
                "The transverse eigenvalue changes sign at γ = 0 and γ = 1 with the sign of γ(1 − γ)·<i>A</i>; "
                + "the "
                + "line "
                + "limits lie where it is positive and λ<sub>max</sub> &lt; 2/η.",
            sources: [LineStage.name, MultiStartStage.name]),
        "alignment": FigureCaption(
            title: "Suspicious alignment: dominant and bulk steps",
            shows:
                "Branches from θ<sub><i>t</i>₀</sub> of the run's own trajectory (Deng et al.): the excess "
                + "<i>E</i><sub>tr</sub> over "
                + "the run's refined limit against the steps since <i>t</i>₀ (log–log) for plain steps, steps "
                + "projected onto the top-<i>k</i> "
                + "Hessian eigenvectors (dominant-only) and onto their complement (bulk-only); below each, "
                + "χ<sub><i>k</i></sub> of the "
                + "full-batch gradient along the branch. Rows: online SGD per η with the branch times as columns; "
                + "full-batch GD with η "
                + "on both sides of 2/λ<sub>max</sub> as columns. The ratios table is in the CSV "
                + "<code>alignment_&lt;run&gt;_ratios</code>.",
            lookFor:
                "For SGD near the attractor χ<sub>1</sub> stays near 1 yet the dominant-only branch falls no further "
                + "than plain "
                + "SGD, while the bulk-only branch falls far lower: the aligned direction is not where the loss is "
                + "reduced. For GD "
                + "below 2/λ<sub>max</sub> the excess falls and χ<sub>1</sub> drops; above it the run stalls with "
                + "χ<sub>1</sub> ≈ 1.",
            sources: [ProjectedStage.name]),
        "richer": FigureCaption(
            title: "The richer case: a two-neuron teacher",
            shows:
                "Per run of the richer study (docs/richer.md), every start's <i>E</i><sub>gen</sub> against <i>t</i> "
                + "and its Hessian index along the run, GD solid and online SGD dashed, red where the "
                + "saddle–saddle–attractor scheme appears; the dotted line is the best width-<i>k</i> fit's "
                + "<i>E</i><sub>gen</sub>, squares mark where a start passes that fit embedded in width <i>m</i>.",
            lookFor:
                "The index falling from 2<i>m</i> at the origin through the embedded fit's index 1 to 0; whether "
                + "<i>E</i><sub>gen</sub> rises above the dotted line after the square (the paper's overfitting) "
                + "or stays below it; online SGD hovering near the embedded saddles.",
            sources: [RicherStage.name]),
        "saddle_to_saddle": FigureCaption(
            title: "Saddle-to-saddle: plateaus and effective width",
            shows:
                "Full-batch GD of widths <i>m</i> from random starts of scale α (Zhang, Saxe &amp; Latham): per "
                + "<i>m</i>, "
                + "<i>E</i><sub>tr</sub> against <i>t</i> (log–log) coloured by the effective width (live neurons "
                + "distinct modulo sign), "
                + "line style by α, each refined plateau marked by its type (origin, embedded narrower network, "
                + "minimum, saddle); the "
                + "dotted line is the width-1 fit's <i>E</i><sub>tr</sub>. Last panel: the escape time from the origin "
                + "against α, with "
                + "the predicted slope ln 10/(2η<i>s</i>) steps per decade drawn through the small-α points.",
            lookFor:
                "A first plateau at the origin whose length grows by the same number of steps per decade of 1/α at "
                + "every width; "
                + "width 1 ending on the width-1 fit's line, wider networks passing near it (the refined plateaus: "
                + "embedded "
                + "narrower networks) before going lower. The paper's effective width climbs 0 → 1 → 2 as plateaus "
                + "are "
                + "left; "
                + "here, with one-dimensional inputs, the width-1 colour is only a short transient at the escape and "
                + "the units "
                + "stay distinct by weight near the embedded saddles (section 3 lists each start's widths; "
                + "docs/related.md).",
            sources: [SaddlesStage.name]),
        "sweep_cells": FigureCaption(
            title: "Sweeps: Theorem 3.1 over (n, σ)",
            shows:
                "Per sweep, one heat map per measure of its summary over the grid of sample sizes <i>n</i> and noise "
                + "levels σ "
                + "(σ shrinking to the right): each cell prints the fraction, its 95% Wilson interval and the count "
                + "it "
                + "comes from. "
                + "Fractions of datasets: one limit function; lowest limits one point modulo symmetry; <i>A</i> &gt; "
                + "0; the line's "
                + "prediction for the paper's start agreeing with its outcome. Fractions of starts: reaching the "
                + "lowest "
                + "<i>E</i><sub>tr</sub> found; ending on <i>L</i> (by the sign of <i>A</i>); heading to a minimum at "
                + "infinity; "
                + "settling on a periodic orbit of GD; no limit located.",
            lookFor:
                "Theorem 3.1 predicts fractions near 1 for one function and one point at large <i>n</i> or small σ; a "
                + "line "
                + "basin above 0 where <i>A</i> &gt; 0 means \"almost every start\" fails there. The unconverged "
                + "fraction should "
                + "stay small: starts whose weights diverge are located at infinity, not counted there "
                + "(docs/sweeps.md).",
            sources: [SweepSummaryStage.name]),
        "sweep_line_basin": FigureCaption(
            title: "Sweeps: basin of the embedded line against |A|",
            shows:
                "One point per dataset: the fraction of its random starts whose limit lies on the embedded line "
                + "<i>L</i> against "
                + "|<i>A</i>| (log scale), coloured by the sign of <i>A</i>, marker by <i>n</i>.",
            lookFor:
                "Datasets with <i>A</i> &gt; 0 (the interior of <i>L</i> GD-stable) should carry a positive basin, "
                + "growing "
                + "with |<i>A</i>|; with <i>A</i> &lt; 0 only the exterior segment can hold starts.",
            sources: [SweepSummaryStage.name]),
    ]

    /// A caption for a figure the report does not know (a figure added later): its name only.
    static func fallback(_ name: String) -> FigureCaption {
        FigureCaption(
            title: name.replacingOccurrences(of: "_", with: " ").capitalized,
            shows:
                "The figure <code>\(name)</code> (no caption is written for it yet: add one in FigureCaptions.swift).",
            lookFor: "", sources: FigureDataStage.perRunInputs)
    }
}
