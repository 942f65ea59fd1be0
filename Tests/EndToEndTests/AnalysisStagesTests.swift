import Foundation
import HDF5Kit
import TestSupport
import XCTest

/// The eigen, phases and multistart stages run by the driver on `smallConfig()`: shapes, the
/// science the artifacts must show at this scale, and consistency checked against independent
/// re-computations (the E_tr gradient and the orbit distance are re-derived here from scratch).
final class AnalysisStagesTests: XCTestCase {
    private static var project: URL!
    private static var runError: String?

    override class func setUp() {
        // 1000 steps: the noisy run ends just past the drop, next to the near-optimal saddle.
        project = makeProject(setting(smallConfig(), "train.steps", 1000))
        do {
            let result = try runProduct(
                "pipeline", ["run", "--config", project.appendingPathComponent("pipeline.json").path])
            if result.status != 0 { runError = result.stderr + result.stdout }
        } catch {
            runError = "\(error)"
        }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: project)
    }

    override func setUpWithError() throws {
        if let error = Self.runError { XCTFail("pipeline run failed: \(error)") }
    }

    /// The current artifact of `stage[instance]`.
    private func artifact(_ stage: String, _ instance: String) throws -> HDF5File {
        try HDF5File.open(
            try currentArtifact("\(stage)[\(instance)]", config: Self.project.appendingPathComponent("pipeline.json"))
                .path)
    }

    private func int(_ holder: HDF5AttributeHolder, _ name: String) throws -> Int {
        guard case .int64(let value) = try holder.attribute(name) else {
            XCTFail("\(name) is not an integer"); return -1
        }
        return Int(value)
    }

    private func string(_ holder: HDF5AttributeHolder, _ name: String) throws -> String {
        guard case .string(let value) = try holder.attribute(name) else {
            XCTFail("\(name) is not a string"); return ""
        }
        return value
    }

    private func double(_ holder: HDF5AttributeHolder, _ name: String) throws -> Double {
        guard case .double(let value) = try holder.attribute(name) else {
            XCTFail("\(name) is not a number"); return .nan
        }
        return value
    }

    /// The training set of a run, read from the dataset artifact.
    private func trainingSet(targets: String) throws -> (x: [Double], y: [Double]) {
        let file = try artifact("dataset", "gaussian")
        return (try file.root.dataset("x").readDoubles(), try file.root.dataset("y_\(targets)").readDoubles())
    }

    /// ‖∇E_tr(θ)‖ for width 2, written out by hand: E = (1/n) Σ_k r_k², r_k = Σ_i v_i tanh(w_i x_k) − y_k.
    private func gradientNorm(_ theta: [Double], _ data: (x: [Double], y: [Double])) -> Double {
        let (w, v) = ([theta[0], theta[1]], [theta[2], theta[3]])
        var g = [0.0, 0.0, 0.0, 0.0]
        let n = Double(data.x.count)
        for (x, y) in zip(data.x, data.y) {
            let t = [tanh(w[0] * x), tanh(w[1] * x)]
            let r = v[0] * t[0] + v[1] * t[1] - y
            for i in 0..<2 {
                g[i] += 2 / n * r * v[i] * (1 - t[i] * t[i]) * x
                g[2 + i] += 2 / n * r * t[i]
            }
        }
        return g.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// E_tr(θ) for width 2, written out by hand.
    private func trainingError(_ theta: [Double], _ data: (x: [Double], y: [Double])) -> Double {
        zip(data.x, data.y).reduce(0) { sum, sample in
            let r = theta[2] * tanh(theta[0] * sample.0) + theta[3] * tanh(theta[1] * sample.0) - sample.1
            return sum + r * r
        } / Double(data.x.count)
    }

    /// min over the 8 symmetries of width 2 (swap × sign flips) of ‖a − g·b‖.
    private func orbitDistance(_ a: [Double], _ b: [Double]) -> Double {
        var best = Double.infinity
        for swap in [false, true] {
            for s0 in [1.0, -1.0] {
                for s1 in [1.0, -1.0] {
                    let (i0, i1) = swap ? (1, 0) : (0, 1)
                    let image = [s0 * b[i0], s1 * b[i1], s0 * b[2 + i0], s1 * b[2 + i1]]
                    best = min(best, zip(a, image).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot())
                }
            }
        }
        return best
    }

    func testEigenArtifactAlongTheTrajectory() throws {
        for run in ["noisy", "clean"] {
            let eigen = try artifact("eigen", run)
            let train = try artifact("train", run)
            let along = try eigen.root.group("along")
            let t = try along.dataset("t").readInt64s()
            XCTAssertEqual(t, try train.root.group("log").dataset("t").readInt64s())
            let n = t.count
            XCTAssertEqual(try along.dataset("eigenvalues").shape, [n, 4])
            XCTAssertEqual(try along.dataset("eigenvectors").shape, [n, 16])
            XCTAssertEqual(try along.dataset("alignment").shape, [n, 3])
            let index = try along.dataset("index").readInt64s()
            // The paper's initial point lies on the small-weight plateau: two escape directions.
            XCTAssertEqual(index.first, 2, run)
            XCTAssertEqual(t.first, 0)
            let values = try along.dataset("eigenvalues").readDoubles()
            let tau = try along.dataset("tolerance").readDoubles()
            for k in 0..<n {
                let row = values[(4 * k)..<(4 * k + 4)]
                XCTAssertEqual(Int(index[k]), row.filter { $0 < -tau[k] }.count)
                XCTAssertEqual(row.sorted(), Array(row))
            }
            // Each stored eigenvector is a unit vector.
            let vectors = try along.dataset("eigenvectors").readDoubles()
            for j in stride(from: 0, to: vectors.count, by: 4) {
                XCTAssertEqual(vectors[j..<(j + 4)].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-12)
            }
            let eta = try double(along, "eta")
            XCTAssertEqual(eta, 0.01)
            let threshold = try along.dataset("stability_threshold").readDoubles()
            let stable = try along.dataset("stable").readInt64s()
            for k in 0..<n { XCTAssertEqual(stable[k] == 1, eta < threshold[k]) }
        }
    }

    func testFinalPointIsRefinedToACriticalPoint() throws {
        for run in ["noisy", "clean"] {
            let final = try artifact("eigen", run).root.group("critical").group("final")
            let theta = try final.dataset("theta").readDoubles()
            XCTAssertEqual(theta.count, 4)
            if try int(final, "converged") == 1 {
                XCTAssertLessThan(try double(final, "grad_norm"), 1e-12)
                XCTAssertLessThan(gradientNorm(theta, try trainingSet(targets: run)), 1e-11, "independent gradient")
            } else {
                XCTAssertNotEqual(try string(final, "reason"), "converged")
            }
            XCTAssertEqual(try final.dataset("eigenvalues").readDoubles().count, 4)
            XCTAssertGreaterThanOrEqual(try double(final, "distance_to_optimal"), 0)
            XCTAssertEqual(orbitDistance(theta, try final.dataset("canonical_theta").readDoubles()), 0, accuracy: 1e-15)
        }
        // The noisy run's Newton start (t = 1000, past the drop) reaches the near-optimal saddle.
        XCTAssertEqual(try int(try artifact("eigen", "noisy").root.group("critical").group("final"), "converged"), 1)
    }

    func testRegionChecksHistogramEverySample() throws {
        let regions = try artifact("eigen", "noisy").root.group("regions")
        let families = try regions.memberNames()
        XCTAssertEqual(families.count, 7)
        for family in families {
            let group = try regions.group(family)
            XCTAssertEqual(try int(group, "sample_count"), 20)
            XCTAssertEqual(try group.dataset("index_histogram").readInt64s().reduce(0, +), 20)
            XCTAssertEqual(try group.dataset("zero_count_histogram").readInt64s().reduce(0, +), 20)
        }
        // f ≡ 0 with w = 0 is a saddle of index 2 on every sample (docs/analysis.md).
        XCTAssertEqual(try regions.group("zeroInputWeights").dataset("index_histogram").readInt64s()[2], 20)
    }

    func testPhasesSegmentsAndRepresentatives() throws {
        for run in ["noisy", "clean"] {
            let file = try artifact("phases", run)
            let segments = try file.root.group("segments")
            let labels = try segments.dataset("label").readStrings()
            XCTAssertFalse(labels.isEmpty)
            XCTAssertEqual(labels.first, "plateau", run)
            let known: Set = ["plateau", "transition", "nearOptimalSaddle", "approachToAttractor", "converged"]
            XCTAssertTrue(labels.allSatisfy(known.contains), "\(labels)")
            let start = try segments.dataset("t_start").readDoubles()
            let end = try segments.dataset("t_end").readDoubles()
            XCTAssertEqual(start.count, labels.count)
            for k in labels.indices {
                XCTAssertLessThanOrEqual(start[k], end[k])
                if k > 0 { XCTAssertGreaterThan(start[k], end[k - 1]) }
            }
            XCTAssertEqual(try segments.dataset("index").readInt64s().first, 2)
            let points = try segments.dataset("point_count").readInt64s().reduce(0, +)
            let t = try artifact("train", run).root.group("log").dataset("t").readInt64s()
            XCTAssertEqual(Int(points), t.filter { $0 >= 1 }.count)
            let tStar = try double(file.root, "t_star")
            XCTAssertTrue(t.contains(Int64(tStar)))

            let critical = try file.root.group("critical")
            XCTAssertEqual(try critical.memberNames().count, labels.count)
            for k in labels.indices {
                let group = try critical.group(String(k))
                XCTAssertEqual(try string(group, "label"), labels[k])
                let rt = try double(group, "representative_t")
                XCTAssertTrue(rt >= start[k] && rt <= end[k])
                if try int(group, "converged") == 1 { XCTAssertLessThan(try double(group, "grad_norm"), 1e-12) }
            }
        }
        // The plateau's representative refines to the index-2 saddle of the singular region.
        let plateau = try artifact("phases", "noisy").root.group("critical").group("0")
        XCTAssertEqual(try int(plateau, "converged"), 1)
        XCTAssertEqual(try int(plateau, "index"), 2)
    }

    func testMultistartLimitsAreLocatedAndGroupedIntoFunctions() throws {
        let multistart = try XCTUnwrap(smallConfig()["multistart"] as? [String: Any])
        let gradientTolerance = try XCTUnwrap(multistart["gradient_tolerance"] as? Double)
        // The literal's numbers may be typed Double or Int.
        let count = try XCTUnwrap((multistart["starts"] as? Int) ?? (multistart["starts"] as? Double).map { Int($0) })
        let kinds: Set = [
            "isolated minimum", "embedded line", "optimal manifold M", "other critical point", "at infinity",
            "not converged",
        ]
        for run in ["noisy", "clean"] {
            let file = try artifact("multistart", run)
            let starts = try file.root.group("starts")
            XCTAssertEqual(try starts.dataset("initial").shape, [count, 4])
            let initial = try starts.dataset("initial").readDoubles()
            XCTAssertTrue(initial.allSatisfy { abs($0) <= 2.5 })
            let final = try starts.dataset("final").readDoubles()
            let converged = try starts.dataset("converged").readInt64s()
            let certified = try starts.dataset("certified").readInt64s()
            let gradient = try starts.dataset("final_grad_norm").readDoubles()
            let kind = try starts.dataset("limit_kind").readStrings()
            let limit = try starts.dataset("limit").readDoubles()
            let function = try starts.dataset("function").readInt64s()
            let data = try trainingSet(targets: run)
            for i in 0..<count {
                XCTAssertEqual(converged[i] == 1, gradient[i] < gradientTolerance)
                XCTAssertFalse(converged[i] == 1 && certified[i] == 1, "a certified start stops before the tolerance")
                XCTAssertEqual(gradientNorm(Array(final[(4 * i)..<(4 * i + 4)]), data), gradient[i], accuracy: 1e-9)
                XCTAssertTrue(kinds.contains(kind[i]), kind[i])
                // Every located limit is a critical point (checked with the gradient written out here) and has a
                // function;
                // one at infinity is no critical point, but lies below where GD stopped (GD is monotone).
                if kind[i] == "at infinity" {
                    XCTAssertLessThanOrEqual(
                        trainingError(Array(limit[(4 * i)..<(4 * i + 4)]), data),
                        trainingError(Array(final[(4 * i)..<(4 * i + 4)]), data) + 1e-12)
                    XCTAssertGreaterThanOrEqual(function[i], 0)
                } else if kind[i] != "not converged" {
                    XCTAssertLessThan(
                        gradientNorm(Array(limit[(4 * i)..<(4 * i + 4)]), data), 1e-11, "start \(i): \(kind[i])")
                    XCTAssertGreaterThanOrEqual(function[i], 0)
                } else {
                    XCTAssertEqual(function[i], -1)
                }
            }
            // Functions: counts add up; the basin fraction lies in its Wilson interval; members of one
            // function compute the same function (E_x[(f − f')²] by a plain Riemann sum here).
            let functions = try file.root.group("functions")
            let counts = try functions.dataset("count").readInt64s()
            XCTAssertEqual(Int(counts.reduce(0, +)) + (try int(file.root, "unconverged_count")), count)
            let fractions = try functions.dataset("basin_fraction").readDoubles()
            let (low, high) = (
                try functions.dataset("wilson_low").readDoubles(), try functions.dataset("wilson_high").readDoubles()
            )
            for k in counts.indices {
                XCTAssertEqual(fractions[k], Double(counts[k]) / Double(count))
                XCTAssertTrue(low[k] <= fractions[k] && fractions[k] <= high[k])
                XCTAssertEqual(counts[k], Int64(function.filter { $0 == k }.count))
            }
            func riemann(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
                let (a, b) = (Array(a), Array(b))
                var sum = 0.0
                for j in -8000...8000 {
                    let x = Double(j) * 1e-3
                    let d =
                        a[2] * tanh(a[0] * x) + a[3] * tanh(a[1] * x) - b[2] * tanh(b[0] * x) - b[3] * tanh(b[1] * x)
                    sum += d * d * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() * 1e-3
                }
                return sum
            }
            for i in 0..<count where function[i] >= 0 {
                for j in (i + 1)..<count where function[j] >= 0 {
                    let distance = riemann(limit[(4 * i)..<(4 * i + 4)], limit[(4 * j)..<(4 * j + 4)])
                    if function[i] == function[j] {
                        XCTAssertLessThan(distance, 1e-9)
                    } else {
                        XCTAssertGreaterThan(distance, 1e-10)
                    }
                }
            }
            XCTAssertGreaterThan(try double(file.root, "timing_runs_per_second"), 0)
        }
    }
}
