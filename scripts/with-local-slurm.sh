#!/usr/bin/env bash
# Runs a command against a single-node SLURM cluster started here from Debian's packages (munge,
# slurmctld, slurmd; scripts/setup-debian.sh installs them), and always stops it again:
#
#     scripts/with-local-slurm.sh SCRATCH SECONDS COMMAND [ARG...]
#
# SCRATCH holds the daemons' state, spool, logs and PID files; COMMAND runs under
# `timeout -s KILL SECONDS` and its exit status is the script's. Exit 77 (nothing started) when
# this cannot work here: not root, a package missing, or an /etc/slurm/slurm.conf this script did
# not write. Needs root: slurm.conf must be at the compiled-in path /etc/slurm/slurm.conf, since
# snakemake-executor-plugin-slurm clears SLURM_* variables (so SLURM_CONF) before calling srun.
# What each setting is for: /work/shared/CLUSTER.md-style notes in docs/snakemake.md.
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 SCRATCH SECONDS COMMAND [ARG...]" >&2
    exit 2
fi
scratch="$(mkdir -p "$1" && cd "$1" && pwd)"
seconds="$2"
shift 2

conf=/etc/slurm/slurm.conf
marker="# written by mlp-dynamics scripts/with-local-slurm.sh"
skip() { echo "skip: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "a local SLURM needs root (munged, slurmd and /etc/slurm/slurm.conf)"
for tool in munged munge unmunge slurmctld slurmd sinfo sbatch squeue; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "$tool" >/dev/null 2>&1 \
        || skip "$tool is missing: run scripts/setup-debian.sh (packages slurm-wlm munge)"
done
export PATH="$PATH:/usr/sbin"
if [ -e "$conf" ] && ! grep -qxF "$marker" "$conf"; then
    skip "$conf exists and was not written by this script: not touching a real cluster's configuration"
fi

started_munge=""
stop_daemons() {
    # Each daemon by the PID it recorded; an exited daemon stays a zombie for a moment, so its
    # state is read from /proc rather than probed with kill -0.
    local pidfile pid i state
    for pidfile in "$scratch/slurmd.pid" "$scratch/slurmctld.pid" $started_munge; do
        [ -s "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        kill "$pid" 2>/dev/null || true
        for i in $(seq 1 50); do
            state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
            [ -z "$state" ] || [ "$state" = Z ] && break
            sleep 0.1
        done
        [ -z "$state" ] || [ "$state" = Z ] || kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
    if [ -e "$conf" ] && grep -qxF "$marker" "$conf"; then rm -f "$conf"; fi
}
trap stop_daemons EXIT

# 1. munge, as the munge user (the package created its key).
mkdir -p /run/munge
chown munge:munge /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
    started_munge=/run/munge/munged.pid
fi
munge -n | unmunge >/dev/null

# 2. slurm.conf: one node (this machine), one partition, no accounting database.
host="$(hostname -s)"
mkdir -p "$scratch/state" "$scratch/spool" "$scratch/log" /etc/slurm
memory="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)"
cat > "$conf" <<EOF
$marker
ClusterName=mlp-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
# Cores only: with CR_Core_Memory and no default memory per CPU every job took the whole node.
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
# Finished jobs stay visible to squeue this long (the executor's status checks rely on it).
MinJobAge=300
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=${memory:-1000} State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# 3. The controller, then the node daemon; wait until the node is idle.
slurmctld
slurmd
for i in $(seq 1 300); do
    state="$(sinfo -h -o %T 2>/dev/null | head -1 || true)"
    [ "$state" = idle ] && break
    sleep 0.1
done
if [ "${state:-}" != idle ]; then
    echo "error: the local SLURM node did not become idle (state '${state:-none}'); logs in $scratch/log" >&2
    exit 1
fi

set +e
timeout -s KILL "$seconds" "$@"
status=$?
set -e
exit "$status"
