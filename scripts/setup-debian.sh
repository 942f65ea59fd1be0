#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine that already has Swift (6.x) on PATH:
# the C libraries (HDF5, LAPACK), the HDF5 and Graphviz tools, patchelf (`make bundle`), Chromium (the report's browser
# test, run headless) and a single-node SLURM (slurm-wlm, munge: the Snakemake-on-SLURM test) with apt, and the pinned Python packages of requirements.txt (figures,
# reference benchmarks, h5py and rocrate in the tests) into the
# project's virtual environment .venv/ — Debian's own Python refuses a system-wide pip install
# (PEP 668). Needs root or sudo; no prompts (fine for CI). Safe to run again.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
# Debian's interpreter, whatever python3 comes first on PATH (pyenv, conda, ...).
system_python=/usr/bin/python3

if ! command -v swift >/dev/null 2>&1; then
    echo "error: swift is not on PATH; install a Swift 6 toolchain first (https://www.swift.org/install/linux/)" >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "error: installing the Debian packages needs root: run this script as root, or install sudo" >&2
        exit 1
    fi
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends \
    libhdf5-dev hdf5-tools liblapacke-dev libopenblas-dev graphviz pkg-config gcc make tar gzip patchelf chromium \
    python3 python3-venv slurm-wlm munge >/dev/null

# A venv made by another interpreter (or a broken one) is replaced.
if ! grep -qx "home = $(dirname "$system_python")" "$venv/pyvenv.cfg" 2>/dev/null || ! "$venv/bin/python" -c "" 2>/dev/null; then
    "$system_python" -m venv --clear "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/requirements.txt"
"$venv/bin/python" -c "import numpy, h5py, matplotlib, rocrate" && "$venv/bin/snakemake" --version >/dev/null || { echo "error: the Python packages did not install into $venv" >&2; exit 1; }
echo "setup complete: $(swift --version 2>/dev/null | head -1); HDF5 $(pkg-config --modversion hdf5-serial);" \
    "$("$venv/bin/python" --version) in .venv"
