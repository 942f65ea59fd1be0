import Foundation
import PackagePlugin

/// Records, at build time, the SHA-256 of every file under `Sources/` and `scripts/` into the
/// module it is applied to (`BuildProvenance`), so that each binary knows which sources it was
/// built from and the driver can refuse to key an artifact by sources the binary does not run.
/// Hidden files are left out, as `SourceTree.files` does at run time.
@main
struct SourceDigestPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directory
        let files = ["Sources", "scripts"].flatMap { sourceFiles(under: $0, root: root.string) }
        let output = context.pluginWorkDirectory.appending("GeneratedSourceDigests.swift")
        // sha256sum prints "<hex>  <path>" per file; the Swift file embeds those lines verbatim.
        let script = ##"""
        cd "$1" && out="$2" && shift 2 && {
          printf 'let generatedSourceDigests = #"""\n'; sha256sum -- "$@"; printf '"""#\n'
        } > "$out.tmp" && mv "$out.tmp" "$out"
        """##
        return [.buildCommand(displayName: "Recording source digests for \(target.name)",
                              executable: Path("/bin/sh"),
                              arguments: ["-c", script, "sh", root.string, output.string] + files,
                              inputFiles: files.map { root.appending(subpath: $0) },
                              outputFiles: [output])]
    }

    /// Regular files below `folder` (relative to `root`), hidden names excluded, sorted.
    private func sourceFiles(under folder: String, root: String) -> [String] {
        let base = root + "/" + folder
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(folder + "/" + relative)
            }
        }
        return files.sorted()
    }
}
