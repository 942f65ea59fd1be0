import Foundation
import TestSupport
import XCTest

/// Everything h5py reads back from HDF5 files, reduced to one digest per file: every group's
/// and dataset's attributes (name, type, value), every dataset's type, shape, layout and values.
/// One Python process serves a whole list of files; a file that crashes or hangs h5py is
/// reported as such and the rest are read by a new process.
enum H5pyReadBack {
    /// The Python interpreter (`MLP_PYTHON`, as for the render stage, else the project's `.venv`, where
    /// scripts/setup-debian.sh installs h5py: a bare `python3` has none on a fresh machine, and the test skipped).
    static var python: String { ProcessInfo.processInfo.environment["MLP_PYTHON"] ?? projectPython }

    static var isAvailable: Bool { toolAvailable([python, "-c", "import h5py, numpy"]) }

    static let script = #"""
        import hashlib, sys
        import h5py, numpy as np

        def value(v):
            if isinstance(v, (str, bytes)):
                return repr(v)
            a = np.asarray(v)
            if a.dtype.kind in "fiubc":
                return "%s%s:%s" % (a.dtype.str, a.shape, hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest())
            return "%s%s:%r" % (a.dtype, a.shape, a.tolist())

        def visit(obj, out):
            for name in sorted(obj.attrs.keys()):
                out.append("attr %s %s %s" % (obj.name, name, value(obj.attrs[name])))
            if isinstance(obj, h5py.Dataset):
                out.append("dataset %s %s %s %s %s %s %s %s %r" % (obj.name, obj.dtype, obj.shape, obj.maxshape, \
        obj.chunks,
                           obj.compression, obj.compression_opts, obj.shuffle, obj.fillvalue))
                out.append(value(obj[()]))
            else:
                for name in sorted(obj.keys()):
                    out.append("member %s %s" % (obj.name, name))
                    visit(obj[name], out)

        for path in open(sys.argv[1]).read().splitlines():
            print("BEGIN\t" + path, flush=True)
            try:
                out = []
                with h5py.File(path, "r") as f:
                    visit(f, out)
                digest = hashlib.sha256("\n".join(out).encode("utf-8", "surrogateescape")).hexdigest()
            except Exception as error:
                digest = "ERROR " + type(error).__name__
            print("RESULT\t%s\t%s" % (path, digest), flush=True)
        """#

    /// The digest of what h5py reads from each file ("ERROR <exception>", "CRASH …" when it
    /// cannot), keyed by path.
    static func digests(of files: [URL], scratch: URL) throws -> [String: String] {
        let scriptURL = scratch.appendingPathComponent("readback.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        var results: [String: String] = [:]
        var remaining = files.map(\.path)
        while !remaining.isEmpty {
            let list = scratch.appendingPathComponent("files.txt")
            try remaining.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
            let run = try runTool(["timeout", "300", python, scriptURL.path, list.path])
            var current: String?
            for line in run.stdout.split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                if fields.first == "BEGIN", fields.count == 2 { current = fields[1] }
                if fields.first == "RESULT", fields.count == 3 { results[fields[1]] = fields[2]; current = nil }
            }
            if let current, results[current] == nil { results[current] = "CRASH status \(run.status)" }
            let left = remaining.filter { results[$0] == nil }
            guard left.count < remaining.count else {
                XCTFail("h5py read-back made no progress (status \(run.status)): \(run.stderr.suffix(2000))")
                break
            }
            remaining = left
        }
        return results
    }
}
