# shellcheck shell=bash
# tests/cluster/slurm.sh — a throwaway one-node Slurm cluster in a temporary directory: its own
# munged (private key and socket), slurmctld and slurmd on private ports, every file (config,
# state, spool, logs, pid files) under DIR, so nothing in /etc/slurm or /run is touched and a
# Slurm the machine already runs is left alone. Clients find it through SLURM_CONF, which
# slurm_start exports. Needs root: slurmd starts jobs as their users. Facts behind each config
# line: ../shared/reference/cluster.md §3.1. Sourced by tests/cluster/t0300-slurm-sweep.sh.

# slurm_missing: prints why this machine cannot run the cluster, or nothing when it can.
slurm_missing() {
  local c
  for c in munged mungekey slurmctld slurmd srun sbatch squeue scancel; do
    command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$c" >/dev/null 2>&1 ||
      { echo "$c is not installed (make deps installs slurm-wlm and munge)"; return; }
  done
  [ "$(id -u)" = 0 ] || echo "slurmd must run as root"
}

# slurm_start DIR: writes DIR/slurm.conf, starts the three daemons and waits until the node is
# idle (about 1 s). DIR's parents must be reachable by the munge user. Ports: WS_SLURM_PORT (slurmctld, default 56817) and the one after (slurmd).
slurm_start() {
  local d=$1 port=${WS_SLURM_PORT:-56817} host i
  PATH=$PATH:/usr/sbin
  host=$(hostname -s)
  # munged checks that every directory above its socket is reachable by all and not writable by
  # others; DIR may be a private mktemp directory.
  chmod 0755 "$d"
  install -d -o munge -g munge -m 0755 "$d/munge"
  install -d -m 0755 "$d/state" "$d/spool"
  runuser -u munge -- mungekey --create --keyfile="$d/munge/munge.key" || return 1
  runuser -u munge -- munged --socket="$d/munge/socket" --key-file="$d/munge/munge.key" \
    --log-file="$d/munge/log" --pid-file="$d/munge/pid" --seed-file="$d/munge/seed" || return 1
  # One parameter per line (several on a line: "Parse error"). proctrack/linuxproc: cgroups are
  # not usable in containers. cons_tres + CR_Core: trials share the node core by core (the
  # default select/linear gives each job the whole node). KillWait=2: a cancelled step gets
  # SIGKILL 2 s after SIGTERM, not 30 s.
  cat >"$d/slurm.conf" <<EOF
ClusterName=wstest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
AuthInfo=socket=$d/munge/socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
KillWait=2
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$d/slurm.conf
  slurmctld || return 1
  slurmd || return 1
  for ((i = 0; i < 200; i++)); do   # 20 s at most
    case $(sinfo -h -o %T 2>/dev/null) in idle*) return 0 ;; esac
    sleep 0.1
  done
  echo "slurm: the node did not become idle: $(sinfo -h -o '%T %E' 2>&1)" >&2
  return 1
}

# slurm_steps_left DIR: true while a slurmstepd runs (its socket NODE_JOB.STEP is in the spool).
slurm_steps_left() {
  local f
  for f in "$1"/spool/*; do [[ ${f##*/} =~ _[0-9]+\.[0-9]+$ ]] && return 0; done
  return 1
}

# slurm_stop DIR: cancels every job, waits for their processes to go (slurmstepd outlives
# slurmd otherwise), stops slurmd, slurmctld and munged. Safe to call twice or after a failed
# start.
slurm_stop() {
  local d=$1 f i jobs
  PATH=$PATH:/usr/sbin
  if [ -f "$d/slurmctld.pid" ] && kill -0 "$(cat "$d/slurmctld.pid")" 2>/dev/null; then
    export SLURM_CONF=$d/slurm.conf
    jobs=$(squeue -h -o %A 2>/dev/null)
    # shellcheck disable=SC2086  # a list of job ids
    [ -z "$jobs" ] || scancel $jobs 2>/dev/null
    for ((i = 0; i < 100; i++)); do   # 10 s at most (KillWait is 2 s)
      [ -z "$(squeue -h -o %A 2>/dev/null)" ] && ! slurm_steps_left "$d" && break
      sleep 0.1
    done
  fi
  # All three at once: each takes about 2 s to exit on SIGTERM.
  local pid pids=()
  for f in slurmd.pid slurmctld.pid munge/pid; do
    [ -s "$d/$f" ] && pid=$(cat "$d/$f") && kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  return 0
}
