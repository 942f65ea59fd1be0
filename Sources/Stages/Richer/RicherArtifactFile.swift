import DynamicsAnalysis
import Foundation
import HDF5Kit
import MLPNumerics
import Study

/// Writing and reading `RicherArtifact` (its layout is documented on the type).
extension RicherArtifact {
    func write(to root: HDF5Group) throws {
        func described(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try root.setAttribute("width", .int64(Int64(width)))
        try root.setAttribute("targets", .string(targets.rawValue))
        try root.setAttribute("eta", .double(eta))
        try root.setAttribute("teacher_width", .int64(Int64(teacherFit.network.width)))
        try root.setAttribute("origin_E_tr", .double(reference.originTrainingError))
        let fits = try root.createGroup("fits")
        for (name, fit, text) in [
            ("width1", widthOne, "the best width-1 fit (profile scan, then Newton)"),
            ("teacher_width", teacherFit, "the best fit of the teacher's width k (seeded starts)"),
            ("narrower", narrower, "the best width-(m-1) fit, embedded in width m under /embedding"),
        ] {
            let group = try fits.createGroup(name)
            try described(group.createDataset("theta", doubles: fit.network.flat), text)
            try group.setAttribute("width", .int64(Int64(fit.network.width)))
            try group.setAttribute("E_tr", .double(fit.trainingError))
            try group.setAttribute("E_gen", .double(fit.generalizationError))
            if let reached = fit.reached {
                try group.setAttribute("reached", .int64(Int64(reached.count)))
                try group.setAttribute("starts", .int64(Int64(reached.of)))
            }
        }
        let embedding = try root.createGroup("embedding")
        try embedding.setAttribute("zero_unit_coupling", .double(zeroUnitCoupling))
        try embedding.setAttribute("zero_unit_index", .int64(Int64(zeroUnitIndex)))
        try described(
            embedding.createDataset("unit", int64s: splits.map { Int64($0.unit) }), "the split unit of phi (0-based)")
        try described(
            embedding.createDataset("A", doubles: splits.map(\.coefficient)),
            "A_i = v_i (2/n) sum_k r_k tanh''(w_i x_k) x_k^2: the curvature across the split line has the sign of "
                + "gamma (1 - gamma) A_i")
        try described(
            embedding.createDataset("index_at_half", int64s: splits.map { Int64($0.indexAtHalf) }),
            "Hessian index at gamma = 1/2")
        try described(
            embedding.createDataset("interior_stable", int64s: splits.map { $0.interiorStable ? 1 : 0 }),
            "1 when gamma = 1/2 lies in a GD-stable segment (a degenerate minimum GD does not leave)")
        let segments = splits.flatMap { s in
            s.stableSegments.flatMap { [Double(s.unit), $0.lowerBound, $0.upperBound] }
        }
        try described(
            embedding.createDataset("stable_segments", doubles: segments, shape: [segments.count / 3, 3]),
            "rows (unit, gamma_low, gamma_high): transverse eigenvalue >= 0 and lambda_max < 2/eta")
        let changes = splits.flatMap { s in s.signChanges.flatMap { [Double(s.unit), $0] } }
        try described(
            embedding.createDataset("sign_changes", doubles: changes, shape: [changes.count / 2, 2]),
            "rows (unit, gamma): where the transverse eigenvalue changes sign")
        // Per method, the scheme's fraction with its 95 % Wilson interval (what `pipeline metrics` compares).
        let summary = try root.createGroup("summary")
        let methods = DescentMethod.allCases.filter { !starts($0).isEmpty }
        let counts = methods.map { (starts($0).filter(\.appears).count, starts($0).count) }
        let intervals = counts.map { LimitFunctions.wilsonInterval(successes: $0.0, trials: $0.1) }
        try described(summary.createDataset("method", strings: methods.map(\.rawValue)), "descent method")
        try described(
            summary.createDataset("scheme_count", int64s: counts.map { Int64($0.0) }), "starts showing the scheme")
        try described(summary.createDataset("start_count", int64s: counts.map { Int64($0.1) }), "starts")
        try described(
            summary.createDataset("scheme_fraction", doubles: counts.map { Double($0.0) / Double($0.1) }),
            "fraction of starts showing the saddle-saddle-attractor scheme")
        try described(summary.createDataset("wilson_low", doubles: intervals.map(\.lowerBound)), "95 % Wilson low")
        try described(summary.createDataset("wilson_high", doubles: intervals.map(\.upperBound)), "95 % Wilson high")
        let group = try root.createGroup("starts")
        for (n, start) in starts.enumerated() {
            try start.write(to: try group.createGroup(String(format: "%03d", n)), width: width)
        }
    }

    /// Reads an artifact written by `write(to:)`.
    /// - Throws: `HDF5Error` when a member is missing or of the wrong type.
    public init(reading file: HDF5File) throws {
        let root = file.root
        width = try root.int("width")
        guard let targets = Targets(rawValue: try root.string("targets")) else {
            throw HDF5Error(operation: "read targets", message: "unknown targets")
        }
        self.targets = targets
        eta = try root.double("eta")
        func fit(_ name: String) throws -> Fit {
            let g = try root.group("fits").group(name)
            let reached = try g.hasAttribute("reached") ? (try g.int("reached"), try g.int("starts")) : nil
            return Fit(
                network: Network(flat: try g.dataset("theta").readDoubles()), trainingError: try g.double("E_tr"),
                generalizationError: try g.double("E_gen"), reached: reached)
        }
        (widthOne, teacherFit, narrower) = (try fit("width1"), try fit("teacher_width"), try fit("narrower"))
        let embedding = try root.group("embedding")
        zeroUnitCoupling = try embedding.double("zero_unit_coupling")
        zeroUnitIndex = try embedding.int("zero_unit_index")
        let units = try embedding.dataset("unit").readInt64s().map { Int($0) }
        let coefficients = try embedding.dataset("A").readDoubles()
        let indices = try embedding.dataset("index_at_half").readInt64s()
        let interior = try embedding.dataset("interior_stable").readInt64s()
        let segments = try embedding.dataset("stable_segments").readDoubles()
        let changes = try embedding.dataset("sign_changes").readDoubles()
        splits = units.indices.map { i in
            let unit = Double(units[i])
            return Split(
                unit: units[i], coefficient: coefficients[i], indexAtHalf: Int(indices[i]),
                interiorStable: interior[i] == 1,
                stableSegments: stride(from: 0, to: segments.count, by: 3).filter { segments[$0] == unit }
                    .map { segments[$0 + 1]...segments[$0 + 2] },
                signChanges: stride(from: 0, to: changes.count, by: 2).filter { changes[$0] == unit }
                    .map { changes[$0 + 1] })
        }
        let group = try root.group("starts")
        let reference = SchemeCheck.Reference(
            fit: teacherFit.network, trainingError: teacherFit.trainingError,
            generalizationError: teacherFit.generalizationError, originTrainingError: try root.double("origin_E_tr"))
        self.reference = reference
        starts = try group.memberNames().sorted().map {
            try StartResult(reading: try group.group($0), reference: reference)
        }
    }
}

extension RicherArtifact.StartResult {
    func write(to g: HDF5Group, width m: Int) throws {
        func described(_ dataset: HDF5Dataset, _ text: String) throws {
            try dataset.setAttribute("description", .string(text))
        }
        try g.setAttribute("method", .string(method.rawValue))
        try g.setAttribute("seed", .int64(Int64(seed)))
        try g.setAttribute("width", .int64(Int64(m)))
        try g.setAttribute("escape_time", .int64(Int64(run.escapeTime ?? -1)))
        try g.setAttribute("reached_minimum", .int64(run.reachedMinimum ? 1 : 0))
        try g.setAttribute("plateau", .int64(check.plateau ? 1 : 0))
        try g.setAttribute("fit_t", .int64(Int64(check.fitTime ?? -1)))
        try g.setAttribute("fit_index", .int64(Int64(check.fitIndex ?? -1)))
        try g.setAttribute("final_index", .int64(Int64(check.finalIndex)))
        try g.setAttribute("final_E_tr", .double(check.finalTrainingError))
        try g.setAttribute("final_E_gen", .double(check.finalGeneralizationError))
        try g.setAttribute("overfitting_attractor", .int64(check.overfittingAttractor ? 1 : 0))
        try g.setAttribute("ends_at_fit", .int64(check.endsAtFit ? 1 : 0))
        try g.setAttribute("scheme", .int64(check.appears ? 1 : 0))
        try described(
            g.createDataset("index_sequence", int64s: check.indexSequence.map { Int64($0) }),
            "the Hessian index of each phase segment, repeats merged")
        try run.writeCurves(to: g, width: m)
        let p = try g.createGroup("plateaus")
        try described(p.createDataset("phase", strings: plateaus.map(\.phase)), "phase label, or final")
        try described(p.createDataset("t", int64s: plateaus.map { Int64($0.t) }), "grid time refined")
        try described(
            p.createDataset("theta", doubles: plateaus.flatMap(\.point.flat), shape: [plateaus.count, 2 * m]),
            "the point Newton reached")
        try described(p.createDataset("index", int64s: plateaus.map { Int64($0.index) }), "Hessian index there")
        try described(p.createDataset("E_tr", doubles: plateaus.map(\.trainingError)), "E_tr there")
        try described(p.createDataset("E_gen", doubles: plateaus.map(\.generalizationError)), "E_gen there")
        try described(
            p.createDataset("converged", int64s: plateaus.map { $0.converged ? 1 : 0 }), "Newton met its tolerance")
        try described(p.createDataset("kind", strings: plateaus.map(\.kind)), "origin, embedded, minimum or saddle")
        try described(
            p.createDataset("embedded_width", int64s: plateaus.map { Int64($0.embeddedWidth) }), "effective width")
        try described(
            p.createDataset("summary", strings: plateaus.map(\.summary)), "zero and duplicated units, A_i")
    }
}
