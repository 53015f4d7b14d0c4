#!/usr/bin/env bash
# Times the same ~10 ms command with benchy (measure = "wall") and with
# hyperfine, alternating the two tools ROUNDS times so that machine drift
# hits both, and prints each tool's median per round and the ratio of the
# medians of medians. Usage: scripts/compare-hyperfine.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install -y hyperfine)" >&2; exit 3; }
go build -o bin/benchy ./cmd/benchy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$rounds"); do
  hyperfine --style none -N --warmup 10 --runs 100 --export-json "$tmp/h$i.json" 'sleep 0.01' >/dev/null
  ./bin/benchy run examples/hyperfine/sleep.benchy.hcl --seed "$i" --out "$tmp/b$i" --format json >"$tmp/b$i.json" 2>/dev/null
done
python3 - "$tmp" "$rounds" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
h, b = [], []
for i in range(1, rounds + 1):
    h.append(statistics.median(json.load(open(f"{tmp}/h{i}.json"))["results"][0]["times"]) * 1e3)
    b.append(json.load(open(f"{tmp}/b{i}.json"))["workloads"][0]["arms"][0]["summary"]["median"] / 1e6)
    print(f"round {i}: hyperfine median {h[-1]:.3f} ms   benchy median {b[-1]:.3f} ms")
mh, mb = statistics.median(h), statistics.median(b)
print(f"median of medians: hyperfine {mh:.3f} ms, benchy {mb:.3f} ms, benchy/hyperfine = {mb/mh:.4f} ({100*(mb/mh-1):+.2f}%)")
PY
