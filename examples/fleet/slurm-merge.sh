#!/usr/bin/env bash
# Fleet recipe, second step: merge the results the tasks of slurm-array.sh
# wrote (submit it with --dependency=afterany:JOBID, see slurm-array.sh).
# Writes FLEET.json and FLEET.md (default RESULTS_DIR/fleet.json and
# RESULTS_DIR/fleet.md, for the first RESULTS_DIR), and prints the report.
#
#   slurm-merge.sh RESULTS_DIR...
#
# Each RESULTS_DIR is one array's benchy-fleet/JOBID. The stratum of the
# merge (BENCHY_STRATA):
#   node  (default) each run is labelled with the host recorded in its
#         results, the node: tasks that ran on one node are one stratum, and
#         the pooled interval answers "what would another node show?";
#   task  each run is its own stratum, labelled NODE.TASK (JOBID/NODE.TASK
#         when several RESULTS_DIRs are given): the pooled interval answers
#         "what would another run show?", which is right for repeated runs on
#         one node, or when every task has a node of its own.
# Environment: BENCHY (the benchy binary, default: benchy on PATH),
# BENCHY_STRATA, BENCHY_FLEET (the output path without .json/.md).
#
#SBATCH --job-name=benchy-fleet-merge
#SBATCH --ntasks=1
#SBATCH --time=00:10:00
#SBATCH --output=benchy-fleet-merge-%j.out
set -euo pipefail

if (($# < 1)); then
	echo "usage: $0 RESULTS_DIR..." >&2
	exit 2
fi
benchy="${BENCHY:-benchy}"
strata="${BENCHY_STRATA:-node}"
fleet="${BENCHY_FLEET:-$1/fleet}"
case "$strata" in
node | task) ;;
*)
	echo "slurm-merge: BENCHY_STRATA is $strata, want node or task" >&2
	exit 2
	;;
esac

runs=()
for results in "$@"; do
	# Each task's run directory holds its suite's folder: NODE.TASK/SUITE/results.json.
	for dir in "$results"/*/; do
		dir="${dir%/}"
		compgen -G "$dir/*/results.json" >/dev/null || continue
		if [[ $strata == node ]]; then
			runs+=("$dir")
		elif (($# > 1)); then
			runs+=("$(basename "$results")/$(basename "$dir")=$dir")
		else
			runs+=("$(basename "$dir")=$dir")
		fi
	done
done
if ((${#runs[@]} == 0)); then
	echo "slurm-merge: no results under $*" >&2
	exit 1
fi
# The report goes to FLEET.md only when the merge succeeds; benchy merge
# itself writes FLEET.json only then, and exits 2 for different suites.
status=0
"$benchy" merge "${runs[@]}" -o "$fleet.json" --format markdown >"$fleet.md.part" || status=$?
if ((status != 0)); then
	rm -f "$fleet.md.part"
	exit "$status"
fi
mv "$fleet.md.part" "$fleet.md"
cat "$fleet.md"
