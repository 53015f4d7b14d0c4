#!/bin/sh
# drift.sh STATE BASE_MS STEP_US: a command whose cost grows over time, the
# way a machine that heats up, fills a cache or leaks memory slows down.
# Each call sleeps BASE_MS milliseconds plus STEP_US microseconds for every
# earlier call counted in the file STATE (shared by every arm, as the
# machine is). Reset STATE to 0 to start over.
set -eu
state=$1 base_ms=$2 step_us=$3
n=0
[ -s "$state" ] && read -r n <"$state"
echo $((n + 1)) >"$state"
us=$((base_ms * 1000 + step_us * n))
sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
