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
    .unsafeFlags(["-Xcc", "-march=\(targetCPU)"], .when(configuration: .release)),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

/// Every `Sources/stage-<name>/` is a stage executable whose `main.swift` is
/// `StageMain.run(<Name>Stage.self, builtFrom: builtSourceDigests)`; found here, not listed.
/// SwiftPM caches the evaluated manifest by this file's content, so a new stage folder is seen
/// only once this file changes: keep the list in step (docs/stages.md, "Adding a stage").
/// Stages: dataset, train, line, eigen, phases, multistart, projected, saddles, sweep-summary, figure-data, render, html-report.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let stageExecutables: [Target] = ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Sources").path)) ?? [])
    .filter { $0.hasPrefix("stage-") }.sorted()
    .map { .executableTarget(name: $0, dependencies: ["Stages", "PipelineCore", "BuildProvenance"]) }

let package = Package(
    name: "mlp-dynamics",
    products: [
        .executable(name: "pipeline", targets: ["pipeline"]),
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

        // MARK: Libraries
        .target(name: "HDF5Kit", dependencies: ["CHDF5"]),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACKE"]),
        .target(name: "MLPNumerics", dependencies: ["CVectorMath"], swiftSettings: nativeRelease),
        .target(name: "DynamicsAnalysis", dependencies: ["MLPNumerics", "LinearAlgebra"], swiftSettings: nativeRelease),
        .target(name: "PipelineCore", dependencies: ["HDF5Kit", .product(name: "Crypto", package: "swift-crypto"), argumentParser]),

        // MARK: Stages (one folder each) and what each binary was built from
        .target(name: "Stages", dependencies: ["PipelineCore", "HDF5Kit", "MLPNumerics", "DynamicsAnalysis"]),
        .plugin(name: "SourceDigestPlugin", capability: .buildTool(), path: "Sources/SourceDigestPlugin"),
        .target(name: "BuildProvenance", plugins: ["SourceDigestPlugin"]),

        // MARK: Executables: the driver and one per stage
        .executableTarget(name: "pipeline", dependencies: ["PipelineCore", "Stages", "MLPNumerics", "BuildProvenance", argumentParser]),
        .executableTarget(name: "bench-gd", dependencies: ["MLPNumerics", argumentParser], swiftSettings: nativeRelease),

        // MARK: Tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HDF5KitTests", dependencies: ["HDF5Kit", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "MLPNumericsTests", dependencies: ["MLPNumerics", "TestSupport"]),
        .testTarget(name: "DynamicsAnalysisTests", dependencies: ["DynamicsAnalysis", "MLPNumerics", "TestSupport"]),
        .testTarget(name: "PipelineCoreTests", dependencies: ["PipelineCore", "HDF5Kit", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Stages", "PipelineCore", "HDF5Kit", "MLPNumerics", "TestSupport"]),
    ] + stageExecutables
)
