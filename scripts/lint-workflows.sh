#!/usr/bin/env bash
# Lints the GitHub Actions workflows, the composite action and the shell
# scripts of this repository:
#
#   - actionlint on .github/workflows/*.yml and examples/fleet/*.yml, with
#     ShellCheck on every `run:` step (custom runner labels are declared in
#     .github/actionlint.yaml);
#   - ShellCheck on scripts/*.sh, .ci/run, .github/**/*.sh (the composite
#     action's steps live there, since actionlint does not read action.yml's
#     run: steps) and examples/fleet/*.sh.
#
# Installs what is missing: actionlint with `go install` (pinned version,
# into $(go env GOBIN) or $(go env GOPATH)/bin) and shellcheck with apt-get
# (as root, or with passwordless sudo). Exits non-zero on any finding, or
# when a linter cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12

gobin="$(go env GOBIN)"
[[ -n $gobin ]] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

if ! command -v actionlint >/dev/null || [[ $(actionlint -version | head -n1) != "$ACTIONLINT_VERSION" ]]; then
	echo "lint-workflows: installing actionlint $ACTIONLINT_VERSION" >&2
	go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi

if ! command -v shellcheck >/dev/null; then
	sudo=""
	[[ $(id -u) -eq 0 ]] || sudo="sudo -n"
	if command -v apt-get >/dev/null && { [[ -z $sudo ]] || sudo -n true 2>/dev/null; }; then
		echo "lint-workflows: installing shellcheck" >&2
		$sudo apt-get update -qq >/dev/null || true
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends shellcheck >/dev/null
	fi
	if ! command -v shellcheck >/dev/null; then
		echo "lint-workflows: shellcheck is not installed and cannot be (needs apt-get and root)" >&2
		exit 3
	fi
fi

status=0

shopt -s nullglob globstar
workflows=(.github/workflows/*.yml .github/workflows/*.yaml examples/fleet/*.yml)
echo "lint-workflows: actionlint $(actionlint -version | head -n1) on ${#workflows[@]} workflow(s)" >&2
actionlint -shellcheck "$(command -v shellcheck)" "${workflows[@]}" || status=1

scripts=(scripts/*.sh .ci/run .github/**/*.sh examples/fleet/*.sh)
echo "lint-workflows: shellcheck $(shellcheck --version | sed -n 's/^version: //p') on ${#scripts[@]} script(s)" >&2
shellcheck "${scripts[@]}" || status=1

if ((status == 0)); then
	echo "lint-workflows: clean" >&2
fi
exit "$status"
