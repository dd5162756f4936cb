#!/bin/sh
# Renders an SVG map to PNG with headless Chromium, at the SVG's own size.
#
#   scripts/render-png.sh MAP.svg [OUT.png]
#
# Needs Debian's `chromium` (or set CHROMIUM=/path/to/chrome). The window is sized from the
# SVG's width/height attributes; a fresh profile directory is used and removed afterwards.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 MAP.svg [OUT.png]" >&2
    exit 2
fi
svg=$1
out=${2:-${svg%.svg}.png}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chromium" ]; then
    echo "$0: chromium not found (apt-get install chromium, or set CHROMIUM)" >&2
    exit 2
fi
if [ ! -f "$svg" ]; then
    echo "$0: $svg: no such file" >&2
    exit 2
fi

# width="1200" height="851" on the root element (plotters writes them first).
head=$(head -c 400 "$svg")
width=$(printf '%s' "$head" | sed -n 's/^<svg width="\([0-9]*\)".*/\1/p' | head -n 1)
height=$(printf '%s' "$head" | sed -n 's/^<svg width="[0-9]*" height="\([0-9]*\)".*/\1/p' | head -n 1)
if [ -z "$width" ] || [ -z "$height" ]; then
    echo "$0: $svg: no width/height on the <svg> element" >&2
    exit 2
fi

abs_svg=$(cd "$(dirname "$svg")" && pwd)/$(basename "$svg")
case $out in
    /*) abs_out=$out ;;
    *) abs_out=$(pwd)/$out ;;
esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM

"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$abs_out" \
    --window-size="$width,$height" "file://$abs_svg" >/dev/null 2>&1 || {
    echo "$0: chromium failed on $svg" >&2
    exit 1
}
if [ ! -s "$abs_out" ]; then
    echo "$0: chromium wrote no PNG for $svg" >&2
    exit 1
fi
echo "$abs_out"
