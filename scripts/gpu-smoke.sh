#!/usr/bin/env bash
# The device check: what CI cannot test, run on a machine with an NVIDIA GPU.
# Build here first (`make build`), then run this there with bin/ and .cache/
# carried along. It prints, and leaves under OUT (default $OUT or out/gpu-smoke):
#   1. NVML detection and the inventory (`benchy env --format json`, `benchy doctor`);
#   2. a short suite whose blocks record GPU telemetry (clocks, temperature,
#      power, throttling, energy per iteration): gaussrank at 1e6 and 1e7 rows,
#      NumPy vs Go vs CuPy, with the CuPy/NumPy and CuPy/Go ratios;
#   3. the ONNX Runtime providers and examples/onnx/gpu-smoke.sh (a CUDA and a
#      TensorRT arm beside a CPU arm, or their skip reasons).
# Each step runs even when an earlier one fails; the exit code is the worst.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-${OUT:-$root/out/gpu-smoke}}"
benchy="${BENCHY:-$root/bin/benchy}"
mkdir -p "$out"
rc=0
step() { echo; echo "== gpu-smoke: $*"; }

step "nvidia-smi"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv 2>&1 || echo "no nvidia-smi"

step "benchy env / doctor"
"$benchy" env | tee "$out/env.txt" || rc=1
"$benchy" env --format json >"$out/env.json" || rc=1
"$benchy" doctor | tee "$out/doctor.txt"

step "gaussrank 1e6 and 1e7: numpy vs go vs cupy, with telemetry"
python3 -c 'import cupy; print("cupy", cupy.__version__, cupy.cuda.runtime.getDeviceCount(), "device(s)")' 2>&1 || echo "cupy not importable"
"$benchy" run gaussrank --var max_rows=10000000 --var python="$(command -v python3)" \
	--min-blocks 5 --max-blocks 8 --out "$out/gaussrank" --force --format text | tee "$out/gaussrank.txt" || rc=1
python3 - "$out/gaussrank/gaussrank/results.json" <<'PY' || rc=1
import json, math, sys
doc = json.load(open(sys.argv[1]))
for w in doc["workloads"]:
    if not any(s in w["name"] for s in ("rows=1000000", "rows=10000000")):
        continue
    med = {}
    for a in w["arms"]:
        vals = sorted(sum(r["ns"]) / len(r["ns"]) for b in w["blocks"] if not b["warmup"] for r in b["runs"] if r["arm"] == a["name"] and r.get("ns"))
        if vals:
            med[a["name"]] = vals[len(vals) // 2]
        tele = [r.get("telemetry") for b in w["blocks"] for r in b["runs"] if r["arm"] == a["name"] and r.get("telemetry")]
        print(f'{w["name"]} {a["name"]}: {a["status"]} {a.get("reason", "")} telemetry samples: {len(tele)}')
        if tele:
            print("   last telemetry:", json.dumps(tele[-1])[:400])
    for x, y in (("cupy", "numpy"), ("cupy", "go")):
        if x in med and y in med:
            print(f'{w["name"]}: {y}/{x} = {med[y] / med[x]:.1f}x ({x} is that many times faster)')
PY

step "ONNX Runtime providers and the CUDA/TensorRT arms"
BENCHY="$benchy" "$root/examples/onnx/gpu-smoke.sh" "$out/onnx" || rc=1

echo
echo "gpu-smoke: exit $rc"
exit "$rc"
