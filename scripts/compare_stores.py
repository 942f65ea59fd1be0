#!/usr/bin/env python3
"""Compare the artifacts of two stores node by node: every dataset and every attribute that is
not provenance, bit for bit.

Usage: compare_stores.py STORE_A STORE_B [--expect-different NODE ...] [--json]

A refactor changes keys (code identities change), never data: run the same configuration from
empty stores before and after, then compare. Nodes are matched by their root attributes `stage`
and `instance`, so the keys may differ. Left out of the comparison, as they are out of the content
hash: the provenance attributes (stage, instance, key, config, inputs, code_identity,
project_version, git_commit, hdf5_version, created, content_hash) and the run-record attributes
`timing_*`. Datasets are compared by path, element type, shape and raw bytes (NaN payloads
included). Exit status 0 when every node is equal (or listed with --expect-different), 1 otherwise.
"""
import argparse
import glob
import json
import os
import sys

import h5py
import numpy as np

PROVENANCE = {"stage", "instance", "key", "config", "inputs", "code_identity", "project_version", "git_commit",
              "hdf5_version", "created", "content_hash"}


def node_name(root):
    stage = root.attrs["stage"]
    instance = root.attrs["instance"]
    stage = stage.decode() if isinstance(stage, bytes) else str(stage)
    instance = instance.decode() if isinstance(instance, bytes) else str(instance)
    return f"{stage}[{instance}]" if instance else stage


def artifacts(store):
    """Node name → artifact path, for every `<stage>/<key>.h5` of a store."""
    found = {}
    for path in sorted(glob.glob(os.path.join(store, "*", "*.h5"))):
        with h5py.File(path, "r") as f:
            name = node_name(f)
        if name in found:
            raise SystemExit(f"error: {store} holds two artifacts of {name} ({found[name]}, {path}); compare stores made from empty")
        found[name] = path
    return found


def attribute_bytes(value):
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        return repr(value).encode()
    return array.dtype.str.encode() + array.tobytes()


def items(f):
    """(kind, path, bytes) of everything compared: datasets, then attributes of groups and datasets."""
    out = {}

    def visit(name, obj):
        path = "/" + name
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            array = np.asarray(data)
            if array.dtype.kind == "O":
                payload = repr(array.tolist()).encode()
            else:
                payload = array.dtype.str.encode() + repr(array.shape).encode() + array.tobytes()
            out[("dataset", path)] = payload
        for key, value in obj.attrs.items():
            out[("attribute", f"{path}@{key}")] = attribute_bytes(value)

    f.visititems(visit)
    for key, value in f.attrs.items():
        if key in PROVENANCE or key.startswith("timing_"):
            continue
        out[("attribute", f"/@{key}")] = attribute_bytes(value)
    return out


def compare(path_a, path_b):
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        ia, ib = items(a), items(b)
        same_hash = a.attrs["content_hash"] == b.attrs["content_hash"]
    differences = sorted(f"{kind} {path}" for kind, path in set(ia) | set(ib) if ia.get((kind, path)) != ib.get((kind, path)))
    return differences, len(ia), bool(same_hash)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--expect-different", nargs="*", default=[], metavar="NODE",
                        help="nodes allowed to differ (reported, not failed)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    args = parser.parse_args()
    a, b = artifacts(args.a), artifacts(args.b)
    report = {"equal": [], "different": {}, "only_a": sorted(set(a) - set(b)), "only_b": sorted(set(b) - set(a)),
              "items_compared": 0, "content_hash_equal": 0}
    for name in sorted(set(a) & set(b)):
        differences, count, same_hash = compare(a[name], b[name])
        report["items_compared"] += count
        report["content_hash_equal"] += same_hash
        if differences:
            report["different"][name] = differences
        else:
            report["equal"].append(name)
    unexpected = [n for n in report["different"] if n not in args.expect_different]
    failed = bool(unexpected or report["only_a"] or report["only_b"])
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{len(report['equal'])} node(s) equal in every dataset and non-provenance attribute "
              f"({report['items_compared']} items compared; content hash equal for {report['content_hash_equal']})")
        for name, differences in report["different"].items():
            tag = "differs (expected)" if name in args.expect_different else "DIFFERS"
            print(f"{tag}: {name}: {len(differences)} item(s), e.g. {', '.join(differences[:5])}")
        for side, names in (("only in A", report["only_a"]), ("only in B", report["only_b"])):
            if names:
                print(f"{side}: {', '.join(names)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
