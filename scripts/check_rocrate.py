#!/usr/bin/env python3
"""Checks an unpacked archive's RO-Crate metadata with the `rocrate` package (pinned in requirements.txt).

Loads DIR/ro-crate-metadata.json with rocrate.rocrate.ROCrate and checks what `pipeline archive`
promises: RO-Crate 1.1; a root dataset with name, description, datePublished, author and license
(which may be placeholders to fill in); every file in DIR listed as a File with its SHA-256,
contentSize and encodingFormat, and each SHA-256 right; the configuration as the main entity,
typed ComputationalWorkflow; one CreateAction per node whose instrument is a SoftwareApplication
identified by the stage's code identity, with every artifact, record, log and published file the
result of exactly one of them; imported data with the source it is based on. Prints one JSON
object (counts and problems) and exits 1 when there is a problem.

    .venv/bin/python scripts/check_rocrate.py results-archive/
"""
import hashlib
import json
import os
import sys

from rocrate.rocrate import ROCrate


def ids(value):
    """The @ids a property refers to (one reference or a list)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [v.id if hasattr(v, "id") else (v["@id"] if isinstance(v, dict) else v) for v in values]


def types(entity):
    value = entity.type
    return set(value if isinstance(value, list) else [value])


def main():
    root = sys.argv[1]
    crate = ROCrate(root)
    problems = []

    descriptor = crate.metadata
    if ids(descriptor.get("conformsTo")) != ["https://w3id.org/ro/crate/1.1"]:
        problems.append(f"metadata descriptor conformsTo {descriptor.get('conformsTo')}, not RO-Crate 1.1")
    dataset = crate.root_dataset
    for key in ("name", "description", "datePublished", "author", "license"):
        if key not in dataset.properties():
            problems.append(f"root dataset lacks {key}")

    main_entity = crate.mainEntity
    if main_entity is None or "ComputationalWorkflow" not in types(main_entity):
        problems.append("the main entity is not a ComputationalWorkflow")
    elif main_entity.get("programmingLanguage") is None:
        problems.append("the workflow has no programmingLanguage")

    files = {e.id: e for e in crate.data_entities if "File" in types(e)}
    on_disk = set()
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.relpath(os.path.join(directory, name), root)
            if path != "ro-crate-metadata.json":
                on_disk.add(path)
    for path in sorted(on_disk - set(files)):
        problems.append(f"{path}: on disk but not a File entity of the crate")
    for path in sorted(set(files) - on_disk):
        problems.append(f"{path}: listed but not in the archive")
    has_part = set(ids(dataset.get("hasPart")))
    for path, entity in sorted(files.items()):
        if path not in has_part:
            problems.append(f"{path}: not in the root dataset's hasPart")
        if not entity.get("encodingFormat"):
            problems.append(f"{path}: no encodingFormat")
        if path in on_disk:
            with open(os.path.join(root, path), "rb") as handle:
                data = handle.read()
            if entity.get("sha256") != hashlib.sha256(data).hexdigest():
                problems.append(f"{path}: sha256 wrong or missing")
            if str(entity.get("contentSize")) != str(len(data)):
                problems.append(f"{path}: contentSize wrong or missing")

    actions = [e for e in crate.contextual_entities if "CreateAction" in types(e)]
    made_by = {}
    node_actions = 0
    for action in actions:
        instruments = [crate.get(i) for i in ids(action.get("instrument"))]
        if not instruments or any(i is None or "SoftwareApplication" not in types(i) for i in instruments):
            problems.append(f"{action.id}: instrument is not a SoftwareApplication")
            continue
        if action.id.startswith("#node-"):
            node_actions += 1
            if not all(str(i.get("identifier", "")).startswith("code-identity:sha256:") for i in instruments):
                problems.append(f"{action.id}: instrument has no code identity")
        for result in ids(action.get("result")):
            if result in made_by:
                problems.append(f"{result}: result of {made_by[result]} and {action.id}")
            made_by[result] = action.id
            if result not in files:
                problems.append(f"{action.id}: result {result} is not a File of the crate")
        for item in ids(action.get("object")):
            if item not in files:
                problems.append(f"{action.id}: object {item} is not a File of the crate")
    for path in files:
        made = path.startswith("results/") or path == "manifest.json"
        if made and path not in made_by:
            problems.append(f"{path}: no CreateAction has it as a result")
    mentioned = set(ids(dataset.get("mentions")))
    for action in actions:
        if action.id not in mentioned:
            problems.append(f"{action.id}: not mentioned by the root dataset")

    data_files = [e for p, e in files.items() if p.endswith(".dat")]
    based_on = sorted({i for e in data_files for i in ids(e.get("isBasedOn"))})

    print(json.dumps({
        "files": len(files), "create_actions": len(actions), "node_actions": node_actions,
        "workflow": main_entity.id if main_entity is not None else None,
        "data_files": [e.id for e in data_files], "data_sources": based_on,
        "author": [a.get("name") if hasattr(a, "get") else a for a in (dataset.get("author") or [])] if isinstance(dataset.get("author"), list) else dataset.get("author") and [dataset.get("author").get("name")],
        "license": ids(dataset.get("license")),
        "problems": problems,
    }, indent=1, default=str))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
