#!/usr/bin/env python3
"""Orchestration overhead of the pipeline driver, measured on the paper's DAG.

Copies pipeline.json with every stage shrunk to a few steps (same nodes and edges), populates a
temporary store, then measures:
  * the no-op `pipeline run` (every node fresh): median of repeated runs;
  * the time the driver adds per node that runs: a forced re-run of every node, minus the no-op
    time, minus the same stage commands run directly (argv taken from each node's log).
Targets (issue #2): no-op <= 0.1 s; <= 20 ms added per node. For scale (PERFORMANCE.md, same
machine class, not measured here): DVC no-op ~0.96 s, Snakemake ~1.06 s, 0.1-0.3 s per node.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# Settings that make every stage quick while keeping the DAG of the paper's configuration.
SHRINK = {
    "train": {"steps": 2000, "record_every": 10},
    "multistart": {"starts": 2, "max_steps": 2000, "check_interval": 500},
    "eigen": {"region_samples": 10},
    # The related-paper studies branch from the shrunk run, so their times must fit in it.
    "projected": {"sgd": {"t0": [1000], "steps": 200}, "gd": {"t0": 1000, "steps": 200}},
    "saddles": {"max_steps": 2000},
}
# The per-node overhead is measured on these stages: their own work is a few milliseconds, so the
# driver's share is not lost in the noise of long stages (multistart, matplotlib rendering).
TIMED_STAGES = ["dataset", "train", "eigen", "phases"]


def shrunk_config(path):
    with open(path) as f:
        config = json.load(f)
    for section, values in SHRINK.items():
        config.setdefault(section, {}).update(values)
    config["store"] = "results"
    return config


def timed(argv, env=None):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--driver", default=".build/release/pipeline")
    parser.add_argument("--config", default="pipeline.json")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    driver = os.path.abspath(args.driver)

    with tempfile.TemporaryDirectory(prefix="mlp-orchestration-") as work:
        config_path = os.path.join(work, "pipeline.json")
        config = shrunk_config(args.config)
        base = os.path.dirname(os.path.abspath(args.config))
        for dataset in config.get("datasets", {}).values():
            if "file" in dataset:
                dataset["file"]["path"] = os.path.join(base, dataset["file"]["path"])
        with open(config_path, "w") as f:
            json.dump(config, f, indent=2)
        run = [driver, "run", "--config", config_path, "-j", "1"]
        timed(run)
        status = json.loads(subprocess.run([driver, "status", "--json", "--config", config_path], check=True,
                                           capture_output=True, text=True).stdout)
        nodes = len(status)
        if any(node["state"] != "fresh" for node in status):
            sys.exit("error: the shrunk pipeline did not complete; see the logs under " + work)

        noop = sorted(timed(run) for _ in range(args.repeat))
        noop_median = statistics.median(noop)

        stages = sorted({node["stage"] for node in status})
        timed_nodes = [node for node in status if node["stage"] in TIMED_STAGES]
        # Re-run exactly the timed nodes: the last timed stage with its ancestors, all forced.
        forced = run + [TIMED_STAGES[-1], "--force", TIMED_STAGES[0]]
        forced_times, direct_times = [], []
        for _ in range(5):
            forced_times.append(timed(forced))
            total = 0.0
            for node in timed_nodes:
                log = node["artifact"][:-3] + ".log"
                with open(log) as f:
                    first = f.readline()
                argv = json.loads(first.split("# argv: ", 1)[1])
                total += timed(argv)
            direct_times.append(total)
        added = (min(forced_times) - noop_median - min(direct_times)) / len(timed_nodes)

    print(f"orchestration benchmark: {nodes} nodes ({', '.join(stages)})")
    print(f"  no-op `pipeline run`          median {noop_median * 1e3:7.1f} ms  (min {noop[0] * 1e3:.1f}, max {noop[-1] * 1e3:.1f}; target <= 100 ms)")
    print(f"  forced re-run of {len(timed_nodes)} nodes ({', '.join(TIMED_STAGES)}) {min(forced_times) * 1e3:7.1f} ms; the same stage commands run directly {min(direct_times) * 1e3:.1f} ms")
    print(f"  driver time added per node     {added * 1e3:7.1f} ms  (target <= 20 ms)")
    print(f"  reference (PERFORMANCE.md, not run here): DVC no-op ~960 ms, Snakemake ~1060 ms -> ratio {0.96 / noop_median:.0f}x / {1.06 / noop_median:.0f}x")
    ok = noop_median <= 0.1 and added <= 0.02
    print(f"  {'PASS' if ok else 'FAIL'}: no-op <= 0.1 s and <= 20 ms per node")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
