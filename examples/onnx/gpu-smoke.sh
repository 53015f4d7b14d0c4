#!/usr/bin/env bash
# Checks the onnx runner on whatever GPU this machine has: prints what
# `benchy env` says about ONNX Runtime's providers, runs gpu-smoke.benchy.hcl
# (CPU, CUDA and TensorRT arms), and checks that every GPU arm either ran
# with its nodes on the GPU or was skipped with a stated reason, and that the
# CPU arm ran. Exit 0 when so; 1 otherwise. Usage:
#   examples/onnx/gpu-smoke.sh [OUTDIR]      (default out/onnx-gpu-smoke)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/out/onnx-gpu-smoke}"
benchy="${BENCHY:-$root/bin/benchy}"
if [ ! -x "$benchy" ]; then
	(cd "$root" && go build -o bin/benchy ./cmd/benchy)
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "gpu-smoke: no nvidia-smi"
"$benchy" env --format json >"$out.env.json" 2>/dev/null || true
mkdir -p "$out"
mv "$out.env.json" "$out/env.json"
python3 - "$out/env.json" <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
ort = (inv.get("extra") or {}).get("onnxruntime", {})
print("gpu-smoke: ONNX Runtime", ort.get("version", "-"), "from", ort.get("library", ort.get("reason", "-")))
for p in ort.get("providers", []):
    print("gpu-smoke:   %-9s %s" % (p["name"], "available" if p["available"] else "unavailable: " + p.get("reason", "")))
PY
rc=0
"$benchy" run "$root/examples/onnx/gpu-smoke.benchy.hcl" --out "$out" --force || rc=$?
echo "gpu-smoke: benchy run exited $rc"
python3 - "$out/gpu-smoke/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = 0
for w in doc["workloads"]:
    for a in w["arms"]:
        st, info, why = a.get("status"), a.get("info") or {}, a.get("reason", "")
        used = info.get("providers_used", [])
        print("gpu-smoke: %-9s %-8s %s" % (a["name"], st, why or ", ".join(used)))
        if a["name"] == "cpu":
            bad += st != "ok"
        elif st == "ok":
            want = {"cuda": "CUDAExecutionProvider", "tensorrt": "TensorrtExecutionProvider"}[a["name"]]
            bad += want not in used
        else:
            bad += not (st == "skipped" and why)
print("gpu-smoke:", "OK" if bad == 0 else "FAILED (%d arm(s) neither ran right nor were skipped with a reason)" % bad)
sys.exit(1 if bad else 0)
PY
