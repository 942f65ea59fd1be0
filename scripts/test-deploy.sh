#!/usr/bin/env bash
# The bundle and its container image tested as a cluster would use them (`make test-deploy`; not
# in `make test`: it needs root and minutes). Builds the bundle and the image (scripts/image.sh),
# runs the CI sweep (pipeline.sweep-ci.json) natively with `make build`'s driver, then from the
# bundle inside the image's root folder by chroot — Debian 12 with python3-venv and graphviz, no
# libhdf5, no OpenBLAS, no Swift — and in the image with podman, and fails unless every node's key
# and content hash equal the native run's (scripts/compare_status.py).
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

phase "done"
echo "bundle $(du -h "${archive%.image.tar}.tar.gz" | cut -f1), image $(du -h "$archive" | cut -f1) (docker-archive)"
