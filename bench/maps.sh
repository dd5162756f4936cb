#!/bin/sh
# Times `allot map` to PNG, PDF and HTML on a synthetic fabric, and how long headless Chromium
# takes to load the HTML map and run its script (the map is interactive once `map.js` has run:
# the harness page records the time from navigation start to the end of that script).
#
#   bench/maps.sh [PARCELS] [WORKDIR] [KIND]   (default 100000 parcels, /tmp/allot-bench-maps,
#                                               `allot generate --kind`, default grid)
#
# Needs a release build (cargo build --release), /usr/bin/time and chromium. Prints one line
# per step: seconds (wall) and peak RSS in MB. ALLOT=path/to/allot times another binary (to
# compare two builds in the same session on the same fabric).
set -eu
n=${1:-100000}
dir=${2:-/tmp/allot-bench-maps}
kind=${3:-grid}
allot=${ALLOT:-$(cd "$(dirname "$0")/.." && pwd)/target/release/allot}
mkdir -p "$dir"
fab="$dir/fabric-$kind-$n.geojson"
[ -f "$fab" ] || "$allot" generate --kind "$kind" --parcels "$n" --zones 3 --seed 7 -o "$fab" >/dev/null
step() {
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$@" >/dev/null 2>&1
    read -r secs kb <"$dir/time.txt"
    echo "$name: ${secs} s, $((kb / 1024)) MB"
}
step "map -> PNG at 4,000 px" "$allot" map "$fab" -o "$dir/map.png" --width 4000 -q
step "map -> PDF (A3 landscape)" "$allot" map "$fab" -o "$dir/map.pdf" --page A3 --landscape -q
step "map -> HTML" "$allot" map "$fab" -o "$dir/map.html" -q
ls -l "$dir/map.png" "$dir/map.pdf" "$dir/map.html" | awk '{printf "%s %.1f MB\n", $9, $5 / 1e6}'
# Chromium: time from navigation start until map.js has run (its last statement sets
# window.allotMap), written into the DOM by a small script appended to a copy of the page.
# The first pointer position the page looks up builds its parcel grid: timed after "ready".
sed 's#</body>#<script>var t0 = performance.now(); var m = window.allotMap; if (m \&\& m.hit) m.hit(1, 1); document.title = "ready " + Math.round(t0) + " ms (" + (m ? "interactive" : "no map") + "), first hover lookup done at " + Math.round(performance.now()) + " ms";</script></body>#' \
    "$dir/map.html" >"$dir/map-timed.html"
profile=$(mktemp -d)
start=$(date +%s.%N)
chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" \
    --proxy-server=127.0.0.1:9 --dump-dom "file://$dir/map-timed.html" 2>/dev/null |
    grep -o '<title>ready [^<]*</title>' || echo "chromium: no ready mark"
end=$(date +%s.%N)
rm -rf "$profile"
echo "chromium --dump-dom wall time (start-up included): $(echo "$end - $start" | bc) s"
