#!/usr/bin/env python3
"""Times the pipeline on the paper's configuration (driven by bench/run.sh).

1. A cold `make all` (empty store, warm build) in a temporary store: total wall time, `swift build`'s
   share, and the per-node and per-stage times from the driver's result lines; then the no-op
   `make all` and the driver's no-op `pipeline run` (median of repeated runs; target <= 0.1 s).
   Targets: everything `make all` runs <= 30 s; the Fig. 4 part alone (the same configuration
   without the related-paper studies, dataset through render, in its own store) <= 15 s.
2. The training stage against the bare kernel: the train[noisy] node's command (from its log) and
   `bench-gd run` on the same data, T steps, as interleaved whole processes, best CPU time of N
   (target: the stage <= 1.1x the kernel, with recording, the log grid and the HDF5 write).
   Both run with OPENBLAS_NUM_THREADS=1, as the driver runs stages.
3. The render stage (its node's command), wall and CPU time, best of N (target <= 3 s wall), for every
   figure of `make all` and for the Fig. 4 part's figures alone.
The machine is shared: the load average is printed with the results.
"""
import argparse
import json
import os
import resource
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RESULT_LINE = re.compile(r"^(ran|fresh|failed|skipped)\s+(\S+)\s+([0-9.]+)s\b")


def timed(argv, env=None, cwd=None):
    """Runs argv; returns (stdout, wall seconds, CPU seconds of the process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # includes the child, now reaped
    if process.returncode != 0:
        sys.exit(f"error: {' '.join(argv)} failed ({process.returncode}):\n{process.stdout}\n{process.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return process.stdout, wall, cpu


def node_command(driver, config, node_name, output):
    """The node's stage command from the first line of its log, writing to `output` instead."""
    status = json.loads(subprocess.run([driver, "status", "--json", "--config", config], check=True,
                                       capture_output=True, text=True).stdout)
    node = next(n for n in status if n["node"] == node_name)
    with open(node["artifact"][:-3] + ".log") as log:
        argv = json.loads(log.readline().split("# argv: ", 1)[1])
    argv[argv.index("--output") + 1] = output
    argv[argv.index("--progress-file") + 1] = output + ".progress"
    return argv


def stage_run(argv, output):
    """A shell command that removes the previous output and runs the stage (sh costs ~1 ms)."""
    quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
    return ["sh", "-c", f"rm -f '{output}' '{output}'.*; exec {quoted} >/dev/null"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=".")
    parser.add_argument("--config", default="pipeline.json")
    parser.add_argument("--bench-gd", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--render-reps", type=int, default=3)
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    driver = os.path.join(root, ".build/release/pipeline")
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")

    with tempfile.TemporaryDirectory(prefix="mlp-bench-") as work:
        with open(os.path.join(root, args.config)) as f:
            config = json.load(f)
        config["store"] = os.path.join(work, "results")
        base = os.path.dirname(os.path.join(root, args.config))
        for dataset in config.get("datasets", {}).values():
            if "file" in dataset:
                dataset["file"]["path"] = os.path.join(base, dataset["file"]["path"])
        config_path = os.path.join(work, "pipeline.json")
        with open(config_path, "w") as f:
            json.dump(config, f, indent=2)

        # 1. Cold make all (warm build), then the no-ops. SwiftPM recompiles its plugins (~5 s)
        # whenever the environment differs from the previous build's, and a `CONFIG=` argument
        # reaches `swift build` through MAKEFLAGS: so CONFIG goes in the environment, the MAKE*
        # variables of an enclosing make are dropped, and an untimed `make build` in that same
        # environment makes the build warm.
        make_env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "MFLAGS"}
        make_env["CONFIG"] = config_path
        make = ["make", "-s", "--no-print-directory"]
        timed(make + ["build"], env=make_env, cwd=root)
        load = os.getloadavg()[0]
        out, wall, _ = timed(make + ["all"], env=make_env, cwd=root)
        build = re.search(r"Build complete! \(([0-9.]+)s\)", out)
        total = re.search(r"(\d+) fresh, (\d+) ran, (\d+) failed, (\d+) skipped in ([0-9.]+)s", out)
        nodes = [(m.group(2), float(m.group(3))) for m in map(RESULT_LINE.match, out.splitlines()) if m]
        print(f"cold `make all` (empty store, warm build), paper configuration, -j 2; load average {load:.1f} at the start")
        print(f"  total {wall:6.2f} s wall = swift build {float(build.group(1)) if build else float('nan'):.2f} s "
              f"+ pipeline {float(total.group(5)) if total else float('nan'):.2f} s (+ make)")
        stages = {}
        for name, seconds in nodes:
            stages.setdefault(name.split("[")[0], []).append(seconds)
        for stage, times in stages.items():
            detail = ", ".join(f"{s:.2f}" for s in times)
            print(f"  {stage:12s} {sum(times):7.2f} s node time ({len(times)} node{'s' if len(times) > 1 else ''}: {detail})")
        print("  (node times overlap: two nodes run at a time)")
        pipeline_seconds = float(total.group(5)) if total else float("nan")
        print(f"  everything `make all` runs (the paper's DAG, the related-paper studies, the report): pipeline "
              f"{pipeline_seconds:.2f} s: {'PASS' if pipeline_seconds <= 30 else 'FAIL'} (<= 30 s)")
        figures = sorted(name[:-4] for name in os.listdir(os.path.join(work, "results", "figures")) if name.endswith(".png"))

        # The Fig. 4 part alone: the same configuration without the studies, into its own store,
        # up to the figures (dataset through render).
        paper = dict(config, store=os.path.join(work, "paper-results"))
        for study in ("projected", "saddles"):
            paper[study] = dict(config.get(study, {}), run_targets=[])
        paper_path = os.path.join(work, "paper.json")
        with open(paper_path, "w") as f:
            json.dump(paper, f, indent=2)
        load = os.getloadavg()[0]
        out, paper_wall, _ = timed([driver, "run", "render", "--config", paper_path, "-j", "2"], env=env)
        print(f"  the Fig. 4 part alone (dataset through render, no studies, own store): {paper_wall:.2f} s wall; load average "
              f"{load:.1f}: {'PASS' if paper_wall <= 15 else 'FAIL'} (<= 15 s)")
        paper_figures = sorted(name[:-4] for name in os.listdir(os.path.join(paper["store"], "figures")) if name.endswith(".png"))
        paper_render_output = os.path.join(work, "paper-render.h5")
        paper_render = stage_run(node_command(driver, paper_path, "render", paper_render_output), paper_render_output)
        _, noop_make, _ = timed(make + ["all"], env=make_env, cwd=root)
        noops = sorted(timed([driver, "run", "--config", config_path, "-j", "2"])[1] for _ in range(9))
        noop = statistics.median(noops)
        print(f"  no-op: `make all` {noop_make:.2f} s (swift build's check included); `pipeline run` median {noop * 1e3:.1f} ms "
              f"(min {noops[0] * 1e3:.1f}, max {noops[-1] * 1e3:.1f}): {'PASS' if noop <= 0.1 else 'FAIL'} (<= 0.1 s)")

        # 2. The training stage against the bare kernel.
        train_output = os.path.join(work, "train.h5")
        train = stage_run(node_command(driver, config_path, "train[noisy]", train_output), train_output)
        steps = config["train"]["steps"]
        data = next(d["file"]["path"] for d in config["datasets"].values() if "file" in d)
        kernel = [args.bench_gd, "run", "--data", data, "--steps", str(steps), "--eta", str(config["train"]["eta"])]
        times = {"kernel": [], "stage": []}
        load = os.getloadavg()[0]
        for round_ in range(args.reps):
            for name, argv in ([("kernel", kernel), ("stage", train)] if round_ % 2 == 0 else [("stage", train), ("kernel", kernel)]):
                times[name].append(timed(argv, env=env)[2])
        ratio = min(times["stage"]) / min(times["kernel"])
        print(f"\ntraining stage train[noisy] (T = {steps}, θ every {config['train']['record_every']} steps, log grid, HDF5) "
              f"against `bench-gd run`, CPU time, best (median) of {args.reps} interleaved runs; load average {load:.1f}")
        print(f"  kernel {min(times['kernel']):.3f} s ({statistics.median(times['kernel']):.3f}), "
              f"stage {min(times['stage']):.3f} s ({statistics.median(times['stage']):.3f}): "
              f"ratio {ratio:.3f} {'PASS' if ratio <= 1.1 else 'FAIL'} (<= 1.1)")

        # 3. The render stage.
        render_output = os.path.join(work, "render.h5")
        render = stage_run(node_command(driver, config_path, "render", render_output), render_output)
        load = os.getloadavg()[0]
        print(f"\nrender stage, PNG + PDF and CSV, best (median) of {args.render_reps} interleaved; load average {load:.1f}")
        times = {"all": [], "paper": []}
        for _ in range(args.render_reps):
            times["all"].append(timed(render, env=env)[1:])
            times["paper"].append(timed(paper_render, env=env)[1:])
        for name, shown in (("all", figures), ("paper", paper_figures)):
            walls = sorted(w for w, _ in times[name])
            cpus = sorted(c for _, c in times[name])
            what = "every figure of `make all`" if name == "all" else "the Fig. 4 part's figures (no studies)"
            print(f"  {what}, {len(shown)}: {', '.join(shown)}")
            print(f"    wall {walls[0]:.2f} s ({statistics.median(walls):.2f}), CPU {cpus[0]:.2f} s ({statistics.median(cpus):.2f}): "
                  f"{'PASS' if walls[0] <= 3 else 'FAIL'} (<= 3 s wall)")
        shutil.rmtree(paper["store"], ignore_errors=True)
        shutil.rmtree(os.path.join(work, "results"), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
