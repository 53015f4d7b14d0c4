#!/usr/bin/env bash
# gobench-aa.sh: calibrate `benchy gobench` on a standard-library benchmark.
#
# Copies the sort package's benchmarks (sort_slices_benchmark_test.go) from
# GOROOT into a fresh git repository, then runs, for seeds 1..SEEDS:
#   A/A:      `benchy gobench --base HEAD` on the clean tree (both arms the
#             same code), where at most 5% of runs should be significant;
#   slowdown: the same with the working tree's N raised from 100,000 to
#             110,000, which makes BenchmarkSortIsSorted do 10% more work,
#             and which should be detected as a regression nearly every time.
# Each run's results are also given to benchstat (-col /arm), so that its
# verdict stands beside benchy's on the same data. Prints one line per run
# and a summary, with the CPU model and the load average.
#
# usage: scripts/gobench-aa.sh [SEEDS] [BLOCKS] [BENCHTIME]   (default 20 10 50x)
# needs: go, git, benchstat (go install golang.org/x/perf/cmd/benchstat@latest)
set -euo pipefail

seeds=${1:-20}
blocks=${2:-10}
benchtime=${3:-50x}
bench='^BenchmarkSortIsSorted$'

root=$(cd "$(dirname "$0")/.." && pwd)
benchy=${BENCHY:-$root/bin/benchy}
[ -x "$benchy" ] || (cd "$root" && go build -o bin/benchy ./cmd/benchy)
benchstat=${BENCHSTAT:-$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")}
[ -x "$benchstat" ] || { echo "gobench-aa: benchstat not found (go install golang.org/x/perf/cmd/benchstat@latest)" >&2; exit 3; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo"
cp "$(go env GOROOT)/src/sort/sort_slices_benchmark_test.go" "$repo/"
printf 'module example.com/stdsort\n\ngo 1.22\n' >"$repo/go.mod"
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c user.name=benchy -c user.email=benchy@example.invalid commit -qm base

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') ($(nproc) CPUs)"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "benchmark $bench, benchtime $benchtime, $blocks blocks, seeds 1..$seeds"

# one KIND SEED: one run; prints benchy's change, CI and verdict, then
# benchstat's.
one() {
	local kind=$1 seed=$2 out=$work/$1-$2
	(cd "$repo" && "$benchy" gobench --base HEAD --bench "$bench" --benchtime "$benchtime" \
		--blocks "$blocks" --seed "$seed" --out "$out" --format json . >"$out.json" 2>"$out.log") || true
	"$benchy" report "$out/gobench/results.json" --format benchfmt >"$out.txt"
	local bs
	bs=$("$benchstat" -col /arm "$out.txt" | awk '/SortIsSorted/ && /±/ {print; exit}')
	python3 - "$out.json" "$bs" "$kind" "$seed" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
r = rows[0]
bs = sys.argv[2].split()
# benchstat's row: name base ±x% head ±y% change (p=... n=...) or "~"
vs = "~" if "~" in bs else next((w for w in bs if w.endswith("%") and w[0] in "+-"), "?")
p = next((w for w in bs if w.startswith("(p=")), "")
sig = r["ci_lo"] > 0 or r["ci_hi"] < 0
print(f'{sys.argv[3]} seed {sys.argv[4]:>2}: benchy {100*r["change"]:+.2f}% [{100*r["ci_lo"]:+.2f}%, {100*r["ci_hi"]:+.2f}%] {"significant" if sig else "n.s."} | benchstat {vs} {p} {"significant" if vs not in ("~", "?") else "n.s."}')
EOF
}

for s in $(seq 1 "$seeds"); do one aa "$s"; done | tee "$work/aa.txt"
sed -i 's/^const N = 100_000$/const N = 110_000/' "$repo/sort_slices_benchmark_test.go"
grep -q '^const N = 110_000$' "$repo/sort_slices_benchmark_test.go"
for s in $(seq 1 "$seeds"); do one slow "$s"; done | tee "$work/slow.txt"

echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for k in aa slow; do
	echo "$k: benchy significant in $(grep -c 'benchy [^|]* significant' "$work/$k.txt" || true) of $seeds; benchstat significant in $(grep -c 'benchstat [^|]* significant' "$work/$k.txt" || true) of $seeds"
done
