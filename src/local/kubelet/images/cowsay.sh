#!/bin/sh
# A stand-in for cowsay as argoproj/argosay:v1 ships it (Ubuntu's cowsay package, the Perl program):
# the message is joined from the arguments (or read from stdin), filled to 40 columns the way Perl's
# Text::Wrap `fill` does (paragraphs on a newline followed by blanks, runs of blanks made one space,
# lines of at most 39 characters broken at a blank, longer words cut), put in a balloon (`< >` for one
# line, `/ \`, `| |`, `\ /` for more) and the default cow drawn below. Options: -n (no wrapping),
# -W width, -e eyes, -T tongue and the mode letters (-b -d -g -p -s -t -w -y); only the default cow.
set -eu

usage() {
  echo "cow{say,think} version 3.03, (c) 1999 Tony Monroe" >&2
  echo "Usage: cowsay [-bdgpstwy] [-h] [-e eyes] [-f cowfile] [-l] [-n] [-T tongue] [-W wrapcolumn] [message]" >&2
  exit 1
}

eyes=oo tongue='  ' width=40 nowrap=0
while getopts "bdgpstwye:f:hlnT:W:" opt; do
  case $opt in
    b) eyes='==' ;;
    d) eyes='xx' tongue='U ' ;;
    g) eyes='$$' ;;
    p) eyes='@@' ;;
    s) eyes='**' tongue='U ' ;;
    t) eyes='--' ;;
    w) eyes='OO' ;;
    y) eyes='..' ;;
    e) eyes=$(printf '%-2.2s' "$OPTARG") ;;
    T) tongue=$(printf '%-2.2s' "$OPTARG") ;;
    W) width=$OPTARG ;;
    n) nowrap=1 ;;
    f) [ "$OPTARG" = default ] || {
      echo "cowsay: Could not find $OPTARG cowfile!" >&2
      exit 1
    } ;;
    l) echo "Cow files in /usr/share/cowsay/cows:" && echo default && exit 0 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))

if [ $# -gt 0 ]; then
  [ "$nowrap" = 1 ] && usage
  printf '%s\n' "$*"
else
  cat
fi | awk -v width="$width" -v nowrap="$nowrap" -v eyes="$eyes" -v tongue="$tongue" '
  { text = (NR == 1) ? $0 : text "\n" $0; n = NR }
  # Text::Tabs expand: tabs to the next multiple of 8.
  function expand(s,   out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\t") { out = out " "; while (length(out) % 8) out = out " " } else out = out c
    }
    return out
  }
  # Text::Wrap wrap("", "", p): greedy lines of at most width-1 characters, each ended at a blank
  # (which it consumes) or at the end; a word longer than that is cut at width-1.
  function wrap(p,   ll, r, nl, rest, L, rem) {
    ll = width - 1; r = ""; nl = ""; rem = ""
    while (p !~ /^[ \t\r\f\v\n]*$/) {
      for (L = (length(p) < ll ? length(p) : ll); L >= 0; L--)
        if (L == length(p) || substr(p, L + 1, 1) ~ /[ \t\r\f\v\n]/) break
      if (L >= 0) {
        r = r nl substr(p, 1, L)
        rem = (L < length(p)) ? substr(p, L + 1, 1) : ""
        p = substr(p, L + 2)
      } else {
        r = r nl substr(p, 1, ll); rem = "\n"; p = substr(p, ll + 1)
      }
      nl = "\n"
    }
    return r rem
  }
  END {
    if (nowrap) {
      lines = split(text, line, "\n")
      for (i = 1; i <= lines; i++) line[i] = expand(line[i])
    } else {
      np = split(text, para, /\n[ \t\r\f\v\n]+/)
      filled = ""
      for (i = 1; i <= np; i++) {
        gsub(/[ \t\r\f\v\n]+/, " ", para[i])
        filled = filled (i > 1 ? "\n\n" : "") wrap(para[i])
      }
      lines = split(filled, line, "\n")
      while (lines > 0 && line[lines] == "") lines--
    }
    max = -1
    for (i = 1; i <= lines; i++) if (length(line[i]) > max) max = length(line[i])
    bar = ""; dash = ""
    for (i = 0; i < max + 2; i++) { bar = bar "_"; dash = dash "-" }
    print " " bar " "
    if (lines < 2) printf "< %-" max "s >\n", line[1]
    else {
      printf "/ %-" max "s \\\n", line[1]
      for (i = 2; i < lines; i++) printf "| %-" max "s |\n", line[i]
      printf "\\ %-" max "s /\n", line[lines]
    }
    print " " dash " "
    print "        \\   ^__^"
    print "         \\  (" eyes ")\\_______"
    print "            (__)\\       )\\/\\"
    print "             " tongue " ||----w |"
    print "                ||     ||"
  }'
