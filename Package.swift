// swift-tools-version:5.9
import Foundation
import PackageDescription

// Linux (Debian 12, Swift 6) is the tested platform; the C libraries come from Debian's packages.

/// The GD kernel needs a CPU-target flag: without one, `SIMD8<Double>` FMAs become libm calls
/// (~33x slower, see docs/performance.md). Release builds are therefore native to the build machine,
/// or built for `MLP_TARGET_CPU` (e.g. `x86-64-v3`) to run on every node of a mixed cluster; the
/// arithmetic is the same on every target (explicit FMAs, fixed reduction order), so are artifacts.
let targetCPU = ProcessInfo.processInfo.environment["MLP_TARGET_CPU"] ?? "native"
let nativeRelease: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=\(targetCPU)"], .when(configuration: .release))
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

/// A pipeline stage: its module `Sources/Stages/<module>/` (defining `<module>Stage`), its executable
/// `Sources/Stages/<module>/main/` and the modules it imports. A stage's code identity is the closure
/// of its executable in this graph (`CodeTablePlugin`): what it imports is what re-keys it.
struct StageModule {
    let module: String
    let executable: String
    let imports: [Target.Dependency]
    /// Folders of the stage that are not Swift (files it executes, e.g. the renderer's Python).
    var notSwift: [String] = []
    /// Whether the stage declares metrics in `Sources/Stages/<module>/metrics/` (module `<module>Metrics`):
    /// a target of its own that only the driver links, so declaring a metric re-keys nothing.
    var metrics = false
}

/// The stages. Adding one is a folder under Sources/Stages/ and one line here.
let stages: [StageModule] = [
    StageModule(module: "Dataset", executable: "stage-dataset", imports: ["Study"]),
    StageModule(module: "Train", executable: "stage-train", imports: ["Dataset"], metrics: true),
    StageModule(module: "Line", executable: "stage-line", imports: ["Dataset", "Refinement"], metrics: true),
    StageModule(module: "Eigen", executable: "stage-eigen", imports: ["Train", "Refinement"], metrics: true),
    StageModule(module: "Phases", executable: "stage-phases", imports: ["Eigen", "Line"], metrics: true),
    StageModule(module: "MultiStart", executable: "stage-multistart", imports: ["Line"], metrics: true),
    StageModule(module: "Projected", executable: "stage-projected", imports: ["Eigen"], metrics: true),
    StageModule(module: "Saddles", executable: "stage-saddles", imports: ["Line"], metrics: true),
    StageModule(module: "Richer", executable: "stage-richer", imports: ["Line"], metrics: true),
    StageModule(
        module: "SweepSummary", executable: "stage-sweep-summary", imports: ["Train", "MultiStart"], metrics: true),
    StageModule(
        module: "FigureData", executable: "stage-figure-data",
        imports: ["Phases", "MultiStart", "Projected", "Saddles", "Richer", "SweepSummary"]),
    StageModule(module: "Render", executable: "stage-render", imports: [], notSwift: ["mlp_render"]),
    StageModule(module: "Report", executable: "stage-html-report", imports: ["FigureData", "Render"]),
]

let stageTargets: [Target] = stages.flatMap { stage -> [Target] in
    [
        .target(
            name: stage.module, dependencies: ["PipelineCore", "HDF5Kit"] + stage.imports,
            path: "Sources/Stages/\(stage.module)",
            exclude: ["main"] + (stage.metrics ? ["metrics"] : []) + stage.notSwift),
        .executableTarget(
            name: stage.executable, dependencies: [.target(name: stage.module), "PipelineCore", "BuildProvenance"],
            path: "Sources/Stages/\(stage.module)/main"),
    ]
        + (stage.metrics
            ? [
                .target(
                    name: "\(stage.module)Metrics", dependencies: ["PipelineEngine"],
                    path: "Sources/Stages/\(stage.module)/metrics")
            ] : [])
}

let package = Package(
    name: "mlp-dynamics",
    products: [
        .executable(name: "pipeline", targets: ["pipeline"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(
            name: "CHDF5",
            pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"])]
        ),
        .systemLibrary(
            name: "CLAPACKE",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        // Header only: eight-lane FMA and clamps as single LLVM vector operations (the GD kernel).
        .systemLibrary(name: "CVectorMath"),

        // MARK: Libraries: the mathematics and HDF5
        .target(name: "HDF5Kit", dependencies: ["CHDF5"]),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACKE"]),
        .target(name: "MLPNumerics", dependencies: ["CVectorMath"], swiftSettings: nativeRelease),
        .target(
            name: "DynamicsAnalysis", dependencies: ["MLPNumerics", "LinearAlgebra"], swiftSettings: nativeRelease),

        // MARK: The engine: what stages link, and what only the driver links
        .target(
            name: "PipelineCore",
            dependencies: ["HDF5Kit", .product(name: "Crypto", package: "swift-crypto"), argumentParser]),
        .target(name: "PipelineEngine", dependencies: ["PipelineCore", "HDF5Kit"]),
        .plugin(name: "CodeTablePlugin", capability: .buildTool()),
        .target(name: "BuildProvenance", dependencies: ["PipelineCore"], plugins: ["CodeTablePlugin"]),

        // MARK: The study: datasets, runs, sweeps, and the analysis settings stages share
        .target(name: "Study", dependencies: ["PipelineCore", "MLPNumerics"]),
        .target(
            name: "Refinement", dependencies: ["PipelineCore", "HDF5Kit", "MLPNumerics", "DynamicsAnalysis", "Study"]),

        // MARK: The driver and its list of stages
        .plugin(name: "StageListPlugin", capability: .buildTool()),
        .target(
            name: "StageRegistry",
            dependencies: ["PipelineCore", "PipelineEngine", "BuildProvenance"]
                + stages.map { .target(name: $0.module) }
                + stages.filter(\.metrics).map { .target(name: "\($0.module)Metrics") },
            plugins: ["StageListPlugin"]),
        .executableTarget(
            name: "pipeline",
            dependencies: [
                "PipelineEngine", "PipelineCore", "StageRegistry", "BuildProvenance",
                "HDF5Kit", argumentParser,
            ]),
        .executableTarget(
            name: "bench-gd", dependencies: ["MLPNumerics", argumentParser], swiftSettings: nativeRelease),

        // MARK: Tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HDF5KitTests", dependencies: ["HDF5Kit", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "MLPNumericsTests", dependencies: ["MLPNumerics", "TestSupport"]),
        .testTarget(name: "DynamicsAnalysisTests", dependencies: ["DynamicsAnalysis", "MLPNumerics", "TestSupport"]),
        .testTarget(name: "PipelineCoreTests", dependencies: ["PipelineCore", "HDF5Kit", "TestSupport"]),
        .testTarget(
            name: "PipelineEngineTests", dependencies: ["PipelineEngine", "PipelineCore", "HDF5Kit", "TestSupport"]),
        .testTarget(
            name: "StagesTests",
            dependencies: ["StageRegistry", "PipelineEngine", "PipelineCore", "Study", "TestSupport"]
                + stages.map { .target(name: $0.module) }),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["StageRegistry", "PipelineCore", "HDF5Kit", "MLPNumerics", "TestSupport"]
                + stages.map { .target(name: $0.module) }),
    ] + stageTargets
)
