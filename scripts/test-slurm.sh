#!/usr/bin/env bash
# Brings up a one-node Slurm cluster on this machine and submits the fleet
# recipe to it: examples/fleet/slurm-array.sh as 3-task arrays and
# examples/fleet/slurm-merge.sh behind --dependency=afterany, then checks what
# the merges wrote. Run by .ci/run; docs/fleet.md says what it covers.
#
# Everything it starts (munged, slurmctld, slurmd, the jobs) is stopped by
# pid when it exits, also when a check fails, and everything it writes is in
# one temporary directory: Slurm's and munge's state, spool, sockets, pid
# files, logs and key are pointed there. The packages slurm-wlm and munge
# (Debian) are installed when missing; without them, and without root (or
# sudo without a password) to install them and to run slurmd, it skips with
# the reason and exits 0. Usage: scripts/test-slurm.sh (KEEP=1 keeps the
# temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
start=$SECONDS

say() { echo "test-slurm: $*" >&2; }
skip() {
	say "SKIP: $*"
	exit 0
}

if [[ $(id -u) -ne 0 ]]; then
	# slurmd must be root to start jobs; sudo keeps PATH for go.
	if sudo -n true 2>/dev/null; then
		exec sudo -n --preserve-env=PATH,GOPATH,GOCACHE,GOMODCACHE,KEEP "$0" "$@"
	fi
	skip "needs root, or sudo without a password, to install Slurm and run slurmd"
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
	! command -v munged >/dev/null || ! command -v mungekey >/dev/null; then
	command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get to install them"
	say "installing slurm-wlm and munge"
	t=$SECONDS
	apt-get update -qq >/dev/null || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null ||
		skip "could not install slurm-wlm and munge with apt-get"
	say "installed in $((SECONDS - t)) s"
fi
command -v jq >/dev/null || skip "jq is not installed"

tmp="$(mktemp -d)"
# munged wants every directory above its socket searchable by all.
chmod 755 "$tmp"
touch "$tmp/start"
conf="$tmp/slurm.conf"
mkdir -p "$tmp/munge" "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/bin" "$tmp/submit"
mkdir -m 700 "$tmp/munge-key"
pids=()

# logs prints the daemons' logs, for a failure.
logs() {
	local f
	for f in "$tmp"/log/*; do
		[[ -s $f ]] || continue
		echo "---- $f (last 40 lines)" >&2
		tail -n 40 "$f" >&2
	done
}
fail() {
	say "FAIL: $*"
	logs
	exit 1
}
# alive PID: whether the process is running (and not a zombie).
alive() {
	[[ -e /proc/$1 ]] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
# stop PID...: SIGTERM, up to 10 s, then SIGKILL; reaps the children.
stop() {
	local pid i
	for pid in "$@"; do
		alive "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "$@"; do
		for ((i = 0; i < 100; i++)); do
			alive "$pid" || break
			sleep 0.1
		done
		if alive "$pid"; then
			say "pid $pid ignored SIGTERM for 10 s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null || true
	done
}
# strays: the pids of processes, other than this script, whose environment
# names this cluster's slurm.conf (the daemons' children, slurmstepd, the
# jobs).
strays() {
	local e pid
	# (grep itself runs without SLURM_CONF, so it does not find itself.)
	while IFS= read -r e; do
		pid="${e#/proc/}"
		pid="${pid%/environ}"
		[[ $pid == "$$" || $pid == "$BASHPID" ]] || echo "$pid"
	done < <(env -u SLURM_CONF grep -lsazxF "SLURM_CONF=$conf" /proc/[0-9]*/environ)
	return 0
}
teardown() {
	local status=$? jobs left pid i t_stop=$SECONDS
	trap - EXIT INT TERM
	set +e
	if ((${#pids[@]})) && alive "${pids[1]:-0}"; then
		jobs="$(squeue -h -o %A 2>/dev/null)"
		if [[ -n $jobs ]]; then
			# shellcheck disable=SC2086 # one argument per job id
			scancel $jobs
			for ((i = 0; i < 100; i++)); do
				[[ -z $(squeue -h -o %A 2>/dev/null) ]] && break
				sleep 0.1
			done
		fi
	fi
	# slurmd and slurmctld (which stops its slurmscriptd), then munged.
	if ((${#pids[@]} > 1)); then
		stop "${pids[@]:1}"
	fi
	if ((${#pids[@]})); then
		stop "${pids[0]}"
	fi
	left="$(strays)"
	if [[ -n $left ]]; then
		for pid in $left; do
			say "stopping pid $pid, left behind: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		done
		# shellcheck disable=SC2086 # one argument per pid
		stop $left
		((status != 0)) || status=1
	fi
	# Nothing may land outside $tmp: Slurm's and munge's default places.
	left="$(find /var/spool/slurm* /var/spool/slurmd /var/spool/slurmctld /var/log/slurm* /run/slurm* \
		/var/run/slurm* /run/munge /var/log/munge /var/lib/munge /var/lib/slurm* \
		-newer "$tmp/start" 2>/dev/null)"
	if [[ -n $left ]]; then
		say "FAIL: files written outside $tmp: $left"
		((status != 0)) || status=1
	fi
	say "stopped in $((SECONDS - t_stop)) s; $((SECONDS - start)) s in all"
	if [[ ${KEEP:-} == 1 ]]; then
		say "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (one a real Slurm on this machine does not use).
free_port() {
	local p
	for ((;;)); do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
			echo "$p"
			return
		}
	done
}

say "building benchy"
make -s build BIN="$tmp/bin/benchy" >&2 || fail "make build"
benchy="$tmp/bin/benchy"

node="$(hostname -s)"
# The node as slurmd sees it: CPUs, sockets, cores, threads, RealMemory.
hw="$(slurmd -C | head -n1 | sed 's/^NodeName=[^ ]* //')"
[[ $hw == *CPUs=* && $hw == *RealMemory=* ]] || fail "slurmd -C printed no hardware line: $hw"
ctld_port="$(free_port)"
slurmd_port="$(free_port)"
while [[ $slurmd_port == "$ctld_port" ]]; do slurmd_port="$(free_port)"; done
cat >"$conf" <<EOF
# One node, one CPU partition, no gres; every path in $tmp.
ClusterName=benchyci
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: sacct has no accounting storage to read. The job completion
# log (jobcomp/filetxt) is what sacct --completion reads instead.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$tmp/jobcomp.txt
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/backfill
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=cpu Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"

say "starting munged, slurmctld and slurmd ($node: $hw; ports $ctld_port, $slurmd_port)"
mungekey --create --keyfile="$tmp/munge-key/munge.key" || fail "mungekey"
munged --foreground --socket="$tmp/munge/munge.socket" --key-file="$tmp/munge-key/munge.key" \
	--pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge-key/munged.seed" \
	--log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
pids+=("$!")
for ((i = 0; i < 50; i++)); do
	[[ -S $tmp/munge/munge.socket ]] && break
	alive "${pids[0]}" || fail "munged exited"
	sleep 0.1
done
[[ -S $tmp/munge/munge.socket ]] || fail "munged made no socket in 5 s"
slurmctld -D -f "$conf" >"$tmp/log/slurmctld.out" 2>&1 &
pids+=("$!")
slurmd -D -N "$node" -f "$conf" >"$tmp/log/slurmd.out" 2>&1 &
pids+=("$!")
for ((i = 0; i < 300; i++)); do
	[[ $(sinfo -h -n "$node" -o %t 2>/dev/null) == idle ]] && break
	alive "${pids[1]}" || fail "slurmctld exited"
	alive "${pids[2]}" || fail "slurmd exited"
	sleep 0.1
done
[[ $(sinfo -h -n "$node" -o %t 2>/dev/null) == idle ]] || fail "node $node not idle after 30 s: $(sinfo 2>&1)"
say "cluster up after $((SECONDS - start)) s"

# wait_jobs SECONDS JOBID...: until no job of these is pending or running.
wait_jobs() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 5; i++)); do
		[[ -z $(squeue -h -j "$(
			IFS=,
			echo "$*"
		)" -o %i 2>/dev/null) ]] && return 0
		sleep 0.2
	done
	fail "jobs $* not done after $limit s: $(squeue 2>&1)"
}
# job_field JOB FIELD: a field of scontrol show job (the record stays for MinJobAge).
job_field() {
	scontrol -o show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1
}
# completion JOB: "STATE EXITCODE" of a finished job as sacct --completion reports it
# (by its own job id: the completion log's reader knows no array ids).
completion() {
	# 22.05's reader warns "Unknown type ArrayJobId" for each record on stderr.
	sacct --completion -n -X -j "$(job_field "$1" JobId)" -o State,ExitCode 2>/dev/null | awk 'NF { print $1, $2; exit }'
}
expect() {
	local got
	got="$(jq -r "$2" "$1")" || fail "$1: jq $2"
	[[ $got == "$3" ]] || fail "$1: $2 is $got, want $3"
}

# A suite whose runs fail in array task 1 only: a node that is broken.
cat >"$tmp/fails-on-task-1.benchy.hcl" <<'EOF'
benchy {
  required_version = ">= 0.1"
}

run {
  warmup     = 0
  min_blocks = 3
  max_blocks = 3
  iterations = 2
}

workload "true" {
  better = "lower"

  arm "baseline" {
    baseline = true
    exec {
      command = ["sh", "-c", "test \"$SLURM_ARRAY_TASK_ID\" != 1"]
      measure = "wall"
    }
  }

  arm "other" {
    exec {
      command = ["sh", "-c", "test \"$SLURM_ARRAY_TASK_ID\" != 1 && true"]
      measure = "wall"
    }
  }
}
EOF

cd "$tmp/submit"
export PATH="$tmp/bin:$PATH"
t=$SECONDS
say "submitting the array (quickstart, 3 tasks) and its merges"
# The knobs go in sbatch's environment, which the jobs get (--export=ALL).
a="$(BENCHY_ARGS="--min-blocks 4 --max-blocks 4" sbatch --parsable --partition=cpu --array=0-2 \
	"$repo/examples/fleet/slurm-array.sh" quickstart)" || fail "sbatch slurm-array.sh"
a="${a%%;*}"
ra="$tmp/submit/benchy-fleet/$a"
m_node="$(sbatch --parsable --partition=cpu --dependency=afterany:"$a" "$repo/examples/fleet/slurm-merge.sh" "$ra")" ||
	fail "sbatch slurm-merge.sh"
m_task="$(BENCHY_STRATA=task BENCHY_FLEET="$ra/fleet-tasks" sbatch --parsable --partition=cpu --dependency=afterany:"$a" \
	"$repo/examples/fleet/slurm-merge.sh" "$ra")" || fail "sbatch slurm-merge.sh (task strata)"
say "submitting an array whose task 1 fails, its merge, and a merge of both arrays (different suites)"
f="$(sbatch --parsable --partition=cpu --array=0-2 "$repo/examples/fleet/slurm-array.sh" "$tmp/fails-on-task-1.benchy.hcl")" ||
	fail "sbatch slurm-array.sh (failing task)"
f="${f%%;*}"
rf="$tmp/submit/benchy-fleet/$f"
m_fail="$(BENCHY_STRATA=task sbatch --parsable --partition=cpu --dependency=afterany:"$f" \
	"$repo/examples/fleet/slurm-merge.sh" "$rf")" || fail "sbatch slurm-merge.sh (failing task)"
m_mixed="$(BENCHY_FLEET="$tmp/submit/mixed" sbatch --parsable --partition=cpu --dependency=afterany:"$a":"$f" \
	"$repo/examples/fleet/slurm-merge.sh" "$ra" "$rf")" || fail "sbatch slurm-merge.sh (both arrays)"
wait_jobs 120 "$a" "$f" "$m_node" "$m_task" "$m_fail" "$m_mixed"
say "jobs done in $((SECONDS - t)) s"

for task in 0 1 2; do
	[[ $(completion "${a}_$task") == "COMPLETED 0:0" ]] ||
		fail "array task ${a}_$task: $(completion "${a}_$task"); $(cat "benchy-fleet-${a}_$task.out")"
done
[[ $(completion "$m_node") == "COMPLETED 0:0" ]] || fail "merge job $m_node: $(cat "benchy-fleet-merge-$m_node.out")"
[[ $(completion "$m_task") == "COMPLETED 0:0" ]] || fail "merge job $m_task: $(cat "benchy-fleet-merge-$m_task.out")"

# Node strata (the default): three runs, one host, nothing to pool.
expect "$ra/fleet.json" '.runs | length' 3
expect "$ra/fleet.json" '[.hosts[] | .name + ":" + (.runs | length | tostring)] | join(",")' "$node:3"
expect "$ra/fleet.json" '.instances[0].notes[0]' "one host: nothing to pool"
# Task strata: three runs, three strata, a pooled row with df 2.
expect "$ra/fleet-tasks.json" '.runs | length' 3
expect "$ra/fleet-tasks.json" '[.hosts[].name] | join(",")' "$node.0,$node.1,$node.2"
expect "$ra/fleet-tasks.json" '.instances[0].pooled[0].arm' slower
expect "$ra/fleet-tasks.json" '.instances[0].pooled[0].hosts' 3
expect "$ra/fleet-tasks.json" '.instances[0].pooled[0].rel.df' 2
expect "$ra/fleet-tasks.json" '.instances[0].pooled[0].rel.method' "logratio, delete-a-group jackknife by host"
grep -q '^| \*\*pooled over 3 hosts (df 2)\*\* |' "$ra/fleet-tasks.md" || fail "the task-strata merge printed no pooled row"
"$benchy" report "$ra/fleet-tasks.json" --format markdown >"$tmp/report.md" || fail "benchy report fleet-tasks.json"
cmp -s "$tmp/report.md" "$ra/fleet-tasks.md" || fail "benchy report fleet-tasks.json differs from the merge's report: $(diff "$ra/fleet-tasks.md" "$tmp/report.md")"
"$benchy" report "$ra/fleet.json" >/dev/null || fail "benchy report fleet.json"

# The failing task: FAILED with benchy's exit 1 in sacct; the merge reports the others.
for task in 0 2; do
	[[ $(completion "${f}_$task") == "COMPLETED 0:0" ]] || fail "array task ${f}_$task: $(completion "${f}_$task")"
done
[[ $(completion "${f}_1") == "FAILED 1:0" ]] ||
	fail "array task ${f}_1 is '$(completion "${f}_1")' in sacct --completion, want 'FAILED 1:0'"
[[ $(completion "$m_fail") == "COMPLETED 0:0" ]] || fail "merge job $m_fail: $(cat "benchy-fleet-merge-$m_fail.out")"
expect "$rf/fleet.json" '[.hosts[].name] | join(",")' "$node.0,$node.1,$node.2"
expect "$rf/fleet.json" \
	'[.instances[0].rows[] | .host + ":" + ([.cells[] | select(.baseline) | .status] | join("/"))] | join(",")' \
	"$node.0:ok,$node.1:failed,$node.2:ok"

# Both arrays at once: different suites, so no merge (exit 2), nothing written.
[[ $(completion "$m_mixed") == "FAILED 2:0" ]] ||
	fail "merge job $m_mixed of two suites is '$(completion "$m_mixed")', want 'FAILED 2:0'"
grep -q 'different suites' "benchy-fleet-merge-$m_mixed.out" ||
	fail "merge of two suites: $(cat "benchy-fleet-merge-$m_mixed.out")"
[[ ! -e $tmp/submit/mixed.json && ! -e $tmp/submit/mixed.md ]] || fail "the refused merge wrote mixed.json or mixed.md"

cat "$ra/fleet-tasks.md"
say "ok in $((SECONDS - start)) s (cluster, 6 array tasks, 4 merges, checks)"
