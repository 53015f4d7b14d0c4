#!/usr/bin/env bash
# Runs the fleet recipes' own commands on this machine, with real runs of the
# quickstart suite standing in for GPU hosts, and checks the merged results:
#
#   - Slurm: slurm-array.sh as array tasks 0-2 (all on this host, so one
#     stratum), then slurm-merge.sh; then again with the host field of each
#     result rewritten to node-N in the copies, to simulate three nodes;
#   - Kubernetes: the pod scripts of k8s-indexed-job.yaml (indexes 0-2 on
#     simulated nodes a, a, b) and k8s-merge-job.yaml, run with sh;
#   - GitHub Actions: the merge step of github-matrix.yml on an artifact
#     layout as actions/download-artifact leaves it.
#
# No scheduler, cluster or runner is involved: this checks the scripts and
# the merge, not sbatch, kubectl or GitHub. Needs bash, sh, jq, python3 with
# PyYAML, and shellcheck. Usage: examples/fleet/check-recipes.sh [BENCHY]
set -euo pipefail
cd "$(dirname "$0")/../.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if (($# > 0)); then
	benchy="$(realpath "$1")"
else
	go build -o "$tmp/benchy" ./cmd/benchy
	benchy="$tmp/benchy"
fi
mkdir -p "$tmp/bin"
ln -s "$benchy" "$tmp/bin/benchy"
export PATH="$tmp/bin:$PATH" BENCHY="$benchy" BENCHY_ARGS="--min-blocks 4 --max-blocks 4"

fail() {
	echo "check-recipes: FAIL: $*" >&2
	exit 1
}
# expect FLEET_JSON JQ_FILTER WANT
expect() {
	local got
	got="$(jq -r "$2" "$1")"
	[[ $got == "$3" ]] || fail "$1: $2 is $got, want $3"
}
# yaml_get FILE PYTHON_EXPR: prints the value at the expression, where d is
# the list of YAML documents in FILE.
yaml_get() {
	python3 -c 'import sys, yaml; d = list(yaml.safe_load_all(open(sys.argv[1]))); print(eval(sys.argv[2]))' "$1" "$2"
}

echo "== Slurm" >&2
slurm="$tmp/slurm"
for task in 0 1 2; do
	SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=$task SLURM_SUBMIT_DIR="$slurm" \
		bash examples/fleet/slurm-array.sh quickstart >/dev/null 2>&1 || fail "slurm-array.sh task $task"
done
results="$slurm/benchy-fleet/77"
bash examples/fleet/slurm-merge.sh "$results" >/dev/null 2>"$tmp/err" || fail "slurm-merge.sh: $(cat "$tmp/err")"
expect "$results/fleet.json" '.hosts | length' 1
expect "$results/fleet.json" '.runs | length' 3
expect "$results/fleet.json" '.instances[0].notes[0]' "one host: nothing to pool"
# Simulate three nodes: rewrite the host field in copies of the results.
nodes="$tmp/slurm-nodes"
i=0
for dir in "$results"/*/; do
	mkdir -p "$nodes/n$i/quickstart"
	jq --arg h "node-$i" '.environment.host = $h' "$dir/quickstart/results.json" >"$nodes/n$i/quickstart/results.json"
	i=$((i + 1))
done
bash examples/fleet/slurm-merge.sh "$nodes" >"$tmp/slurm.md" 2>"$tmp/err" || fail "slurm-merge.sh: $(cat "$tmp/err")"
expect "$nodes/fleet.json" '[.hosts[].name] | join(",")' "node-0,node-1,node-2"
expect "$nodes/fleet.json" '.instances[0].pooled[0].rel.df' 2
expect "$nodes/fleet.json" '.instances[0].pooled[0].rel.method' "logratio, delete-a-group jackknife by host"
grep -q '^| \*\*pooled over 3 hosts (df 2)\*\* |' "$tmp/slurm.md" || fail "slurm-merge.sh printed no pooled row"

echo "== Kubernetes" >&2
job=examples/fleet/k8s-indexed-job.yaml
merge=examples/fleet/k8s-merge-job.yaml
yaml_get "$job" '[x for x in d if x["kind"] == "Job"][0]["spec"]["template"]["spec"]["containers"][0]["command"][2]' >"$tmp/pod.sh"
yaml_get "$merge" 'd[0]["spec"]["template"]["spec"]["containers"][0]["command"][2]' >"$tmp/merge.sh"
[[ $(yaml_get "$job" '[x for x in d if x["kind"] == "Job"][0]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"]') == 1 ]] ||
	fail "the indexed job does not ask for nvidia.com/gpu: 1"
[[ $(yaml_get "$job" '[x for x in d if x["kind"] == "Job"][0]["spec"]["completionMode"]') == Indexed ]] || fail "not an Indexed Job"
shellcheck --shell=sh "$tmp/pod.sh" "$tmp/merge.sh" || fail "shellcheck on the pod scripts"
k8s="$tmp/k8s"
for pod in 0:gpu-node-a 1:gpu-node-a 2:gpu-node-b; do
	RESULTS="$k8s" SUITE=quickstart JOB_COMPLETION_INDEX="${pod%%:*}" NODE_NAME="${pod#*:}" \
		sh "$tmp/pod.sh" >/dev/null 2>&1 || fail "pod script, index ${pod%%:*}"
done
RESULTS="$k8s" sh "$tmp/merge.sh" >/dev/null 2>"$tmp/err" || fail "merge job script: $(cat "$tmp/err")"
expect "$k8s/fleet.json" '[.hosts[] | .name + ":" + (.runs | length | tostring)] | join(",")' "gpu-node-a:2,gpu-node-b:1"
expect "$k8s/fleet.json" '.instances[0].pooled[0].rel.units' 2
[[ -s $k8s/fleet.md ]] || fail "no fleet.md"

echo "== GitHub Actions matrix" >&2
wf=examples/fleet/github-matrix.yml
yaml_get "$wf" '[s for s in d[0]["jobs"]["merge"]["steps"] if s.get("name") == "benchy merge"][0]["run"]' >"$tmp/gh-merge.sh"
gh="$tmp/gh"
tag=123-1
# Each artifact is a run directory: the suite's folder with its results.
for m in a100 h100 jetson; do
	mkdir -p "$gh/fleet/fleet-$m-$tag/quickstart"
done
cp "$nodes/n0/quickstart/results.json" "$gh/fleet/fleet-a100-$tag/quickstart/"
cp "$nodes/n1/quickstart/results.json" "$gh/fleet/fleet-h100-$tag/quickstart/"
cp "$nodes/n2/quickstart/results.json" "$gh/fleet/fleet-jetson-$tag/quickstart/"
mkdir -p "$gh/runner"
cp "$benchy" "$gh/runner/benchy"
(cd "$gh" && RUN_TAG=$tag RUNNER_TEMP="$gh/runner" GITHUB_STEP_SUMMARY="$gh/summary.md" \
	bash --noprofile --norc -eo pipefail "$tmp/gh-merge.sh" >/dev/null 2>"$tmp/err") || fail "merge step: $(cat "$tmp/err")"
expect "$gh/fleet.json" '[.hosts[].name] | join(",")' "a100,h100,jetson"
grep -q '^| jetson |' "$gh/summary.md" || fail "the job summary has no jetson row"

echo "check-recipes: ok (Slurm, Kubernetes and GitHub Actions merge steps)" >&2
