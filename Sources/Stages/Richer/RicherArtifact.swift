import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import Refinement
import Study

/// The richer stage's artifact.
///
/// Layout: root attributes `width` (m), `targets`, `eta`, `teacher_width` (k);
/// `/fits/{width1, teacher_width, narrower}` each with dataset `theta` and attributes `width`, `E_tr`,
/// `E_gen`, and for the searched fits `reached` of `starts` (starts ending at that fit's E_tr);
/// root attribute `origin_E_tr` (mean y², E_tr's scale for the checks);
/// `/embedding` (the width-(m − 1) fit φ in width m): attributes `zero_unit_coupling` (b = (2/n) Σ r x),
/// `zero_unit_index`, and per split unit datasets `unit`, `A`, `index_at_half` (Hessian index at γ = 1/2),
/// `interior_stable` (0/1: γ = 1/2 in a GD-stable segment), `stable_segments` (rows: unit, γ_low, γ_high),
/// `sign_changes` (rows: unit, γ);
/// `/summary/{method, scheme_count, start_count, scheme_fraction, wilson_low, wilson_high}` per method;
/// `/starts/<nnn>` per start: attributes `method`, `seed`, `escape_time` (−1: never), the scheme check
/// (`plateau`, `fit_t` and `fit_index` (−1: the run passes no embedded fit), `final_index`, `final_E_tr`,
/// `final_E_gen`, `overfitting_attractor`, `ends_at_fit`, `scheme` (0/1)), dataset `index_sequence`; the
/// log-grid curves `t`, `theta` (N × 2m), `E_tr`, `E_gen`, `grad_norm`, `index`, `effective_width`; and
/// `plateaus/` (`phase`, `t`, `theta`, `index`, `E_tr`, `E_gen`, `converged`, `kind`, `embedded_width`,
/// `summary`), as the saddles stage writes them.
public struct RicherArtifact {
    /// A fit: its network, errors and how many of the search's starts reached it (nil: not searched).
    public struct Fit {
        public let network: Network
        public let trainingError: Double
        public let generalizationError: Double
        public let reached: (count: Int, of: Int)?
    }

    /// One split unit of the width-(m − 1) fit.
    public struct Split {
        public let unit: Int
        public let coefficient: Double
        public let indexAtHalf: Int
        public let interiorStable: Bool
        public let stableSegments: [ClosedRange<Double>]
        public let signChanges: [Double]
    }

    /// A refined point of a run, named.
    public struct Plateau {
        public let phase: String
        public let t: Int
        public let point: Network
        public let index: Int
        public let trainingError: Double
        public let generalizationError: Double
        public let converged: Bool
        public let kind: String
        public let embeddedWidth: Int
        public let summary: String
    }

    /// One start: its curves, its refined points and the scheme check (its values read through the start:
    /// `start.appears`, `start.indexSequence`, …).
    @dynamicMemberLookup
    public struct StartResult {
        public let method: DescentMethod
        public let seed: UInt64
        public let run: SaddleToSaddleRun
        public let plateaus: [Plateau]
        public let check: SchemeCheck

        public subscript<T>(dynamicMember path: KeyPath<SchemeCheck, T>) -> T { check[keyPath: path] }

        init(
            method: DescentMethod, seed: UInt64, run: SaddleToSaddleRun, plateaus: [RefinedPlateau],
            check: SchemeCheck, teacher: Network
        ) {
            self.method = method
            self.seed = seed
            self.run = run
            self.plateaus = plateaus.map { p in
                let point = Network(flat: p.refinement.point)
                return Plateau(
                    phase: p.phase, t: run.t[p.gridIndex], point: point, index: p.refinement.analysis?.index ?? -1,
                    trainingError: p.refinement.value,
                    generalizationError: GeneralizationError.value(point, teacher: teacher),
                    converged: p.refinement.converged, kind: p.type.kind.rawValue, embeddedWidth: p.type.embeddedWidth,
                    summary: p.type.summary)
            }
            self.check = check
        }

        /// - Parameter reference: the artifact's, what the check compares with.
        init(reading g: HDF5Group, reference: SchemeCheck.Reference) throws {
            guard let method = DescentMethod(rawValue: try g.string("method")) else {
                throw HDF5Error(operation: "read method", message: "unknown descent method")
            }
            self.method = method
            seed = UInt64(try g.int("seed"))
            run = try SaddleToSaddleRun(readingCurves: g)
            let m = try g.int("width")
            let p = try g.group("plateaus")
            let phases = try p.dataset("phase").readStrings(), times = try p.dataset("t").readInt64s()
            let points = try p.dataset("theta").readDoubles(), indices = try p.dataset("index").readInt64s()
            let train = try p.dataset("E_tr").readDoubles(), gen = try p.dataset("E_gen").readDoubles()
            let converged = try p.dataset("converged").readInt64s(), kinds = try p.dataset("kind").readStrings()
            let widths = try p.dataset("embedded_width").readInt64s(),
                summaries = try p.dataset("summary").readStrings()
            plateaus = phases.indices.map { i in
                Plateau(
                    phase: phases[i], t: Int(times[i]),
                    point: Network(flat: Array(points[(i * 2 * m)..<((i + 1) * 2 * m)])),
                    index: Int(indices[i]), trainingError: train[i], generalizationError: gen[i],
                    converged: converged[i] == 1, kind: kinds[i], embeddedWidth: Int(widths[i]), summary: summaries[i])
            }
            let fitT = try g.int("fit_t")
            check = SchemeCheck(
                plateau: try g.int("plateau") == 1, fitTime: fitT >= 0 ? fitT : nil,
                fitIndex: fitT >= 0 ? try g.int("fit_index") : nil, finalIndex: try g.int("final_index"),
                finalTrainingError: try g.double("final_E_tr"), finalGeneralizationError: try g.double("final_E_gen"),
                indexSequence: try g.dataset("index_sequence").readInt64s().map { Int($0) }, reference: reference)
        }
    }

    public let width: Int
    public let targets: Targets
    public let eta: Double
    public let widthOne: Fit
    public let teacherFit: Fit
    public let narrower: Fit
    public let splits: [Split]
    public let zeroUnitCoupling: Double
    public let zeroUnitIndex: Int
    /// What every start's scheme check compares with: the teacher-width fit and E_tr's scale.
    public let reference: SchemeCheck.Reference
    public let starts: [StartResult]

    init(
        width: Int, targets: Targets, eta: Double, fits: RicherFits, reference: SchemeCheck.Reference,
        starts: [StartResult], teacher: Network
    ) {
        (self.width, self.targets, self.eta, self.reference, self.starts) = (width, targets, eta, reference, starts)
        func fit(_ network: Network, _ trainingError: Double, reached: (Int, Int)?) -> Fit {
            Fit(
                network: network, trainingError: trainingError,
                generalizationError: GeneralizationError.value(network, teacher: teacher), reached: reached)
        }
        widthOne = fit(fits.widthOne.network, fits.widthOne.trainingError, reached: nil)
        teacherFit = Fit(
            network: reference.fit, trainingError: reference.trainingError,
            generalizationError: reference.generalizationError,
            reached: (fits.teacherWidth.reached, fits.teacherWidth.starts))
        narrower = fit(
            fits.narrower.network, fits.narrower.trainingError, reached: (fits.narrower.reached, fits.narrower.starts))
        splits = fits.splits.map { split in
            let analysis = split.analysis
            return Split(
                unit: split.unit, coefficient: analysis.line.coefficient, indexAtHalf: split.indexAtHalf,
                interiorStable: EmbeddedLine.contains(analysis.stableSegments, 0.5),
                stableSegments: analysis.stableSegments, signChanges: analysis.signChanges)
        }
        zeroUnitCoupling = fits.zeroUnit.coupling
        zeroUnitIndex = fits.zeroUnitIndex
    }

    /// Starts of one method.
    public func starts(_ method: DescentMethod) -> [StartResult] { starts.filter { $0.method == method } }
}
