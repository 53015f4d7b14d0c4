#!/usr/bin/env bash
# Times the same command with benchy and with hyperfine -N, side by side:
# ROUNDS rounds, each running both tools once in a freshly shuffled order (so
# that drift and order effects hit both alike), then `benchy analyze` gives
# benchy's median's difference from hyperfine's with a jackknife CI over the
# rounds.
#
#   scripts/compare-hyperfine.sh [ROUNDS]                 benchy run of examples/hyperfine/sleep.benchy.hcl
#   scripts/compare-hyperfine.sh ROUNDS exec [COMMAND...] benchy exec COMMAND, one comparison per command
#
# Without a COMMAND, exec compares `sleep 0.01` and a ~2 ms command, `sort -n`
# of a 2,000-line file the script writes. The load average is printed
# before and after each comparison: on a shared machine, say so beside the
# figures.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
mode=${2:-run}
shift $(($# > 2 ? 2 : $#))
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install -y hyperfine)" >&2; exit 3; }
go build -o bin/benchy ./cmd/benchy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $mode in
run) commands=("sleep 0.01") ;;
exec)
	python3 -c 'import random; r = random.Random(1); print("\n".join(str(r.randrange(10**9)) for _ in range(2000)))' >"$tmp/nums.txt"
	if (($# > 0)); then commands=("$@"); else commands=("sleep 0.01" "sort -n $tmp/nums.txt"); fi
	;;
*) echo "usage: $0 [ROUNDS] [run | exec [COMMAND...]]" >&2; exit 2 ;;
esac

run_hyperfine() { # ROUND COMMAND
	hyperfine --style none -N --warmup 10 --runs 100 --export-json "$out/h$1.json" "$2" >/dev/null 2>&1
}
run_benchy() { # ROUND COMMAND
	if [[ $mode == run ]]; then
		./bin/benchy run examples/hyperfine/sleep.benchy.hcl --seed "$1" --out "$out/b$1" --format json >"$out/b$1.json" 2>/dev/null
	else
		./bin/benchy exec "$2" --blocks 10 --seed "$1" --out "$out/b$1" --format json >"$out/b$1.json" 2>/dev/null
	fi
}
k=0
for cmd in "${commands[@]}"; do
	k=$((k + 1))
	out=$tmp/c$k # each comparison's own run directories
	mkdir "$out"
	echo "== benchy $mode vs hyperfine -N: $cmd ($rounds rounds; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
	for i in $(seq 1 "$rounds"); do
		if ((RANDOM % 2)); then run_hyperfine "$i" "$cmd"; run_benchy "$i" "$cmd"; else run_benchy "$i" "$cmd"; run_hyperfine "$i" "$cmd"; fi
	done
	python3 - "$out" "$rounds" >"$out/rounds.csv" <<'PY'
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
	./bin/benchy analyze "$out/rounds.csv" --baseline hyperfine
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
