#!/bin/sh
# Compares two allot builds on the map benchmark (bench/maps.sh) in the same session on the same
# fabrics: runs are interleaved (before, after, before, after, …) so that load on a shared
# machine falls on both alike, and the median of the runs is printed per step.
#
#   bench/maps_compare.sh BEFORE_BINARY AFTER_BINARY [RUNS] [WORKDIR] [KINDS]
#                         (default 3 runs, /tmp/allot-bench-compare, kinds "grid nonconvex")
#
# 100,000 parcels, `allot generate --zones 3 --seed 7`. Each build's outputs are kept in
# WORKDIR/<kind>/before and …/after (map.png, map.pdf, map.html) for comparing by eye or pixel.
set -eu
before=$1
after=$2
runs=${3:-3}
dir=${4:-/tmp/allot-bench-compare}
kinds=${5:-grid nonconvex}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
for kind in $kinds; do
    fab="$dir/fabric-$kind-100000.geojson"
    [ -f "$fab" ] || "$after" generate --kind "$kind" --parcels 100000 --zones 3 --seed 7 -o "$fab" >/dev/null
    for which in before after; do
        mkdir -p "$dir/$kind/$which"
        ln -sf "$fab" "$dir/$kind/$which/fabric-$kind-100000.geojson"
    done
    : >"$dir/$kind/log.txt"
    i=1
    while [ "$i" -le "$runs" ]; do
        for which in before after; do
            bin=$before
            [ "$which" = after ] && bin=$after
            ALLOT=$bin sh "$here/maps.sh" 100000 "$dir/$kind/$which" "$kind" |
                sed "s/^/$which: /" >>"$dir/$kind/log.txt"
        done
        i=$((i + 1))
    done
    echo "== $kind (median of $runs)"
    for which in before after; do
        for step in "map -> PNG at 4,000 px" "map -> PDF (A3 landscape)" "map -> HTML"; do
            grep "^$which: $step:" "$dir/$kind/log.txt" | sed 's/.*: \([0-9.]*\) s, \([0-9]*\) MB/\1 \2/' |
                sort -n | awk -v w="$which" -v s="$step" '{t[NR]=$1; m[NR]=$2} END {print w ": " s ": " t[int((NR+1)/2)] " s (runs: " NR ")"}'
        done
        grep "^$which: <title>" "$dir/$kind/log.txt" | sed 's/.*ready \([0-9]*\) ms.*first hover lookup done at \([0-9]*\) ms.*/\1 \2/; s/.*ready \([0-9]*\) ms.*/\1 -/' |
            sort -n | awk -v w="$which" '{t[NR]=$1; f[NR]=$2} END {print w ": chromium ready: " t[int((NR+1)/2)] " ms (first hover lookup " f[int((NR+1)/2)] " ms; runs: " NR ")"}'
    done
    grep "map\.\(png\|pdf\|html\)" "$dir/$kind/log.txt" | sort -u
done
