#!/usr/bin/env bash
# Set-up on a fresh machine, called by `make run` and `make test`: Go modules,
# the Debian packages the tests and example arms use, and ONNX Runtime.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Python with NumPy/SciPy/Pandas for the GaussRank reference
# arm and the statistics oracles, the ONNX checker, third-party ONNX test
# models, headless Chromium for the HTML report test, and hyperfine and the
# workflow linter for the comparison and lint scripts.
packages=(python3-numpy python3-scipy python3-pandas python3-onnx libonnx-testdata chromium hyperfine shellcheck)
packages+=(python3-torch) # PyTorch 1.13 (about 45 s to install) for examples/pytorch and the python {} runner tests
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	sudo=""
	[[ $(id -u) -eq 0 ]] || sudo="sudo -n"
	if command -v apt-get >/dev/null && { [[ -z $sudo ]] || sudo -n true 2>/dev/null; }; then
		echo "setup: installing ${missing[*]}" >&2
		$sudo apt-get update -qq >/dev/null || true
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
			echo "setup: could not install ${missing[*]}; the tests that need them skip with a message" >&2
	else
		echo "setup: cannot install ${missing[*]} (needs apt-get and root); the tests that need them skip with a message" >&2
	fi
fi

go mod download
./scripts/install-onnxruntime.sh || echo "setup: ONNX Runtime is not installed; ONNX arms and tests will be skipped" >&2

# benchstat reads benchy's Go benchmark format export in the report tests.
gobin="$(go env GOPATH)/bin"
if ! command -v benchstat >/dev/null && [[ ! -x $gobin/benchstat ]]; then
	go install golang.org/x/perf/cmd/benchstat@latest || echo "setup: could not install benchstat; its test skips" >&2
fi
