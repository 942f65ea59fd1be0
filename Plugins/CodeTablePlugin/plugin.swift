import Foundation
import PackagePlugin

/// Writes, at build time, what each stage executable (`stage-*`) is built from into the module it is
/// applied to (`BuildProvenance`): per executable the folders of every target in its dependency
/// closure as SwiftPM resolves it, and the external packages with their versions; and the SHA-256
/// of every file in those folders. The driver keys nodes by it and each stage binary checks it, so
/// a stage's code identity is never a hand-written list (`CodeTable` reads the table).
///
/// Files are the regular files below a folder, hidden names and Python byte-code left out, as
/// `SourceTree.isIgnored` decides at run time.
@main
struct CodeTablePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directory.string
        var packageOf: [Target.ID: Package] = [:]
        func visit(_ package: Package) {
            for member in package.targets { packageOf[member.id] = package }
            for dependency in package.dependencies { visit(dependency.package) }
        }
        for dependency in context.package.dependencies { visit(dependency.package) }

        func folder(of member: Target) -> String? {
            member.directory.string.hasPrefix(root + "/")
                ? String(member.directory.string.dropFirst(root.count + 1)) : nil
        }
        let allFolders = Set(context.package.targets.compactMap(folder(of:)))
        var closures: [String] = []
        var folders: Set<String> = []
        for executable in context.package.targets where executable.name.hasPrefix("stage-") {
            var local: Set<String> = []
            var packages: Set<String> = []
            for member in [executable] + executable.recursiveTargetDependencies {
                if let package = packageOf[member.id] {
                    packages.insert("package:\(package.id)@\(version(of: package))")
                } else if let path = folder(of: member) {
                    local.insert(path)
                }
            }
            // Another target's folder inside one of these (a stage's executable inside its module's
            // folder) is not part of this closure: "!<folder>".
            let excluded = allFolders.subtracting(local).filter { inner in local.contains { inner.hasPrefix($0 + "/") }
            }
            closures.append(
                ([executable.name] + local.sorted() + excluded.sorted().map { "!" + $0 } + packages.sorted())
                    .joined(separator: " "))
            folders.formUnion(local)
        }
        let files = Array(Set(folders.flatMap { sourceFiles(under: $0, root: root) })).sorted()
        let output = context.pluginWorkDirectory.appending("GeneratedCodeTable.swift")
        // sha256sum prints "<hex>  <path>" per file; the Swift file embeds those lines verbatim.
        let script = ##"""
            cd "$1" && out="$2" && closures="$3" && shift 3 && {
              printf 'let generatedClosures = #"""\n%s\n"""#\n' "$closures"
              printf 'let generatedSourceDigests = #"""\n'; sha256sum -- "$@"; printf '"""#\n'
            } > "$out.tmp" && mv "$out.tmp" "$out"
            """##
        return [
            .buildCommand(
                displayName: "Recording the stage executables' code closures for \(target.name)",
                executable: Path("/bin/sh"),
                arguments: ["-c", script, "sh", root, output.string, closures.sorted().joined(separator: "\n")] + files,
                inputFiles: files.map { Path(root).appending(subpath: $0) },
                outputFiles: [output])
        ]
    }

    /// The version a package was resolved at (`1.8.2`), or where it comes from.
    private func version(of package: Package) -> String {
        switch package.origin {
        case .repository(_, let displayVersion, _): return displayVersion
        case .registry(_, let displayVersion): return displayVersion
        case .local(let path): return "local:\(path)"
        case .root: return "root"
        @unknown default: return "unknown"
        }
    }

    /// Regular files below `folder` (relative to `root`), hidden names and byte-code excluded.
    private func sourceFiles(under folder: String, root: String) -> [String] {
        let base = root + "/" + folder
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let ignored =
                relative.split(separator: "/").contains { $0.hasPrefix(".") || $0 == "__pycache__" }
                || relative.hasSuffix(".pyc")
            if ignored { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(folder + "/" + relative)
            }
        }
        return files
    }
}
