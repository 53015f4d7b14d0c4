#!/bin/sh
# A worker-protocol worker in POSIX sh that misbehaves as $1 says, for the
# tests of `benchy run` and `benchy worker check` (docs/protocol.md):
#   ok             a correct protocol 1 worker
#   old            a correct worker from before the protocol field
#   garbage        prints a log line to stdout in the first run
#   silent         never answers setup
#   hang           answers setup, never answers a run
#   exit           exits in the middle of the first block
#   skip           skips at setup (a missing prerequisite)
#   setup-raises   fails setup with a traceback on stderr
#   run-raises     fails the second run with a traceback on stderr
#   newer          answers setup with protocol 2
#   not-a-version  answers setup with protocol "1"
#   negative       returns a negative duration
#   short          returns one duration too few
#   float          returns durations with a fraction
#   ignore-unknown dies on an op it does not know
#   chatty         prints an unsolicited extra line after close
mode=$1
runs=0
while IFS= read -r line; do
  case $line in
  *'"op":"setup"'*)
    case $mode in
    silent) sleep 3600 ;;
    setup-raises)
      echo 'Traceback (most recent call last):' >&2
      echo 'ModuleNotFoundError: No module named torch' >&2
      echo '{"ok":false,"error":"ModuleNotFoundError: No module named torch"}' ;;
    skip) echo '{"ok":false,"skip":true,"error":"skipped: no accelerator here"}' ;;
    newer) echo '{"ok":true,"protocol":2}' ;;
    not-a-version) echo '{"ok":true,"protocol":"1"}' ;;
    old) echo '{"ok":true,"info":{"fake":"old"}}' ;;
    *) echo '{"ok":true,"protocol":1,"info":{"fake":"'"$mode"'"}}' ;;
    esac ;;
  *'"op":"run"'*)
    runs=$((runs + 1))
    n=$(printf '%s\n' "$line" | sed -n 's/.*"iterations":\([0-9]*\).*/\1/p')
    ns=""
    i=0
    while [ "$i" -lt "$n" ]; do
      v=1000
      [ "$mode" = negative ] && [ "$i" -eq 1 ] && v=-5
      [ "$mode" = float ] && v=1000.5
      if [ "$mode" = short ] && [ "$i" -eq 0 ]; then :; else ns="$ns${ns:+,}$v"; fi
      i=$((i + 1))
    done
    case $mode in
    garbage) echo "loading weights from /models/resnet50.bin" ;;
    hang) sleep 3600 ;;
    exit)
      echo "fake: killed by the OOM killer (simulated)" >&2
      exit 137 ;;
    run-raises)
      if [ "$runs" -ge 2 ]; then
        echo 'Traceback (most recent call last):' >&2
        echo 'ZeroDivisionError: division by zero' >&2
        echo '{"ok":false,"error":"ZeroDivisionError: division by zero"}'
        continue
      fi ;;
    esac
    echo '{"ok":true,"ns":['"$ns"']}' ;;
  *'"op":"close"'*)
    echo '{"ok":true}'
    [ "$mode" = chatty ] && echo '{"ok":true,"bye":1}'
    exit 0 ;;
  *)
    [ "$mode" = ignore-unknown ] && exit 4
    echo '{"ok":false,"error":"unknown op"}' ;;
  esac
done
