#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine that already has Swift (6.x) on PATH:
# the C libraries (HDF5, LAPACK), the HDF5 and Graphviz tools, and the Python packages that render
# the figures and run the reference benchmarks. Safe to run again.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH; install a Swift 6 toolchain first (https://www.swift.org/install/linux/)" >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
    libhdf5-dev hdf5-tools liblapacke-dev libopenblas-dev graphviz pkg-config gcc make tar gzip >/dev/null

python3 -m pip install --quiet --disable-pip-version-check -r "$(dirname "$0")/../requirements.txt" 2>&1 \
    | grep -v "Running pip as the 'root' user" || true
python3 -c "import numpy, h5py, matplotlib" || { echo "error: the Python packages did not install" >&2; exit 1; }
echo "setup complete: $(swift --version 2>/dev/null | head -1); HDF5 $(pkg-config --modversion hdf5-serial)"
