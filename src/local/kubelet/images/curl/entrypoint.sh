#!/bin/sh
# curlimages/curl's /entrypoint.sh: options alone run curl with them, anything else runs as given.
case "$1" in -*) set -- curl "$@" ;; esac
exec "$@"
