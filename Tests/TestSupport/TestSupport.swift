import Foundation

/// The package root (found from this file's location).
public let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The authors' noisy dataset D_σ, shipped with the project (data/maleknia-sato/README.md).
public let authorsDataFile: URL = packageRoot.appendingPathComponent("data/maleknia-sato/data.dat")

/// The project's Python: `<packageRoot>/.venv/bin/python` (made by scripts/setup-debian.sh) when
/// it exists, else `python3` on PATH — the interpreter the render stage uses too.
public var projectPython: String {
    let venv = packageRoot.appendingPathComponent(".venv/bin/python")
    return FileManager.default.isExecutableFile(atPath: venv.path) ? venv.path : "python3"
}

/// The directory holding the built executables of this configuration (`.build/<triple>/debug`).
public var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}

/// A new empty directory under the system's temporary directory.
public func makeTemporaryDirectory(_ label: String = "mlp-test") -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The result of running a command.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Starts a built executable of this package (or any absolute path) without waiting.
public func startProduct(
    _ name: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL =
        name.hasPrefix("/") ? URL(fileURLWithPath: name) : productsDirectory.appendingPathComponent(name)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out, err)
}

/// Runs a built executable of this package to completion.
public func runProduct(
    _ name: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
) throws -> CommandResult {
    let (process, out, err) = try startProduct(name, arguments, in: directory, environment: environment)
    return finish(process, out, err)
}

/// Waits for a started process and collects its output.
public func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> CommandResult {
    // Read both pipes concurrently so a chatty process cannot block on a full pipe.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `/usr/bin/env <arguments>` (e.g. python3, h5dump) to completion.
public func runTool(_ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
    let (process, out, err) = try startProduct("/usr/bin/env", arguments, in: directory)
    return finish(process, out, err)
}

/// Whether a tool or Python module is available.
public func toolAvailable(_ arguments: [String]) -> Bool {
    (try? runTool(arguments))?.status == 0
}

/// Every regular file under a directory, with its bytes (to prove that nothing changed).
public func snapshot(of directory: URL) -> [String: Data] {
    var result: [String: Data] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return result }
    while let relative = enumerator.nextObject() as? String {
        let url = directory.appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[relative] = FileManager.default.contents(atPath: url.path)
        }
    }
    return result
}

/// Writes text to a file, creating its directory.
public func write(_ text: String, to url: URL) {
    try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try! text.write(to: url, atomically: true, encoding: .utf8)
}

/// A lookup that found nothing.
public struct MissingArtifact: Error, CustomStringConvertible {
    public let description: String
}

/// The current artifact of a node (e.g. `train[noisy]`, `render`), as `pipeline status --json`
/// reports it: the driver decides which of the store's files is current.
/// - Throws: `MissingArtifact` when the node is unknown or not fresh.
public func currentArtifact(_ node: String, config: URL) throws -> URL {
    let status = try runProduct("pipeline", ["status", "--json", "--config", config.path])
    let nodes = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]] ?? []
    guard let entry = nodes.first(where: { $0["node"] as? String == node }),
        entry["state"] as? String == "fresh", let path = entry["artifact"] as? String
    else {
        throw MissingArtifact(description: "no current artifact for \(node): \(status.stdout)\(status.stderr)")
    }
    return URL(fileURLWithPath: path)
}

/// Every node's [key, content hash] as `pipeline status --json` reports them (nil for a node that
/// is not current), from `driver` (default: this build's `pipeline`): two stores made by two
/// engines are compared with it.
/// - Throws: `MissingArtifact` when the status cannot be read.
public func nodeHashes(config: String, driver: String = "pipeline") throws -> [String: [String?]] {
    let status = try runProduct(driver, ["status", "--json", "--config", config])
    guard status.status == 0,
        let nodes = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]]
    else {
        throw MissingArtifact(
            description: "pipeline status --config \(config) failed: \(status.stdout)\(status.stderr)")
    }
    return Dictionary(
        uniqueKeysWithValues: nodes.map {
            ($0["node"] as! String, [$0["key"] as? String, $0["content_hash"] as? String])
        })
}

/// The test side of the stages' `MLP_TEST_HANDSHAKE` hook: a stage stops between its last write
/// and the rename into place until `resume()`, so tests kill it or hold the store lock by
/// handshake, not by timing.
public final class StageHandshake {
    public let directory: URL
    /// Pass to the process whose stage should stop.
    public var environment: [String: String] { ["MLP_TEST_HANDSHAKE": directory.path] }

    public init() {
        directory = makeTemporaryDirectory("mlp-handshake")
        for name in ["reached", "resume"] {
            precondition(mkfifo(directory.appendingPathComponent(name).path, 0o600) == 0)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Waits until a stage has reached the point before its rename.
    /// - Returns: the stage's pid and temporary file.
    /// - Throws: when no stage gets there within `timeout` seconds (a failure, not a schedule).
    public func waitUntilReached(timeout: Double = 300) throws -> (pid: Int32, temporary: String) {
        let line = try blocking(timeout: timeout, "a stage reaching its rename") { () -> String in
            let handle = try FileHandle(forReadingFrom: self.directory.appendingPathComponent("reached"))
            defer { try? handle.close() }
            return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        }
        let fields = line.split(separator: " ", maxSplits: 1)
        guard fields.count == 2, let pid = Int32(fields[0]) else {
            throw MissingArtifact(description: "bad handshake line '\(line)'")
        }
        return (pid, fields[1].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Lets the stopped stage go on.
    public func resume(timeout: Double = 300) throws {
        try blocking(timeout: timeout, "the stage to resume") {
            let handle = try FileHandle(forWritingTo: self.directory.appendingPathComponent("resume"))
            try handle.write(contentsOf: Data([1]))
            try handle.close()
        }
    }

    /// Runs a blocking FIFO operation on another thread, giving up after `timeout`.
    @discardableResult
    private func blocking<T>(timeout: Double, _ what: String, _ body: @escaping () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.result = Result { try body() }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success, let result = box.result else {
            throw MissingArtifact(description: "timed out after \(timeout) s waiting for \(what)")
        }
        return try result.get()
    }
}

/// A result handed from a helper thread to the waiting test.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
