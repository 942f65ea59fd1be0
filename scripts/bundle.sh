#!/usr/bin/env bash
# Builds the relocatable bundle mlp-dynamics-<version>-linux-<arch>.tar.gz (docs/guide.md, "Clusters"):
# the driver and the stage executables, built for a portable CPU baseline (MLP_TARGET_CPU, default
# x86-64-v3 on x86_64), every shared library they load but the C library's own — the Swift runtime,
# HDF5, OpenBLAS/LAPACK and their dependencies — in lib/, found through the run path $ORIGIN/../lib,
# and the schema, the configurations, the authors' data, the renderer and its requirements.txt.
# No Swift and no -dev packages are needed where it is unpacked. Usage: scripts/bundle.sh [OUT_DIR]
# (prints the tarball's path last, alone on standard output; the build's output goes to standard error)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${1:-$root}"
if [ ! -d "$out" ]; then
    echo "error: output directory $out does not exist" >&2
    exit 2
fi
for tool in swift patchelf ldd; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is not on PATH (scripts/setup-debian.sh)" >&2; exit 2; }
done

arch="$(uname -m)"
case "$arch" in
    x86_64) baseline=x86-64-v3 ;;   # AVX2 and FMA (Haswell, 2013): the GD kernel's FMAs stay instructions
    aarch64) baseline=armv8.2-a ;;
    *) baseline="" ;;
esac
target_cpu="${MLP_TARGET_CPU:-$baseline}"
if [ -z "$target_cpu" ] || [ "$target_cpu" = native ]; then
    echo "error: a bundle needs a portable CPU baseline: set MLP_TARGET_CPU (not native) for $arch" >&2
    exit 2
fi
version="$(sed -n 's/^public let projectVersion = "\(.*\)"$/\1/p' Sources/PipelineCore/Artifact.swift)"
name="mlp-dynamics-$version-linux-$arch"
# The commit, as a build in the clone reports it (its HEAD; the code identities name the files).
commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"

# Its own build folder: the manifest reads MLP_TARGET_CPU, and `make build` stays native.
build="$root/.build-bundle"
MLP_TARGET_CPU="$target_cpu" swift build -c release --build-path "$build" >&2
products="$(MLP_TARGET_CPU="$target_cpu" swift build -c release --build-path "$build" --show-bin-path)"

tree="$build/$name"
rm -rf "$tree"
mkdir -p "$tree/bin" "$tree/lib"
find "$products" -maxdepth 1 -type f -executable \( -name pipeline -o -name 'stage-*' \) -exec cp -t "$tree/bin" {} +
strip --strip-debug "$tree"/bin/*

# Every library the executables load, by the name they ask for (ldd's left column), but the C
# library's own: those come with every Linux, and must match its kernel interface.
own_glibc='^(linux-vdso|ld-linux[^ ]*|libc|libm|libpthread|libdl|librt|libresolv|libutil|libmvec)\.so'
ldd "$tree"/bin/* | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u | while read -r soname path; do
    if ! [[ "$soname" =~ $own_glibc ]]; then
        cp -L "$path" "$tree/lib/$soname"
    fi
done
if ldd "$tree"/bin/* | grep -q "not found"; then
    echo "error: a library of the executables was not found:" >&2
    ldd "$tree"/bin/* | grep "not found" >&2
    exit 1
fi
chmod 0644 "$tree"/lib/*
# DT_RPATH (not RUNPATH): searched before LD_LIBRARY_PATH, so a cluster module's own libhdf5 or
# OpenBLAS never replaces the bundle's.
patchelf --force-rpath --set-rpath '$ORIGIN/../lib' "$tree"/bin/*
for library in "$tree"/lib/*; do
    patchelf --force-rpath --set-rpath '$ORIGIN' "$library"
done

cp pipeline*.json "$tree/"
cp -r data profiles "$tree/"
mkdir -p "$tree/Sources/Stages/Render"
(cd Sources/Stages/Render && find mlp_render -name __pycache__ -prune -o -type f -print0 |
    xargs -0 cp --parents -t "$tree/Sources/Stages/Render")
# The renderer's packages only, with the project's pins (the benchmarks' and tests' stay out).
for package in numpy h5py matplotlib; do
    grep -E "^$package([=<>!~ ]|\$)" requirements.txt || { echo "error: no $package in requirements.txt" >&2; exit 1; }
done >"$tree/requirements.txt"
# The newest glibc symbol version the executables and libraries ask for: the oldest glibc they run on.
glibc="$(objdump -T "$tree"/bin/* "$tree"/lib/* | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 | cut -d_ -f2)"
cat >"$tree/BUNDLE" <<EOF
name=mlp-dynamics
version=$version
commit=$commit
target_cpu=$target_cpu
arch=$arch
glibc_needed=$glibc
EOF
cat >"$tree/INSTALL" <<EOF
$name: the pipeline's executables with their libraries (lib/), no Swift needed.
Needs Linux with glibc >= $glibc, a CPU of $target_cpu or later, Python >= 3.11 with venv (the
figures) and Graphviz's dot (the report page). Install and run the CI sweep:

    tar xzf $name.tar.gz && cd $name && python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
    bin/pipeline run --config pipeline.sweep-ci.json

The container image (make image: a docker-archive for Apptainer and podman) carries all of it; both
routes on SLURM: docs/snakemake.md in the project.
EOF

tar -C "$build" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
echo "bundle: $(du -h "$out/$name.tar.gz" | cut -f1), $(ls "$tree/lib" | wc -l) libraries, CPU $target_cpu" >&2
echo "$out/$name.tar.gz"
