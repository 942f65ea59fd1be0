#!/usr/bin/env python3
"""Snakemake's overhead per job against the native driver, on a DAG of many cheap nodes.

A generated configuration with DATASETS sampled datasets (n = 20), a noisy and a clean run on
each, and every per-run stage shrunk to a few hundred steps: DATASETS x 11 nodes (220 by default;
the global figure and report stages are left out). Both engines make the same nodes from a cold
store on the same number of cores: `pipeline run -j CORES` and `snakemake --cores CORES` on the
Snakefile of `pipeline export snakemake` (each job one `pipeline run-node`). Prints both wall
times, their ratio, the time Snakemake adds per job, and both no-op times. A shared machine makes
single timings noisy: compare the ratio, not the seconds, across machines.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

STAGES = ["dataset", "train", "line", "eigen", "phases", "multistart"]
SETTINGS = {
    "train": {"steps": 300, "record_every": 10, "log_points_per_decade": 5},
    "eigen": {"region_samples": 2},
    "line": {"gamma_points": 21, "scan_points": 20},
    "multistart": {"starts": 1, "max_steps": 300, "check_interval": 100, "eta": 0.05, "gradient_tolerance": 1e-2},
    # No related-paper studies: their branch times need longer runs, and they are not what is measured.
    "projected": {"run_targets": []},
    "saddles": {"run_targets": []},
}


def config(datasets, store):
    teacher = {"w": [1.0], "v": [2.0]}
    return {
        "store": store,
        "datasets": {f"d{i}": {"teacher": teacher, "sample": {"n": 20, "sigma": 0.2, "seed": i}} for i in range(1, datasets + 1)},
        "runs": {f"d{i}-{t}": {"dataset": f"d{i}", "targets": t} for i in range(1, datasets + 1) for t in ("noisy", "clean")},
        **SETTINGS,
    }


def timed(argv, cwd):
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout[-3000:]}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--driver", default=".build/release/pipeline")
    parser.add_argument("--snakemake", default=".venv/bin/snakemake")
    parser.add_argument("--datasets", type=int, default=20)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    driver = os.path.abspath(args.driver)
    snakemake = os.path.abspath(args.snakemake)
    if not os.access(snakemake, os.X_OK):
        print(f"snakemake overhead: skipped ({args.snakemake} missing: run scripts/setup-debian.sh)")
        return

    with tempfile.TemporaryDirectory(prefix="mlp-snakemake-bench-") as work:
        paths = {}
        for engine in ("native", "snakemake"):
            paths[engine] = os.path.join(work, f"{engine}.json")
            with open(paths[engine], "w") as f:
                json.dump(config(args.datasets, engine), f)
        nodes = args.datasets * (1 + 2 * (len(STAGES) - 1))
        native = timed([driver, "run", *STAGES, "-j", str(args.cores), "--config", paths["native"]], work)
        native_noop = timed([driver, "run", *STAGES, "-j", str(args.cores), "--config", paths["native"]], work)
        snakefile = os.path.join(work, "Snakefile")
        export = timed([driver, "export", "snakemake", *STAGES, "--config", paths["snakemake"], "-o", snakefile], work)
        snake_argv = [snakemake, "-s", snakefile, "-d", work, "--cores", str(args.cores), "--quiet"]
        snake = timed(snake_argv, work)
        snake_noop = timed(snake_argv, work)
        # Same nodes, same content: the comparison is only fair if both made the same artifacts.
        hashes = {}
        for engine, path in paths.items():
            status = json.loads(subprocess.run([driver, "status", "--json", "--config", path], cwd=work,
                                               check=True, stdout=subprocess.PIPE, text=True).stdout)
            hashes[engine] = {n["node"]: n["content_hash"] for n in status if n["stage"] in STAGES}
        agree = hashes["native"] == hashes["snakemake"] and None not in hashes["native"].values()

    print(f"Snakemake vs native driver, {nodes} nodes from a cold store, {args.cores} cores"
          f" (content hashes {'identical' if agree else 'DIFFER'}):")
    print(f"  native  pipeline run -j {args.cores}:   {native:7.2f} s   ({1e3 * native / nodes:6.1f} ms per node)")
    print(f"  snakemake --cores {args.cores}:        {snake:7.2f} s   ({1e3 * snake / nodes:6.1f} ms per job; export {export:.2f} s)")
    print(f"  ratio snakemake / native:    {snake / native:7.2f}")
    print(f"  added per job:               {1e3 * (snake - native) / nodes:7.1f} ms")
    print(f"  no-op: native {native_noop:.2f} s, snakemake {snake_noop:.2f} s")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
