#!/usr/bin/env bash
# Fleet recipe, second step: merge the results the tasks of slurm-array.sh
# wrote (submit it with --dependency=afterany:JOBID, see slurm-array.sh).
# Writes RESULTS_DIR/fleet.json and RESULTS_DIR/fleet.md, and prints the
# report.
#
#   slurm-merge.sh RESULTS_DIR
#
#SBATCH --job-name=benchy-fleet-merge
#SBATCH --ntasks=1
#SBATCH --time=00:10:00
#SBATCH --output=benchy-fleet-merge-%j.out
set -euo pipefail

if (($# != 1)); then
	echo "usage: $0 RESULTS_DIR" >&2
	exit 2
fi
results="$1"
benchy="${BENCHY:-benchy}"

runs=()
# Each task's run directory holds its suite's folder: TASK/SUITE/results.json.
for dir in "$results"/*/; do
	if compgen -G "${dir}*/results.json" >/dev/null; then runs+=("${dir%/}"); fi
done
if ((${#runs[@]} == 0)); then
	echo "slurm-merge: no results under $results" >&2
	exit 1
fi
# Each run is labelled with the host recorded in its results.json: the node.
"$benchy" merge "${runs[@]}" -o "$results/fleet.json" --format markdown >"$results/fleet.md"
cat "$results/fleet.md"
