#!/bin/bash
# Large-zone quality of allot's planner against the exact optimum (BENCHMARKS.md, "Plans on
# real-data-like land, and the gap to the exact optimum").
# usage: bench/gap_large.sh ALLOT PYTHON OUTDIR [SEEDS] [GRID]   (PYTHON with highspy and shapely installed)
#
# 1. PSM data without the metadata's access rule (gap.py models none): mill and park against
#    the proven optimum (the park's for the planner's own mill).
# 2. Cadastral fabrics (300 requested parcels, one per seed of SEEDS, a quoted list, default
#    "1"; e.g. "1 2 3") and a generated grid (GRID requested parcels, default 1500, seed 1; GRID
#    empty: no grid), one zone of 10 / 30 / 45 % of the area ± 1 acre: gap.py with a 120 s
#    HiGHS limit (best set and bound when it does not close).
# Each plan's time is printed as wall seconds and CPU (user + system) seconds.
# 3. A 100,000-parcel generated grid (seed 1) with one zone of 20 % of its area: the plan's
#    time and Polsby-Popper (from the schedule).
set -euo pipefail
A=$(realpath "$1"); PY=$2; OUT=$3; SEEDS=${4:-1}; GRID=${5-1500}
HERE=$(cd "$(dirname "$0")" && pwd)
GAP=$HERE/gap.py
DATA=$HERE/../data/psm-site.geojson
mkdir -p "$OUT" && cd "$OUT"
python3 - "$DATA" psm-noaccess.geojson <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for z in d["metadata"]["zones"]:
    z.pop("access", None)
json.dump(d, open(sys.argv[2], "w"))
EOF
EXCL="--exclude-use township --exclude-use township_fringe --exclude-use water_reservoir --exclude-use encroached"
/usr/bin/time -f "plan_seconds %e cpu_seconds %U+%S" "$A" plan psm-noaccess.geojson -q -o psm.geojson > psm.txt 2> psm-time.txt
echo "psm $(tail -1 psm-time.txt)"; head -3 psm.txt
timeout 400 "$PY" "$GAP" psm.geojson sindh_mill 700 --time-limit 300 $EXCL | grep '^{'
timeout 400 "$PY" "$GAP" psm.geojson industrial_park 3200 --time-limit 300 --unavailable-zone sindh_mill $EXCL | grep '^{'
specs=()
for seed in $SEEDS; do specs+=("cadastral 300 $seed"); done
if [ -n "$GRID" ]; then specs+=("grid $GRID 1"); fi
for spec in "${specs[@]}"; do
  set -- $spec; kind=$1; n=$2; seed=$3
  name=$kind-$n-s$seed
  "$A" generate -q --kind "$kind" --parcels "$n" --seed "$seed" -o "$name.geojson"
  total=$("$A" summary "$name.geojson" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['total_area'])")
  for pct in 10 30 45; do
    t=$(python3 -c "print(round($total*$pct/100,2))")
    /usr/bin/time -f "plan_seconds %e cpu_seconds %U+%S" "$A" plan "$name.geojson" -q -o "plan-$name-$pct.geojson" --zone "big=$t" > "sched-$name-$pct.txt" 2> "time-$name-$pct.txt" || true
    echo "$kind $n seed $seed pct $pct target $t $(tail -1 "time-$name-$pct.txt") $(sed -n 2p "sched-$name-$pct.txt")"
    timeout 300 "$PY" "$GAP" "plan-$name-$pct.geojson" big "$t" --time-limit 120 2>/dev/null | grep '^{' || true
  done
done
"$A" generate -q --parcels 100000 --seed 1 -o grid-100k.geojson
total=$("$A" summary grid-100k.geojson --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['total_area'])")
t=$(python3 -c "print(round($total*0.2,2))")
/usr/bin/time -f "plan_seconds %e cpu_seconds %U+%S" "$A" plan grid-100k.geojson -q -o plan-100k.geojson --zone "big=$t" > sched-100k.txt 2> time-100k.txt
echo "grid 100k pct 20 target $t $(tail -1 time-100k.txt) $(sed -n 2p sched-100k.txt)"
