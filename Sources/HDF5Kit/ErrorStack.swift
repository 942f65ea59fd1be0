import CHDF5

/// HDF5's default error stack, read and cleared after a failed call.
struct ErrorStack {
    /// One entry of the stack.
    struct Entry {
        var major: hid_t
        var minor: hid_t
        var function: String
        /// HDF5's description, on one line.
        var text: String
    }

    /// Innermost (most specific) entry first.
    var entries: [Entry]

    /// Collects and clears the default error stack.
    static func takeCurrent() -> ErrorStack {
        var entries: [Entry] = []
        withUnsafeMutablePointer(to: &entries) { entriesPointer in
            _ = H5Ewalk2(
                hid_t(H5E_DEFAULT), H5E_WALK_UPWARD,
                { _, entry, clientData in
                    guard let entry, let clientData else { return -1 }
                    let function = entry.pointee.func_name.map { String(cString: $0) } ?? "?"
                    // sec2 messages embed ctime() output, which ends in a newline.
                    let text = (entry.pointee.desc.map { String(cString: $0) } ?? "").split(whereSeparator: \.isNewline)
                        .joined(separator: " ")
                    clientData.assumingMemoryBound(to: [Entry].self).pointee
                        .append(
                            Entry(
                                major: entry.pointee.maj_num, minor: entry.pointee.min_num, function: function,
                                text: text))
                    return 0
                }, entriesPointer)
        }
        _ = H5Eclear2(hid_t(H5E_DEFAULT))
        return ErrorStack(entries: entries)
    }

    /// `function(): description; …`, or nil when the stack is empty.
    var summary: String? {
        entries.isEmpty ? nil : entries.map { "\($0.function)(): \($0.text)" }.joined(separator: "; ")
    }

    /// The refused system call behind the failure: the innermost low-level I/O entry, whose text
    /// HDF5 writes as `…, errno = 28, error message = 'No space left on device', …`.
    var systemFailure: HDF5SystemFailure? {
        guard let entry = entries.first(where: { $0.major == chdf5_e_io() || $0.text.contains("errno = ") }) else {
            return nil
        }
        let action: HDF5SystemFailure.Action
        switch entry.minor {
        case chdf5_e_writeerror(): action = .write
        case chdf5_e_readerror(): action = .read
        case chdf5_e_cantopenfile(): action = .open
        default: action = entry.text.contains("write") ? .write : entry.text.contains("read") ? .read : .access
        }
        let code = Self.field("errno = ", in: entry.text, upTo: ",").flatMap { Int32($0) }
        let reason = Self.field("error message = '", in: entry.text, upTo: "'") ?? entry.text
        let path =
            Self.field("filename = '", in: entry.text, upTo: "'") ?? Self.field("name = '", in: entry.text, upTo: "'")
        return HDF5SystemFailure(action: action, path: path, code: code, reason: reason)
    }

    /// The text after `prefix` up to `terminator` (or the end).
    private static func field(_ prefix: String, in text: String, upTo terminator: Character) -> String? {
        guard let start = text.firstRange(of: prefix)?.upperBound else { return nil }
        let rest = text[start...]
        return String(rest.prefix { $0 != terminator })
    }
}
