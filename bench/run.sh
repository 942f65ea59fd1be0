#!/usr/bin/env bash
# Benchmark of full-batch GD (m = 2, n = 100, η = 0.01, paper's start) — see docs/performance.md.
# Usage: bench/run.sh [--data PATH] [--steps T]   (default: a PortableRandom dataset, T = 3e6)
set -euo pipefail

cd "$(dirname "$0")/.."
# The project's virtual environment (scripts/setup-debian.sh) when it exists, else python3 on PATH.
PYTHON=python3
if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; fi
BUILD=bench/build
STEPS=3000000
NUMPY_STEPS=20000
REPS=3
DATA=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --data) DATA="$2"; shift 2 ;;
        --steps) STEPS="$2"; shift 2 ;;
        *) echo "usage: bench/run.sh [--data PATH] [--steps T]" >&2; exit 2 ;;
    esac
done
mkdir -p "$BUILD"

echo "== building (release, -march=native)" >&2
swift build -c release --product bench-gd >"$BUILD/swift-build.log" 2>&1 || { cat "$BUILD/swift-build.log" >&2; exit 1; }
BENCH="$(swift build -c release --product bench-gd --show-bin-path)/bench-gd"
gcc -O3 -march=native -o "$BUILD/gd_plain" bench/gd_plain.c -lm
gcc -O3 -march=native -o "$BUILD/gd_tuned" bench/gd_tuned.c -lm

if [[ -z "$DATA" ]]; then
    DATA="$BUILD/data.txt"
    "$BENCH" write-data --out "$DATA"
fi
RESULTS="$BUILD/results.txt"
: >"$RESULTS"

echo "== running on $DATA: T = $STEPS, best of $REPS" >&2
for rep in $(seq "$REPS"); do
    echo "   repetition $rep" >&2
    "$BENCH" run --data "$DATA" --steps "$STEPS" >>"$RESULTS"
    "$BENCH" run --data "$DATA" --steps "$STEPS" --record-every 10 >>"$RESULTS"
    "$BUILD/gd_tuned" "$DATA" "$STEPS" 0.01 >>"$RESULTS"
    "$BUILD/gd_plain" "$DATA" "$STEPS" 0.01 >>"$RESULTS"
    "$BENCH" run --data "$DATA" --steps "$NUMPY_STEPS" >>"$RESULTS"
    if command -v "$PYTHON" >/dev/null && "$PYTHON" -c "import numpy" 2>/dev/null; then
        "$PYTHON" bench/gd_numpy.py "$DATA" "$NUMPY_STEPS" 0.01 >>"$RESULTS"
    elif [[ $rep == 1 ]]; then
        echo "numpy: skipped: numpy not installed"
    fi
done
if command -v "$PYTHON" >/dev/null; then
    JAX_OUT="$("$PYTHON" bench/gd_jax.py "$DATA" "$STEPS" 0.01)"
    if [[ "$JAX_OUT" == RESULT* ]]; then echo "$JAX_OUT" >>"$RESULTS"; else echo "jax: $JAX_OUT"; fi
else
    echo "jax: skipped: $PYTHON not installed"
fi

echo
"$BENCH" report "$RESULTS" --data "$DATA" --steps "$STEPS"

if command -v objdump >/dev/null && command -v "$PYTHON" >/dev/null; then
    echo
    echo "machine code of the width-2 kernel loops (inner loops should be pure zmm, no scalar, no stack):"
    "$PYTHON" bench/asm_report.py "$BENCH"
fi
