#!/usr/bin/env bash
# Builds the container image from the bundle, with no daemon: a minimal Debian 12 root (mmdebstrap,
# cached in .deploy/) with the Debian packages the runtime needs (python3-venv for the renderer's
# packages, graphviz for the report's DAG), the bundle unpacked at /opt/mlp-dynamics and its .venv
# made by the bundle's own install line, imported by podman and saved as a docker-archive that
# Apptainer converts (docs/snakemake.md). Writes <bundle name>.image.tar beside the bundle and keeps
# the image's root in .deploy/root (scripts/test-deploy.sh runs the sweep there). Needs root.
# Usage: scripts/image.sh [BUNDLE.tar.gz]   (default: scripts/bundle.sh makes one)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "$(id -u)" -ne 0 ]; then
    echo "error: building the root folder needs root (mmdebstrap, chroot)" >&2
    exit 2
fi
missing=""
for tool in mmdebstrap:mmdebstrap podman:podman patchelf:patchelf; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
bundle="${1:-$(scripts/bundle.sh)}"
if [ ! -f "$bundle" ] || [[ "$bundle" != *.tar.gz ]]; then
    echo "error: $bundle is not a bundle (mlp-dynamics-<version>-linux-<arch>.tar.gz)" >&2
    exit 2
fi
bundle="$(cd "$(dirname "$bundle")" && pwd)/$(basename "$bundle")"
name="$(basename "$bundle" .tar.gz)"
version="$(echo "$name" | sed -n 's/^mlp-dynamics-\(.*\)-linux-.*$/\1/p')"

# The base root, made once: Debian 12 (minbase) with the runtime's packages and none of the build's.
deploy="$root/.deploy"
packages="python3-venv,graphviz"
base="$deploy/debian-12"
mkdir -p "$deploy/pip-cache"
if [ "$(cat "$base.packages" 2>/dev/null)" != "$packages" ]; then
    rm -rf "$base" "$base.packages"
    mmdebstrap --quiet --variant=minbase --include="$packages" bookworm "$base.tmp" >&2
    mv "$base.tmp" "$base"
    echo "$packages" >"$base.packages"
fi

# The image's root: the base, the bundle, and the bundle's install line run inside it.
image_root="$deploy/root"
rm -rf "$image_root"
cp -a "$base" "$image_root"
tar -C "$image_root/opt" -xzf "$bundle"
mv "$image_root/opt/$name" "$image_root/opt/mlp-dynamics"
scripts/in-root.sh "$image_root" --bind "$deploy/pip-cache:/root/.cache/pip" \
    "cd /opt/mlp-dynamics && python3 -m venv .venv && .venv/bin/pip install -q --disable-pip-version-check" \
    "-r requirements.txt" >&2

rm -rf "$image_root"/tmp/* "$image_root/root/.cache"
tag="localhost/mlp-dynamics:$version"
podman rmi --force "$tag" >/dev/null 2>&1 || true
tar -C "$image_root" --numeric-owner -cf - . | podman import --quiet \
    --change 'ENV PATH=/opt/mlp-dynamics/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'WORKDIR /opt/mlp-dynamics' - "$tag" >&2
archive="$(dirname "$bundle")/$name.image.tar"
rm -f "$archive"
podman save --quiet --format docker-archive -o "$archive" "$tag"
echo "image: $tag, $(du -h "$archive" | cut -f1) as docker-archive" >&2
echo "$archive"
