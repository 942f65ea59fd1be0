#!/usr/bin/env python3
"""The driver at sweep scale: a generated sweep of about 10^4 cheap nodes.

Writes a configuration whose sweep expands into ~10^4 nodes (per dataset: dataset, train, line;
each a few milliseconds of work), builds its store once (-j 2), then measures
  * `pipeline status` with every node fresh (median of repeated runs, wall and CPU);
  * the no-op `pipeline run` (every node fresh);
  * the time the driver adds per node that runs: a forced re-run of the dataset, train and line
    nodes of a slice of the sweep (`run-node`-free: the same `pipeline run --force`), minus the
    no-op time, minus the same stage commands run directly (argv from each node's log).
Targets (issue #12): status and no-op <= 1 s on ~10^4 fresh nodes, <= 5 ms added per node.
For comparison (issue #12, measured by its author): Snakemake 9.27 plans 10^4 trivial jobs in 5-8 s.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

SIGMAS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def config(datasets_per_sigma):
    return {
        "store": "results",
        "datasets": {"authors": {"sample": {"n": 10, "sigma": 0.2, "seed": 1}}},
        "runs": {"noisy": {"dataset": "authors"}},
        # Every stage a few milliseconds: the driver's share is what is measured.
        "train": {"steps": 50, "record_every": 10, "log_points_per_decade": 2},
        "line": {"gamma_points": 5, "scan_points": 5},
        "eigen": {"region_samples": 2},
        "multistart": {"starts": 1, "max_steps": 50, "check_interval": 50},
        # No related-paper studies: their branch times need longer runs, and they are not what is measured.
        "projected": {"run_targets": []},
        "saddles": {"run_targets": []},
        "sweeps": {"bench": {"n": [10], "sigma": SIGMAS, "seeds": {"first": 1, "count": datasets_per_sigma},
                             "starts": 0, "record_every": 10, "budget": {"train_steps": 50}}},
    }


# The stages' environment under the driver (Runner.stageEnvironment): the direct runs get the same.
STAGE_ENV = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}


def timed(argv, env=None):
    """Wall seconds and the CPU seconds of the process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--driver", default=".build/release/pipeline")
    parser.add_argument("--datasets-per-sigma", type=int, default=333, help="333 x 10 sigmas x 3 stages ~ 10^4 nodes")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", help="keep the generated project here (default: a temporary folder)")
    args = parser.parse_args()
    driver = os.path.abspath(args.driver)
    work = args.store or tempfile.mkdtemp(prefix="mlp-sweep-bench-")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "pipeline.json")
    with open(path, "w") as f:
        json.dump(config(args.datasets_per_sigma), f, indent=2)
    run = [driver, "run", "--config", path, "-j", "2"]
    status = [driver, "status", "--config", path]
    cold = timed(run)
    states = json.loads(subprocess.run(status + ["--json"], check=True, capture_output=True, text=True).stdout)
    nodes = len(states)
    if any(node["state"] != "fresh" for node in states):
        sys.exit("error: the sweep did not complete; see the logs under " + work)

    status_times = [timed(status) for _ in range(args.repeat)]
    noop_times = [timed(run) for _ in range(args.repeat)]

    # A slice of the sweep re-run: the dataset, train and line nodes of a configuration with the
    # first sigma only (the same keys as in the whole sweep), forced, against the same commands run directly.
    small = config(args.datasets_per_sigma)
    small["sweeps"]["bench"]["sigma"] = [SIGMAS[0]]
    small_path = os.path.join(work, "slice.json")
    with open(small_path, "w") as f:
        json.dump(small, f, indent=2)
    small_run = [driver, "run", "--config", small_path, "-j", "1", "train", "line"]
    small_states = json.loads(subprocess.run([driver, "status", "--json", "--config", small_path], check=True,
                                             capture_output=True, text=True).stdout)
    rerun = [node for node in small_states if node["stage"] in ("dataset", "train", "line")]
    small_noop = statistics.median(timed(small_run)[0] for _ in range(3))
    forced = small_run + ["--force", "dataset"]
    forced_times, direct_times = [], []
    for _ in range(3):
        forced_times.append(timed(forced)[0])
        total = 0.0
        for node in rerun:
            with open(node["artifact"][:-3] + ".log") as f:
                argv = json.loads(f.readline().split("# argv: ", 1)[1])
            total += timed(argv, env=STAGE_ENV)[0]
        direct_times.append(total)
    ran = len(rerun)
    added = (min(forced_times) - small_noop - min(direct_times)) / ran

    def describe(times):
        walls, cpus = [t[0] for t in times], [t[1] for t in times]
        return f"median wall {statistics.median(walls):.3f} s, CPU {statistics.median(cpus):.3f} s (min wall {min(walls):.3f} s)"

    print(f"sweep driver benchmark: {nodes} nodes ({work}); cold run -j 2 {cold[0]:.1f} s wall, {cold[1]:.1f} s CPU "
          f"({cold[1] / nodes * 1e3:.1f} ms CPU per node, stages included)")
    print(f"  pipeline status, all fresh    {describe(status_times)}  (target <= 1 s)")
    print(f"  no-op pipeline run            {describe(noop_times)}  (target <= 1 s)")
    print(f"  forced re-run of {ran} nodes   {min(forced_times):.3f} s; the same stage commands run directly {min(direct_times):.3f} s; "
          f"no-op of that configuration {small_noop:.3f} s")
    print(f"  driver time added per node    {added * 1e3:.1f} ms  (target <= 5 ms)")
    ok = statistics.median(t[0] for t in status_times) <= 1 and statistics.median(t[0] for t in noop_times) <= 1 and added <= 0.005
    print(f"  {'PASS' if ok else 'FAIL'}: status and no-op <= 1 s, <= 5 ms per node")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
