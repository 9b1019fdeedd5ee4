#!/bin/sh
# A tiny stand-in for cowsay (argoproj/argosay:v1, docker/whalesay): the message in a box, a cow below.
msg="$*"
[ -z "$msg" ] && msg="$(cat)"
len=${#msg}
line=$(printf '%*s' "$((len + 2))" '' | tr ' ' '-')
under=$(printf '%*s' "$((len + 2))" '' | tr ' ' '_')
echo " $under"
echo "< $msg >"
echo " $line"
cat <<'COW'
        \   ^__^
         \  (oo)\_______
            (__)\       )\/\
                ||----w |
                ||     ||
COW
