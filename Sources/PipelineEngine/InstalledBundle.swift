import Foundation
import PipelineCore

/// An unpacked bundle (`make bundle`, scripts/bundle.sh): `bin/` with the driver and the stage
/// executables, `lib/`, the schema, the configurations and the renderer, no sources. Its top
/// folder holds the marker file `BUNDLE` (`key=value` lines, among them `commit=`).
///
/// Run from a bundle, the driver makes the bundle the project root of every process it starts
/// (`MLP_PROJECT_ROOT`), so stages find the renderer and its `.venv` there, and keys nodes by the
/// code identities built into the binaries, as installed binaries do (`BuiltCode` without a root).
public struct InstalledBundle {
    public static let marker = "BUNDLE"
    /// The bundle's top folder.
    public let root: URL

    /// The bundle at `folder`, if it is one.
    public init?(at folder: URL?) {
        guard let folder, FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.marker).path)
        else { return nil }
        root = folder
    }

    /// The bundle whose `bin/` holds `binDirectory`, if any.
    public init?(holding binDirectory: URL) {
        self.init(at: binDirectory.deletingLastPathComponent())
    }

    /// The commit the bundle was built from (its marker's `commit=`), nil when unrecorded.
    public var commit: String? {
        guard let text = try? String(contentsOf: root.appendingPathComponent(Self.marker), encoding: .utf8) else {
            return nil
        }
        return text.split(separator: "\n").first { $0.hasPrefix("commit=") }.map { String($0.dropFirst(7)) }
    }

    /// When the running driver is a bundle's and no root is forced, sets `MLP_PROJECT_ROOT` to the
    /// bundle, for this process and the stages it starts.
    public static func adoptAsProjectRoot(binDirectory: URL, environment: [String: String]) {
        guard environment["MLP_PROJECT_ROOT"] == nil, let bundle = InstalledBundle(holding: binDirectory) else {
            return
        }
        setenv("MLP_PROJECT_ROOT", bundle.root.path, 1)
    }

    /// The source tree code identities are read from: the layout's root unless it is a bundle.
    public static func sourceRoot(of layout: ProjectLayout) -> URL? {
        InstalledBundle(at: layout.root) == nil ? layout.root : nil
    }
}
