#!/bin/sh
# influxdb 1.x's /entrypoint.sh: options alone run influxd with them, anything else runs as given.
case "$1" in -*) set -- influxd "$@" ;; esac
exec "$@"
