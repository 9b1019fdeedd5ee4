#!/bin/sh
# argoproj/argosay:v2's /argosay, reproduced for local mode (POSIX sh, dispatch on $1).
set -eu

case ${1:-echo} in
  assert_contains)
    grep -F "$3" "$2"
    ;;
  cat)
    cat "$2"
    ;;
  echo)
    case $# in
      0 | 1) echo "hello argo" ;;
      2) echo "$2" ;;
      3)
        mkdir -p "$(dirname "$3")"
        echo "$2" > "$3"
        sleep 0.1
        ;;
      default) ;;
    esac
    ;;
  exit)
    exit "${2:-0}"
    ;;
  sleep)
    sleep "$2"
    ;;
  sh)
    sh "${2:-0}"
    ;;
  *)
    exit 1
    ;;
esac
