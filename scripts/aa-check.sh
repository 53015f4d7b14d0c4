#!/usr/bin/env bash
# A/A check: runs examples/aa/aa.benchy.hcl (the same command as both arms)
# with seeds 1..N and counts the runs whose CI excludes 0. At 95% confidence
# a correct harness on a quiet machine flags about 5% of runs.
# Usage: scripts/aa-check.sh [N]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
go build -o bin/benchy ./cmd/benchy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flagged=0
for seed in $(seq 1 "$n"); do
	./bin/benchy run examples/aa/aa.benchy.hcl --seed "$seed" --out "$tmp/$seed" --format json >"$tmp/$seed.json" 2>/dev/null
	line=$(python3 - "$tmp/$seed.json" <<'PY'
import json, sys
a = [x for x in json.load(open(sys.argv[1]))["workloads"][0]["arms"] if not x["baseline"]][0]
r = a["relative"]
print(f'{int(r["significant"])} {100*r["estimate"]:+.2f}% [{100*r["ci_lo"]:+.2f}%, {100*r["ci_hi"]:+.2f}%]')
PY
)
	sig=${line%% *}
	flagged=$((flagged + sig))
	echo "seed $seed: ${line#* }$([[ $sig == 1 ]] && echo '  <- significant')"
done
echo "A/A: $flagged of $n runs flagged a difference (expected about 5%)"
