# The two commands of the README: `make run` (the main job) and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/benchy
# OUT: a run directory for `make run` (default: a fresh benchy-out/<time>/).
OUT ?=
# Tools that set-up installs with `go install` (benchstat) live here.
export PATH := $(PATH):$(shell $(GO) env GOPATH)/bin

.PHONY: all build run test vet fmt-check setup clean

all: build

# The commit goes in at link time too, for trees the go command cannot stamp
# (a git worktree, GOFLAGS=-buildvcs=false): `benchy version` shows it.
REVISION = $(shell git rev-parse HEAD 2>/dev/null)$(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo +modified)

build:
	$(GO) build -ldflags "-X github.com/benchy-dev/benchy/hw.linkedRevision=$(REVISION)" -o $(BIN) ./cmd/benchy

setup:
	./scripts/setup.sh

# Main job: run the built-in quickstart suite; reports in
# benchy-out/latest/quickstart/ (a fresh run directory every time), or in
# $(OUT)/quickstart/ when OUT is given.
run: setup build
	./$(BIN) run quickstart $(if $(OUT),--out $(OUT))

# Tests: vet, formatting, and every package's tests.
test: setup
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -timeout 30m ./...
	@# the pure-Go fallbacks (no cgo: ForkExec spawning, no NVML) must keep building and passing
	CGO_ENABLED=0 $(GO) vet ./runners/exec ./hw
	CGO_ENABLED=0 $(GO) test ./runners/exec

clean:
	rm -rf bin out
