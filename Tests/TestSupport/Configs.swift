import Foundation

/// A small but complete pipeline configuration for tests: one sampled dataset, the `noisy` and
/// `clean` runs, and short training/analysis settings so every stage finishes in seconds. The
/// related-paper studies (`projected`, `saddles`) are tiny and off unless `studies` (they add two
/// nodes and two figures to every run, which only the tests about them need).
public func smallConfig(sigma: Double = 0.2, seed: Int = 1, n: Int = 40, studies: Bool = false) -> [String: Any] {
    let runTargets = studies ? ["noisy"] : [String]()
    return [
        "store": "results",
        "datasets": [
            "gaussian": ["teacher": ["w": [1.0], "v": [2.0]], "sample": ["n": n, "sigma": sigma, "seed": seed]]
        ],
        "runs": [
            "noisy": ["dataset": "gaussian", "targets": "noisy"], "clean": ["dataset": "gaussian", "targets": "clean"],
        ],
        "train": ["steps": 2000, "record_every": 10, "log_points_per_decade": 10],
        "eigen": ["region_samples": 20],
        "multistart": ["starts": 3, "max_steps": 2000, "check_interval": 200, "eta": 0.05, "gradient_tolerance": 1e-2],
        // Branch times that a training of 1000 steps or more holds (AnalysisStagesTests trains 1000).
        "projected": [
            "run_targets": runTargets, "sgd": ["t0": [500], "eta": [0.05], "steps": 300],
            "gd": ["t0": 1000, "eta": [0.3], "steps": 100],
        ],
        "saddles": [
            "run_targets": runTargets, "widths": [1, 2], "init_scales": [1e-4, 1e-2], "seeds": 1, "max_steps": 2000,
            "slope_max_scale": 0.01,
        ],
        "render": ["formats": ["png"], "dpi": 150],
    ]
}

/// Serializes a configuration dictionary as JSON text.
public func jsonText(_ object: Any) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// Sets a value at a dotted key path in a nested configuration dictionary (nil removes it).
public func setting(_ config: [String: Any], _ path: String, _ value: Any?) -> [String: Any] {
    var parts = path.split(separator: ".").map(String.init)
    let first = parts.removeFirst()
    var copy = config
    if parts.isEmpty {
        copy[first] = value
    } else {
        copy[first] = setting(copy[first] as? [String: Any] ?? [:], parts.joined(separator: "."), value)
    }
    return copy
}

/// A project directory holding `pipeline.json` with the given configuration.
public func makeProject(_ config: [String: Any]) -> URL {
    let directory = makeTemporaryDirectory("mlp-project")
    write(jsonText(config), to: directory.appendingPathComponent("pipeline.json"))
    return directory
}

/// The default `pipeline.schema.json` gives a key (`phases.gradient_tolerance`): tests use the
/// schema's values instead of repeating them.
public func schemaDefault(_ path: String) -> Any? {
    let data = try! Data(contentsOf: packageRoot.appendingPathComponent("pipeline.schema.json"))
    var node = try! JSONSerialization.jsonObject(with: data) as? [String: Any]
    var value: Any?
    for key in path.split(separator: ".").map(String.init) {
        value = (node?["properties"] as? [String: Any])?[key]
        node = value as? [String: Any]
    }
    return node?["default"]
}
