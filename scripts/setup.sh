#!/usr/bin/env bash
# One-time set-up on a fresh machine: Go modules and the native pieces benchy
# uses. Safe to run again; it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
go mod download
./scripts/install-onnxruntime.sh || echo "setup: ONNX Runtime is not installed; ONNX arms and tests will be skipped" >&2
