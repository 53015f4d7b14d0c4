#!/usr/bin/env bash
# Rebuilds the GitHub Pages site of bench-gpu.yml from every stored results
# document: one HTML report per run, rendered by the current benchy (so old
# runs get today's report), its results.json beside it, and an index of all
# runs, newest first. Deployments replace the whole site, so the site is
# always rebuilt from the stored results, never patched.
#
#   pages-site.sh BENCHY RUNS_DIR SITE_DIR
#
# RUNS_DIR holds one directory per run, named so that names sort by time
# (bench-gpu.yml uses YYYYMMDDTHHMMSSZ-SHA-RUNID), each with a results.json.
# Needs jq.
set -euo pipefail

if (($# != 3)); then
	echo "usage: $0 BENCHY RUNS_DIR SITE_DIR" >&2
	exit 2
fi
benchy=$1 runs=$2 site=$3
mkdir -p "$site/runs"

rows=()
mapfile -t dirs < <(find "$runs" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort -r)
for dir in "${dirs[@]}"; do
	id="$(basename "$dir")"
	res="$dir/results.json"
	[[ -f $res ]] || continue
	mkdir -p "$site/runs/$id"
	cp "$res" "$site/runs/$id/results.json"
	if ! "$benchy" report "$res" --format html -o "$site/runs/$id/index.html"; then
		echo "pages-site: cannot render $res; listed without a report" >&2
	fi
	headline="$("$benchy" report "$res" --format json 2>/dev/null | jq -r '.headline // ""' || true)"
	rows+=("$(jq -r --arg id "$id" --arg headline "$headline" '
		(.environment.cpu_model // "?") as $cpu
		| ((.environment.gpus // []) | if length > 0 then .[0] else "CPU: " + $cpu end) as $device
		| @html "<tr><td><a href=\"runs/\($id)/\">\(.started)</a></td><td><code>\($id)</code></td><td>\(.suite.path)</td><td>\(.status)</td><td>\(.environment.host) · \($device)</td><td>\($headline)</td><td><a href=\"runs/\($id)/results.json\">json</a></td></tr>"
	' "$res")")
done

{
	cat <<'HTML'
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>benchy: benchmark runs</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1f23; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d0d7de; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code { font-size: 85%; }
</style>
</head>
<body>
<h1>benchy: benchmark runs</h1>
<p>Every run of the GPU benchmark workflow on the default branch, newest first. Each report is rendered from the stored <code>results.json</code>.</p>
<table>
<thead><tr><th>started</th><th>run</th><th>suite</th><th>status</th><th>machine</th><th>headline</th><th>data</th></tr></thead>
<tbody>
HTML
	if ((${#rows[@]} == 0)); then
		echo '<tr><td colspan="7">No stored runs yet.</td></tr>'
	else
		printf '%s\n' "${rows[@]}"
	fi
	cat <<'HTML'
</tbody>
</table>
</body>
</html>
HTML
} >"$site/index.html"
echo "pages-site: ${#rows[@]} run(s) in $site" >&2
