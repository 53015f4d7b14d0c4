#!/usr/bin/env bash
# Fleet recipe: one benchy run per array task on a Slurm cluster; merge with
# slurm-merge.sh once every task has finished. docs/fleet.md walks through it.
# On a GPU partition (one GPU per task):
#
#   jid=$(sbatch --parsable --gres=gpu:1 examples/fleet/slurm-array.sh bodyposenet)
#   sbatch --dependency=afterany:"${jid%%;*}" examples/fleet/slurm-merge.sh "$PWD/benchy-fleet/${jid%%;*}"
#
# On a CPU partition, leave the GPU request out and name the partition:
#
#   jid=$(sbatch --parsable --partition=cpu --array=0-2 examples/fleet/slurm-array.sh quickstart)
#
# The GPU request is not in the script: a cluster without a GPU gres refuses
# --gres=gpu:1 at submit time ("Invalid generic resource (gres)
# specification"). Give it on the command line or as Slurm's own input
# variable, SBATCH_GRES=gpu:1, which also sets CUDA_VISIBLE_DEVICES in the
# task. --exclusive gives each task a whole node, so no other job shares the
# machine while it is measured. Each task writes its own run directory,
# NODE.TASK; slurm-merge.sh makes the node the stratum (two tasks on one
# node are one stratum) or, with BENCHY_STRATA=task, each task.
# Environment: BENCHY (the benchy binary, default: benchy on PATH),
# BENCHY_ARGS (extra arguments for benchy run, split on whitespace),
# BENCHY_RESULTS (default: $SLURM_SUBMIT_DIR/benchy-fleet/$SLURM_ARRAY_JOB_ID).
#
#SBATCH --job-name=benchy-fleet
#SBATCH --array=0-3
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --exclusive
#SBATCH --time=02:00:00
#SBATCH --output=benchy-fleet-%A_%a.out
set -euo pipefail

suite="${1:-${SUITE:-bodyposenet}}"
benchy="${BENCHY:-benchy}"
results="${BENCHY_RESULTS:-${SLURM_SUBMIT_DIR:-$PWD}/benchy-fleet/${SLURM_ARRAY_JOB_ID:-local}}"
out="$results/$(hostname -s).${SLURM_ARRAY_TASK_ID:-0}"
extra=()
read -r -a extra <<<"${BENCHY_ARGS:-}"

mkdir -p "$out"
echo "benchy fleet: task ${SLURM_ARRAY_TASK_ID:-0} on $(hostname -s), GPUs allocated: ${SLURM_JOB_GPUS:-none}, results in $out/SUITE/" >&2
"$benchy" doctor
# $out is this task's own run directory: --force lets a requeued task
# replace what its first attempt left (benchy's files only).
exec "$benchy" run "$suite" --out "$out" --force --format text --color never "${extra[@]}"
