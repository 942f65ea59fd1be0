#!/usr/bin/env bash
# Runs a command inside a Linux root folder (a Debian tree made by mmdebstrap), as a cluster node
# without the build's packages would: chroot in a private mount namespace with /proc, /dev, the
# host's resolv.conf and CA bundle (for pip), so nothing stays mounted when it ends. Needs root.
# Usage: scripts/in-root.sh ROOT [--bind HOST_DIR:ROOT_DIR]… COMMAND…  (COMMAND runs under sh -c)
set -euo pipefail

if [ $# -lt 2 ] || [ ! -x "$1/bin/sh" ]; then
    echo "usage: scripts/in-root.sh ROOT [--bind HOST_DIR:ROOT_DIR]... COMMAND (ROOT must hold bin/sh)" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "error: chroot needs root" >&2
    exit 2
fi
root="$(cd "$1" && pwd)"
shift
binds=()
while [ "${1:-}" = --bind ]; do
    binds+=("$2")
    shift 2
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
mounts="mount -t proc proc '$root/proc' && mount --rbind /dev '$root/dev'"
# A site whose HTTPS goes through a proxy with its own CA names it for pip (PIP_CERT): so does the root.
environment="HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8"
if [ -f "${PIP_CERT:-}" ]; then
    touch "$root/tmp/site-ca.crt"
    mounts="$mounts && mount --bind '$PIP_CERT' '$root/tmp/site-ca.crt'"
    environment="$environment PIP_CERT=/tmp/site-ca.crt"
fi
for bind in "${binds[@]}"; do
    mkdir -p "$root/${bind#*:}"
    mounts="$mounts && mount --bind '${bind%%:*}' '$root/${bind#*:}'"
done
# A clean environment, as a login on the node would have, but for OpenBLAS's machine settings.
for name in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; do
    if [ -n "${!name:-}" ]; then environment="$environment $name=${!name}"; fi
done
exec unshare --mount --propagation private -- \
    sh -c "$mounts && exec chroot '$root' /usr/bin/env -i $environment sh -c \"\$0\"" "$*"
