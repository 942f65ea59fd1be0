// swift-tools-version:5.9
import PackageDescription

/// The GD kernel needs a CPU-target flag: without one, `SIMD8<Double>` FMAs become libm calls
/// (~33x slower, see docs/performance.md). Release builds are therefore native to the build machine.
let nativeRelease: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=native"], .when(configuration: .release)),
]

let package = Package(
    name: "mlp-dynamics",
    platforms: [.macOS(.v13)],
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

        // MARK: Libraries
        .target(name: "HDF5Kit", dependencies: ["CHDF5"]),
        .target(name: "LinearAlgebra", dependencies: ["CLAPACKE"]),
        .target(name: "MLPNumerics", swiftSettings: nativeRelease),
        .target(name: "DynamicsAnalysis", dependencies: ["MLPNumerics", "LinearAlgebra"], swiftSettings: nativeRelease),
        .target(
            name: "PipelineCore",
            dependencies: [
                "HDF5Kit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(
            name: "Artifacts",
            dependencies: ["PipelineCore", "MLPNumerics", "HDF5Kit"]
        ),

        // MARK: Executables (the driver and one per stage)
        .executableTarget(
            name: "pipeline",
            dependencies: ["PipelineCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "stage-dataset",
            dependencies: ["Artifacts", "PipelineCore", "MLPNumerics", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "stage-train",
            dependencies: ["Artifacts", "PipelineCore", "MLPNumerics", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: nativeRelease
        ),
        .executableTarget(
            name: "stage-eigen",
            dependencies: ["Artifacts", "PipelineCore", "MLPNumerics", "DynamicsAnalysis", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "stage-phases",
            dependencies: ["Artifacts", "PipelineCore", "MLPNumerics", "DynamicsAnalysis", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "stage-multistart",
            dependencies: ["Artifacts", "PipelineCore", "MLPNumerics", "DynamicsAnalysis", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: nativeRelease
        ),
        .executableTarget(
            name: "stage-figure-data",
            dependencies: ["Artifacts", "PipelineCore", "MLPNumerics", "DynamicsAnalysis", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "stage-render",
            dependencies: ["PipelineCore", "HDF5Kit", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "bench-gd",
            dependencies: ["MLPNumerics", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: nativeRelease
        ),

        // MARK: Tests
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HDF5KitTests", dependencies: ["HDF5Kit", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "MLPNumericsTests", dependencies: ["MLPNumerics", "TestSupport"]),
        .testTarget(name: "DynamicsAnalysisTests", dependencies: ["DynamicsAnalysis", "MLPNumerics", "TestSupport"]),
        .testTarget(name: "PipelineCoreTests", dependencies: ["PipelineCore", "HDF5Kit", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Artifacts", "HDF5Kit", "MLPNumerics", "TestSupport"]),
    ]
)
