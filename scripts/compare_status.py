#!/usr/bin/env python3
"""Compare two runs of one configuration by `pipeline status --json`: every node's key and content
hash, e.g. a native run against the same configuration run from a bundle in another root.

Usage: compare_status.py EXPECTED.json ACTUAL.json [--label NAME]

Every node must be fresh in both, with the same key and the same content hash. Prints one line per
difference and a closing count; exit status 0 when all are equal, 1 otherwise, 2 on unreadable input.
"""
import argparse
import json
import sys


def load(path):
    """Node name → (state, key, content hash) from a status file."""
    try:
        with open(path, encoding="utf-8") as f:
            entries = json.load(f)
        return {e["node"]: (e["state"], e.get("key"), e.get("content_hash")) for e in entries}
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"error: {path}: not a `pipeline status --json` output ({error})", file=sys.stderr)
        sys.exit(2)


def differences(expected, actual):
    """One line per node that is missing, not fresh, or differs in key or content hash."""
    lines = []
    for node in sorted(set(expected) | set(actual)):
        if node not in actual or node not in expected:
            lines.append(f"{node}: only in the {'expected' if node in expected else 'actual'} run")
            continue
        (state_a, key_a, hash_a), (state_b, key_b, hash_b) = expected[node], actual[node]
        if state_a != "fresh" or state_b != "fresh":
            lines.append(f"{node}: not fresh (expected run: {state_a}, actual run: {state_b})")
        elif key_a != key_b:
            lines.append(f"{node}: key {key_b} differs from {key_a}")
        elif hash_a != hash_b:
            lines.append(f"{node}: content hash {hash_b} differs from {hash_a}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("expected")
    parser.add_argument("actual")
    parser.add_argument("--label", default="actual run")
    args = parser.parse_args()
    expected, actual = load(args.expected), load(args.actual)
    if not expected:
        print(f"error: {args.expected} lists no nodes", file=sys.stderr)
        sys.exit(2)
    lines = differences(expected, actual)
    for line in lines:
        print(f"{args.label}: {line}")
    equal = len(set(expected) | set(actual)) - len(lines)
    print(f"{args.label}: {equal}/{len(set(expected) | set(actual))} nodes with key and content hash equal")
    sys.exit(1 if lines else 0)


if __name__ == "__main__":
    main()
