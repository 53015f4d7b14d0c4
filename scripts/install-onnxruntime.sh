#!/usr/bin/env bash
# Installs ONNX Runtime 1.24.1 (the C API that github.com/yalue/onnxruntime_go
# v1.27 binds) into the project cache, where benchy finds it without any
# environment variable:
#
#   .cache/onnxruntime/1.24.1/lib/libonnxruntime.so.1
#
# or, with --user, into the user cache, where any benchy finds it (one
# installed with `go install` too, run from any directory):
#
#   ${XDG_CACHE_HOME:-~/.cache}/benchy/onnxruntime/1.24.1/lib/libonnxruntime.so.1
#
# Sources, in order:
#   1. the official GPU release archive from GitHub (CPU, CUDA and TensorRT
#      providers; the CUDA/TensorRT ones need CUDA 12 + cuDNN 9 / TensorRT 10
#      at run time), when it can be reached;
#   2. the libonnxruntime.so.1 inside the onnxruntime-node@1.24.1 npm package
#      (CPU provider only), fetched with `npm pack` — no node_modules install.
#
# Safe to run again: an existing install is kept. Options:
#   --cpu         skip the GPU archive and take the npm library
#   --user        install into the user cache (see above) instead of .cache/
#   --force       reinstall even when a library is already there
#   --node        also install the onnxruntime-node@1.24.1 binding into
#                 .cache/onnxruntime-node (for examples/onnx's comparison)
#   --print-path  print the installed library's path and nothing else
# Environment: BENCHY_CACHE (the cache root; default <repo>/.cache, or the
# user cache with --user), ORT_GPU_URL (override the archive URL),
# ORT_CONNECT_TIMEOUT (seconds, default 5).
set -euo pipefail

ORT_VERSION=1.24.1
root="$(cd "$(dirname "$0")/.." && pwd)"

want_gpu=1 force=0 node=0 quiet=0 user=0
for arg in "$@"; do
	case "$arg" in
	--cpu) want_gpu=0 ;;
	--user) user=1 ;;
	--force) force=1 ;;
	--node) node=1 ;;
	--print-path) quiet=1 ;;
	-h | --help)
		sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install-onnxruntime: unknown option $arg (see --help)" >&2
		exit 2
		;;
	esac
done

if [ "$user" = 1 ]; then
	# benchy's lookup: os.UserCacheDir()/benchy.
	cache="${BENCHY_CACHE:-${XDG_CACHE_HOME:-${HOME:?--user needs HOME or XDG_CACHE_HOME}/.cache}/benchy}"
else
	cache="${BENCHY_CACHE:-$root/.cache}"
fi
dest="$cache/onnxruntime/$ORT_VERSION"
lib="$dest/lib/libonnxruntime.so.1"

say() { if [ "$quiet" = 0 ]; then echo "install-onnxruntime: $*" >&2; fi; }
die() {
	echo "install-onnxruntime: $*" >&2
	exit 3
}

case "$(uname -s)/$(uname -m)" in
Linux/x86_64) gh_arch=x64 npm_arch=x64 ;;
Linux/aarch64) gh_arch=aarch64 npm_arch=arm64 want_gpu=0 ;; # no aarch64 GPU archive
*) die "unsupported platform $(uname -s)/$(uname -m); set ONNXRUNTIME_LIB to an ONNX Runtime $ORT_VERSION library instead" ;;
esac

tmp="$(mktemp -d "${TMPDIR:-/tmp}/benchy-ort.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# install_from DIR SOURCE: move the libraries in DIR into place atomically.
install_from() {
	local from="$1" source="$2"
	mkdir -p "$dest"
	local stage
	stage="$(mktemp -d "$dest/.stage.XXXXXX")"
	mkdir -p "$stage/lib"
	cp -a "$from"/. "$stage/lib/"
	echo "$source" >"$stage/SOURCE"
	rm -rf "${dest:?}/lib" "${dest:?}/SOURCE"
	mv "$stage/lib" "$dest/lib"
	mv "$stage/SOURCE" "$dest/SOURCE"
	rmdir "$stage"
}

try_gpu() {
	command -v curl >/dev/null || {
		say "curl not found; skipping the GPU archive"
		return 1
	}
	local url="${ORT_GPU_URL:-https://github.com/microsoft/onnxruntime/releases/download/v$ORT_VERSION/onnxruntime-linux-$gh_arch-gpu-$ORT_VERSION.tgz}"
	say "trying the GPU release archive $url"
	# curl's own error goes into the one line below, not onto the terminal.
	if ! curl -fsSL --connect-timeout "${ORT_CONNECT_TIMEOUT:-5}" -o "$tmp/gpu.tgz" "$url" 2>"$tmp/curl.err"; then
		say "GPU archive not reachable ($(tail -n 1 "$tmp/curl.err")); falling back to npm"
		return 1
	fi
	mkdir -p "$tmp/gpu"
	tar -xzf "$tmp/gpu.tgz" -C "$tmp/gpu" || return 1
	local libdir
	libdir="$(dirname "$(find "$tmp/gpu" -name 'libonnxruntime.so.1*' -path '*/lib/*' | head -n1)")"
	[ -f "$libdir/libonnxruntime.so.1" ] || [ -f "$libdir/libonnxruntime.so.$ORT_VERSION" ] || return 1
	mkdir -p "$tmp/gpulib"
	cp -a "$libdir"/libonnxruntime*.so* "$tmp/gpulib/"
	# The archive ships libonnxruntime.so.1 as a link to .so.1.24.1 in some
	# releases; make sure the soname exists as a file or link.
	[ -e "$tmp/gpulib/libonnxruntime.so.1" ] || ln -s "libonnxruntime.so.$ORT_VERSION" "$tmp/gpulib/libonnxruntime.so.1"
	install_from "$tmp/gpulib" "github:onnxruntime-linux-$gh_arch-gpu-$ORT_VERSION.tgz"
}

try_npm() {
	command -v npm >/dev/null || die "neither the GPU archive nor npm is available. Install Node.js/npm and rerun $0, or download ONNX Runtime $ORT_VERSION from https://github.com/microsoft/onnxruntime/releases and set ONNXRUNTIME_LIB to its lib/libonnxruntime.so.1"
	say "fetching onnxruntime-node@$ORT_VERSION with npm pack (about 85 MB)"
	(cd "$tmp" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null) ||
		die "npm pack onnxruntime-node@$ORT_VERSION failed; check the npm registry is reachable, or set ONNXRUNTIME_LIB"
	local member="package/bin/napi-v6/linux/$npm_arch/libonnxruntime.so.1"
	tar -xzf "$tmp/onnxruntime-node-$ORT_VERSION.tgz" -C "$tmp" "$member" ||
		die "the npm package has no $member"
	mkdir -p "$tmp/npmlib"
	cp "$tmp/$member" "$tmp/npmlib/libonnxruntime.so.1"
	install_from "$tmp/npmlib" "npm:onnxruntime-node@$ORT_VERSION (CPU provider)"
}

install_node() {
	local nd="$cache/onnxruntime-node"
	if [ "$force" = 0 ] && [ -f "$nd/node_modules/onnxruntime-node/package.json" ] &&
		grep -q "\"version\": \"$ORT_VERSION\"" "$nd/node_modules/onnxruntime-node/package.json"; then
		say "onnxruntime-node@$ORT_VERSION already in $nd"
		return
	fi
	command -v npm >/dev/null || die "--node needs npm"
	mkdir -p "$nd"
	say "installing onnxruntime-node@$ORT_VERSION into $nd (ONNXRUNTIME_NODE_INSTALL=skip: no CUDA download)"
	(cd "$nd" && ONNXRUNTIME_NODE_INSTALL=skip npm install --silent --no-audit --no-fund --no-save --prefix "$nd" "onnxruntime-node@$ORT_VERSION" >/dev/null) ||
		die "npm install onnxruntime-node@$ORT_VERSION failed"
}

if [ "$force" = 1 ] || [ ! -e "$lib" ] || [ ! -f "$dest/SOURCE" ]; then
	if [ "$want_gpu" = 0 ] || ! try_gpu; then
		try_npm
	fi
	say "installed $lib ($(cat "$dest/SOURCE"))"
else
	say "already installed: $lib ($(cat "$dest/SOURCE"))"
fi
if [ "$node" = 1 ]; then
	install_node
fi
if [ "$quiet" = 1 ]; then
	echo "$lib"
fi
