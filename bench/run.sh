#!/usr/bin/env bash
# `make bench` (see docs/performance.md):
#  1. the GD kernel (m = 2, n = 100, η = 0.01, paper's start, T = 3e6) against the fastest known C
#     (../shared/peers/c_gd_fast.c, skipped with a message when ../shared is absent), the same
#     arithmetic hand-written in C (bench/gd_tuned.c), the plain libm loop (bench/gd_plain.c),
#     NumPy and JAX (skipped when not installed): bench/kernel.py, whole processes, CPU time;
#  2. the training stage against the bare kernel, a cold `make all` with its per-stage breakdown,
#     the render stage and the no-op: bench/pipeline_times.py (skipped with --kernel-only);
#  3. the machine code of the kernel's loops: bench/asm_report.py.
# Usage: bench/run.sh [--data PATH] [--steps T] [--reps N] [--kernel-only]
#        (default: the authors' data, data/maleknia-sato/data.dat, T = 3000000, N = 5)
set -euo pipefail

cd "$(dirname "$0")/.."
# The project's virtual environment (scripts/setup-debian.sh) when it exists, else python3 on PATH.
PYTHON=python3
if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; fi
BUILD=bench/build
DATA=data/maleknia-sato/data.dat
STEPS=3000000
REPS=5
KERNEL_ONLY=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) DATA="$2"; shift 2 ;;
        --steps) STEPS="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        --kernel-only) KERNEL_ONLY=1; shift ;;
        *) echo "usage: bench/run.sh [--data PATH] [--steps T] [--reps N] [--kernel-only]" >&2; exit 2 ;;
    esac
done
mkdir -p "$BUILD"

echo "== building (release, -march=native)" >&2
swift build -c release >"$BUILD/swift-build.log" 2>&1 || { cat "$BUILD/swift-build.log" >&2; exit 1; }
BENCH="$(swift build -c release --show-bin-path)/bench-gd"
gcc -O3 -march=native -o "$BUILD/gd_plain" bench/gd_plain.c -lm
# -ffp-contract=off: the Swift kernel's scalar update is not fused, and the C must match it exactly.
gcc -O3 -march=native -ffp-contract=off -o "$BUILD/gd_tuned" bench/gd_tuned.c -lm
PEER_SOURCE=../shared/peers/c_gd_fast.c
PEER_ARGS=()
if [[ -f "$PEER_SOURCE" ]]; then
    gcc -O3 -march=native -o "$BUILD/c_gd_fast" "$PEER_SOURCE" -lm
    PEER_ARGS=(--peer "$BUILD/c_gd_fast")
else
    echo "c_gd_fast: skipped: $PEER_SOURCE not found (the peer reference lives in ../shared, outside the project)"
    PEER_ARGS=(--peer-skip "$PEER_SOURCE not found")
fi

echo "== kernel: $REPS interleaved rounds (about $((REPS * 7 + 10)) s)" >&2
status=0
"$PYTHON" bench/kernel.py --bench-gd "$BENCH" --build "$BUILD" "${PEER_ARGS[@]}" --data "$DATA" --steps "$STEPS" \
    --reps "$REPS" --python "$PYTHON" || status=1

if [[ $KERNEL_ONLY == 0 ]]; then
    echo >&2
    echo "== pipeline: cold make all, training stage, render (about two minutes)" >&2
    echo
    "$PYTHON" bench/pipeline_times.py --root . --bench-gd "$BENCH" --reps "$REPS" || status=1
fi

if command -v objdump >/dev/null; then
    echo
    echo "machine code of the width-2 kernel loops (the two inner loops should be pure zmm, no scalar arithmetic):"
    "$PYTHON" bench/asm_report.py "$BENCH"
fi
exit $status
