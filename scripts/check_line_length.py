#!/usr/bin/env python3
"""Usage: check_line_length.py LIMIT PATH... — lists the Swift lines longer than LIMIT bytes of UTF-8
(swift-format counts characters and leaves long string literals and comments as they are; the
project's limit is on bytes, so σ, ≤ and ‖ count as two or three); exit status 1 if any."""
import os
import sys


def swift_files(path):
    if os.path.isfile(path):
        yield path
        return
    for folder, _, names in os.walk(path):
        for name in sorted(names):
            if name.endswith(".swift"):
                yield os.path.join(folder, name)


def main():
    limit = int(sys.argv[1])
    long_lines = 0
    for path in sys.argv[2:]:
        for file in swift_files(path):
            with open(file, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    length = len(line.rstrip("\n").encode("utf-8"))
                    if length > limit:
                        long_lines += 1
                        print(f"{file}:{number}: {length} bytes (limit {limit})")
    sys.exit(1 if long_lines else 0)


if __name__ == "__main__":
    main()
