#!/usr/bin/env bash
# Composite action step: build benchy from the action's own checkout into
# $RUNNER_TEMP and, when asked, install ONNX Runtime. Outputs: benchy.
set -euo pipefail

root="${GITHUB_ACTION_PATH:?not running as a GitHub action}"
bin="${RUNNER_TEMP:?}/benchy-action/bin/benchy"
mkdir -p "$(dirname "$bin")"

(cd "$root" && go build -o "$bin" ./cmd/benchy)
"$bin" version
echo "benchy=$bin" >>"$GITHUB_OUTPUT"

if [[ ${INPUT_ONNXRUNTIME:-false} == "true" ]]; then
	"$root/scripts/install-onnxruntime.sh"
	lib="$("$root/scripts/install-onnxruntime.sh" --print-path)"
	echo "ONNXRUNTIME_LIB=$lib" >>"$GITHUB_ENV"
	echo "benchy action: ONNXRUNTIME_LIB=$lib" >&2
fi
