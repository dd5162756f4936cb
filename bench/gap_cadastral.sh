#!/bin/bash
# Gap of allot plans on cadastral fabrics to the exact optimum (see BENCHMARKS.md).
# usage: bench/gap_cadastral.sh ALLOT PYTHON   (PYTHON with highspy and shapely installed)
set -euo pipefail
A=$1; PY=$2
GAP=$(cd "$(dirname "$0")" && pwd)/gap.py
mkdir -p /tmp/gapb && cd /tmp/gapb
for spec in "300 1" "300 4" "1500 1"; do
  set -- $spec; n=$1; s=$2
  $A generate --kind cadastral --parcels $n --seed $s -o cad-$n-$s.geojson
  total=$($A summary cad-$n-$s.geojson --format json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['total_area'])")
  for pct in 10 30 45; do
    t=$(python3 -c "print(round($total*$pct/100,2))")
    /usr/bin/time -f "plan_seconds %e" $A plan cad-$n-$s.geojson -q -o plan-$n-$s-$pct.geojson --zone big=$t > sched-$n-$s-$pct.txt 2> time-$n-$s-$pct.txt
    echo "fabric $n seed $s pct $pct target $t $(cat time-$n-$s-$pct.txt | tail -1)"
    timeout 300 $PY "$GAP" plan-$n-$s-$pct.geojson big $t --time-limit 120 2>/dev/null | grep '^{'
  done
done
