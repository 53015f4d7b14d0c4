#!/usr/bin/env bash
# Checks the Kubernetes manifests of examples/fleet/ with kubectl, offline
# (no cluster): every document must decode into kubectl's typed API objects
# (a registered apiVersion and kind, every field of the right type), and a
# Job must come back from kubectl's typed encoding with every field it had,
# so a misspelt or unknown field, which the typed decoding drops, fails it.
# A Job with a misspelt field is checked too, and must fail. `kubectl apply
# --dry-run=client` is not run: it needs an API server to look up the
# resource and the live object. docs/fleet.md says what is and is not
# verified. Skips when kubectl, python3 or PyYAML is missing.
# Usage: scripts/test-k8s-manifests.sh [MANIFEST...]
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test-k8s-manifests: $*" >&2; }
command -v kubectl >/dev/null || {
	say "SKIP: kubectl is not installed"
	exit 0
}
python3 -c 'import yaml' 2>/dev/null || {
	say "SKIP: python3 with PyYAML is not installed"
	exit 0
}
# The Indexed Job (completionMode) is in the API types from Kubernetes 1.21
# and GA in 1.24: an older kubectl (Debian 12's kubernetes-client is 1.20)
# drops the field, so its types cannot check the manifest.
minor="$(kubectl version --client -o json 2>/dev/null |
	python3 -c 'import json, sys; print(int(json.load(sys.stdin)["clientVersion"]["minor"].rstrip("+")))' 2>/dev/null || echo 0)"
if ((minor < 24)); then
	say "SKIP: kubectl 1.$minor predates Indexed Jobs (Kubernetes 1.24); the manifests need a kubectl of 1.24 or later"
	exit 0
fi
if (($# == 0)); then
	set -- examples/fleet/k8s-*.yaml
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# split MANIFEST: one JSON file per document in $tmp/docs, named N.KIND.json.
split() {
	rm -rf "$tmp/docs"
	mkdir "$tmp/docs"
	python3 - "$1" "$tmp/docs" <<'PY'
import json, sys, yaml
for i, d in enumerate(x for x in yaml.safe_load_all(open(sys.argv[1])) if x is not None):
    json.dump(d, open(f"{sys.argv[2]}/{i}.{d.get('kind', 'none')}.json", "w"))
PY
}

# lost SOURCE.json TYPED.json: prints the fields of SOURCE that TYPED lacks
# or changed (besides the variable the check added) and fails if any.
lost() {
	python3 - "$1" "$2" <<'PY'
import json, sys
src, out = (json.load(open(p)) for p in sys.argv[1:3])
def strip(o):
    if isinstance(o, dict):
        return {k: ([e for e in v if e.get("name") != "BENCHY_MANIFEST_CHECK"] if k == "env" else strip(v))
                for k, v in o.items()}
    if isinstance(o, list):
        return [strip(e) for e in o]
    return o
lost = []
def sub(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k, v in a.items():
            if k in b:
                sub(v, b[k], f"{path}.{k}")
            elif v not in ("", [], {}, None):  # the typed encoding omits empty values
                lost.append(f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            sub(x, y, f"{path}[{i}]")
    elif a == b:
        pass
    elif isinstance(a, (int, float)) and not isinstance(a, bool) and str(a) == b:
        pass  # a resource quantity written as a number comes back as a string
    else:
        lost.append(f"{path}: {a!r} came back as {b!r}")
sub(src, strip(out), "")
print(", ".join(lost))
sys.exit(1 if lost else 0)
PY
}

# check MANIFEST: 0 if every document passes, 1 (with the reasons said) if not.
check() {
	local status=0 doc kind what
	split "$1" || return 1
	for doc in "$tmp"/docs/*.json; do
		kind="$(basename "$doc" .json)"
		what="$1: ${kind#*.}"
		# kubectl set env --local decodes the object into its Go type and, for
		# an object with a pod template, prints it from that type again.
		if kubectl set env --local -f "$doc" BENCHY_MANIFEST_CHECK=1 -o json >"$tmp/out" 2>"$tmp/err"; then
			if lost "$doc" "$tmp/out" >"$tmp/lost"; then
				say "ok: $what (typed decoding, no field lost)"
			else
				say "FAIL: $what lost fields in kubectl's typed encoding (unknown or misspelt): $(cat "$tmp/lost")"
				status=1
			fi
		elif grep -q 'does not have a pod template: \*v1\.' "$tmp/err"; then
			# Decoded into its Go type (named in the message); not printed back.
			say "ok: $what (typed decoding; unknown fields not checked)"
		else
			say "FAIL: $what: $(cat "$tmp/err")"
			status=1
		fi
	done
	return "$status"
}

status=0
for manifest in "$@"; do
	check "$manifest" || status=1
done
# The check itself: a Job with a misspelt field must fail it.
python3 - examples/fleet/k8s-merge-job.yaml "$tmp/canary.yaml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["spec"]["backofLimit"] = d["spec"].pop("backoffLimit")
yaml.safe_dump(d, open(sys.argv[2], "w"))
PY
if check "$tmp/canary.yaml" 2>/dev/null; then
	say "FAIL: a Job with spec.backofLimit (misspelt) passed the check: this kubectl keeps unknown fields"
	status=1
fi
exit "$status"
