#!/bin/sh
# nginx images' /docker-entrypoint.sh (1.19 and later): runs the command as given.
exec "$@"
