#!/usr/bin/env bash
# The bundle and its container image tested as a cluster would use them (`make test-deploy`; not
# in `make test`: it needs root and minutes). Builds the bundle and the image (scripts/image.sh),
# runs the CI sweep (pipeline.sweep-ci.json) natively with `make build`'s driver, then from the
# bundle inside the image's root folder by chroot — Debian 12 with python3-venv and graphviz, no
# libhdf5, no OpenBLAS, no Swift — and in the image with podman, and fails unless every node's key
# and content hash equal the native run's (scripts/compare_status.py). Then the paper's configuration
# by Snakemake, every job in the image through a stand-in for Apptainer, against a native run too.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
started=$SECONDS
phase() { echo "== $1 (at $((SECONDS - started)) s)"; }
config=pipeline.sweep-ci.json
deploy="$root/.deploy"
python="$(command -v python3)"

phase "bundle and image"
archive="$(scripts/image.sh)"
image_root="$deploy/root"
for library in libhdf5_serial.so.103 libopenblas.so.0 liblapack.so.3 libswiftCore.so; do
    if [ -n "$(find "$image_root/usr" "$image_root/opt/swift" -name "$library*" -not -path '*/mlp-dynamics/*' \
        2>/dev/null)" ]; then
        echo "error: the test root has $library outside the bundle: it would not test the bundle's own" >&2
        exit 1
    fi
done

phase "native run of $config"
# From an empty store, as the other two: the report page names the commit, which no key holds.
native="$deploy/native"
rm -rf "$native"
mkdir -p "$native"
cp "$config" "$native/"
ln -s "$root/data" "$native/data"
make build >/dev/null
.build/release/pipeline run --config "$native/$config" -j 2 >/dev/null
.build/release/pipeline status --json --config "$native/$config" >"$deploy/native.json"

phase "bundle in a Debian 12 root without the build's packages (chroot)"
scripts/in-root.sh "$image_root" "cd /opt/mlp-dynamics && bin/pipeline run --config $config -j 2 >/dev/null \
    && bin/pipeline status --json --config $config" >"$deploy/chroot.json"
"$python" scripts/compare_status.py "$deploy/native.json" "$deploy/chroot.json" --label chroot

phase "image with podman"
# This sandbox lacks CAP_SYS_RESOURCE (podman's default limits would raise the hard ones) and
# mounts cgroups in hybrid mode, which crun refuses: keep the limits, and use runc.
command -v runc >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runc >/dev/null
version="$(basename "$archive" | sed 's/^mlp-dynamics-\(.*\)-linux-.*$/\1/')"
podman --runtime runc run --rm --network none --ulimit "nofile=$(ulimit -Sn):$(ulimit -Hn)" \
    --ulimit nproc=4096:4096 "localhost/mlp-dynamics:$version" \
    sh -c "pipeline run --config $config -j 2 >/dev/null && pipeline status --json --config $config" \
    >"$deploy/podman.json"
"$python" scripts/compare_status.py "$deploy/native.json" "$deploy/podman.json" --label podman

phase "Snakemake's container route (--container; Apptainer's stand-in: scripts/standin/apptainer)"
# The commands of docs/snakemake.md on the paper's configuration, each job by `apptainer exec` of the
# image; no SLURM here (make test runs the profile on a local SLURM). Compared with a native run.
route="$deploy/apptainer"
rm -rf "$route" "$native"
mkdir -p "$route" "$native"
cp pipeline.json "$route/"
cp pipeline.json "$native/"
ln -s "$root/data" "$native/data"
.build/release/pipeline run --config "$native/pipeline.json" -j 2 >/dev/null
.build/release/pipeline status --json --config "$native/pipeline.json" >"$deploy/native-paper.json"
ln -s "$archive" "$route/mlp.sif"
(
    cd "$route"
    export PATH="$root/scripts/standin:$PATH" MLP_STANDIN_ROOT="$image_root"
    apptainer exec mlp.sif cp -r /opt/mlp-dynamics/data .
    apptainer exec mlp.sif /opt/mlp-dynamics/bin/pipeline export snakemake --config pipeline.json \
        --container "$PWD/mlp.sif" -o Snakefile >/dev/null
    timeout -s KILL 600 "$root/.venv/bin/snakemake" -s Snakefile --cores 2 --sdm apptainer --quiet \
        >snakemake.log 2>&1 || { tail -20 snakemake.log >&2; exit 1; }
    apptainer exec mlp.sif /opt/mlp-dynamics/bin/pipeline status --json --config pipeline.json \
        >"$deploy/apptainer.json"
)
"$python" scripts/compare_status.py "$deploy/native-paper.json" "$deploy/apptainer.json" --label "snakemake (image)"

phase "done"
echo "bundle $(du -h "${archive%.image.tar}.tar.gz" | cut -f1), image $(du -h "$archive" | cut -f1) (docker-archive)"
