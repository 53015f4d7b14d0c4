#!/usr/bin/env bash
# Composite action step: `benchy run` with the action's inputs, the report
# into the job summary, and the optional regression gate. Outputs: out (the
# run directory), results, report, html (in its one suite folder,
# OUT/SUITE/), exit-code. Exits with benchy run's code, or 1 when the gate
# finds a significant regression. The out directory is the action's own:
# it runs with --force, replacing benchy's files from an earlier job in the
# same workspace (and nothing else there).
set -euo pipefail

benchy="${BENCHY:?the build step did not run}"
suite="${INPUT_SUITE:?the suite input is required}"
out="${INPUT_OUT:-benchy-out}"

echo "out=$out" >>"$GITHUB_OUTPUT"

args=(run "$suite" --out "$out" --force --format text --color never)
while IFS= read -r line; do
	line="${line#"${line%%[![:space:]]*}"}" # trim leading space
	line="${line%"${line##*[![:space:]]}"}" # trim trailing space
	[[ -z $line || $line == \#* ]] && continue
	args+=(--var "$line")
done <<<"${INPUT_VARS:-}"
if [[ -n ${INPUT_BASE_REF:-} ]]; then
	if [[ -z ${INPUT_BUILD:-} ]]; then
		echo "::error title=benchy::base-ref needs the build input (a command that writes the program to \$BENCHY_BUILD_OUT)"
		exit 2
	fi
	args+=(--arm-from-git "$INPUT_BASE_REF" --git-build "$INPUT_BUILD")
fi
extra=()
read -r -a extra <<<"${INPUT_ARGS:-}"
args+=("${extra[@]}")

echo "benchy action: benchy ${args[*]}" >&2
code=0
"$benchy" "${args[@]}" || code=$?
echo "exit-code=$code" >>"$GITHUB_OUTPUT"

# The suite's folder in the run directory: OUT/SUITE/.
dir=""
for d in "$out"/*/; do
	if [[ -f ${d}results.json || -f ${d}journal.jsonl ]]; then
		dir="${d%/}"
	fi
done
if [[ -n $dir ]]; then
	{
		echo "results=$dir/results.json"
		echo "report=$dir/report.md"
		echo "html=$dir/report.html"
	} >>"$GITHUB_OUTPUT"
fi

if [[ ${INPUT_SUMMARY:-true} == "true" && -n $dir && -f $dir/report.md ]]; then
	# report.md is capped at GitHub's 1 MiB summary limit by benchy itself.
	cat "$dir/report.md" >>"$GITHUB_STEP_SUMMARY"
fi

if ((code != 0)); then
	echo "::error title=benchy::benchy run exited $code"
	exit "$code"
fi

if [[ -n ${INPUT_COMPARE_THRESHOLD:-} ]]; then
	gate=0
	"$benchy" compare "$dir/results.json" --threshold "$INPUT_COMPARE_THRESHOLD" --format markdown >"$out/compare.md" || gate=$?
	cat "$out/compare.md"
	if [[ ${INPUT_SUMMARY:-true} == "true" ]]; then
		cat "$out/compare.md" >>"$GITHUB_STEP_SUMMARY"
	fi
	if ((gate != 0)); then
		echo "::error title=benchy compare::a significant regression beyond $INPUT_COMPARE_THRESHOLD (exit $gate)"
		exit "$gate"
	fi
fi
