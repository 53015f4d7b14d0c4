#!/usr/bin/env bash
# Times the same ~10 ms command with benchy (measure = "wall") and with
# hyperfine, side by side: ROUNDS rounds, each running both tools once in a
# freshly shuffled order (so that drift and order effects hit both alike),
# then `benchy analyze` gives benchy's difference from hyperfine with a
# jackknife CI over the rounds. Usage: scripts/compare-hyperfine.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install -y hyperfine)" >&2; exit 3; }
go build -o bin/benchy ./cmd/benchy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run_hyperfine() {
	hyperfine --style none -N --warmup 10 --runs 100 --export-json "$tmp/h$1.json" 'sleep 0.01' >/dev/null 2>&1
}
run_benchy() {
	./bin/benchy run examples/hyperfine/sleep.benchy.hcl --seed "$1" --out "$tmp/b$1" --format json >"$tmp/b$1.json" 2>/dev/null
}
for i in $(seq 1 "$rounds"); do
	if ((RANDOM % 2)); then run_hyperfine "$i"; run_benchy "$i"; else run_benchy "$i"; run_hyperfine "$i"; fi
done
python3 - "$tmp" "$rounds" >"$tmp/rounds.csv" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
print("block,arm,value")
for i in range(1, rounds + 1):
    h = statistics.median(json.load(open(f"{tmp}/h{i}.json"))["results"][0]["times"]) * 1e3
    b = json.load(open(f"{tmp}/b{i}.json"))["workloads"][0]["arms"][0]["summary"]["median"] / 1e6
    print(f"{i},hyperfine,{h:.4f}")
    print(f"{i},benchy,{b:.4f}")
    print(f"round {i}: hyperfine median {h:.3f} ms   benchy median {b:.3f} ms", file=sys.stderr)
PY
./bin/benchy analyze "$tmp/rounds.csv" --baseline hyperfine
