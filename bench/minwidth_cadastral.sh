#!/bin/bash
# Targets planned with and without the minimum-width rule on cadastral fabrics (BENCHMARKS.md,
# "Minimum width on cadastral land").
# usage: bench/minwidth_cadastral.sh ALLOT [OUTDIR]
# One line per plan: fabric, seed, percent, target acres, min width, outcome, seconds, perimeter.
set -euo pipefail
A=$(realpath "$1"); OUT=${2:-/tmp/minwidth-bench}
mkdir -p "$OUT" && cd "$OUT"
printf 'parcels seed pct target_acres min_width outcome seconds perimeter_m\n'
for spec in "300 1" "300 2" "300 3" "300 4" "1500 1"; do
  set -- $spec; n=$1; s=$2
  f=cad-$n-$s.geojson
  "$A" generate --kind cadastral --parcels "$n" --seed "$s" -o "$f" >/dev/null
  total=$("$A" summary "$f" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['total_area'])")
  for pct in 5 10 15 20 25 30 35 40 45 50 55 60; do
    t=$(python3 -c "print(round($total*$pct/100,2))")
    for mw in default 0; do
      flag=(); [ "$mw" = 0 ] && flag=(--min-width 0)
      start=$(date +%s.%N)
      if "$A" plan "$f" -q -o "p.geojson" --zone "big=$t" "${flag[@]}" --schedule s.json >/dev/null 2>err.txt; then
        out=planned
        per=$(python3 -c "import json; print(round([z for z in json.load(open('s.json'))['zones'] if z['name']=='big'][0]['perimeter_m']))")
      else
        out=$(grep -o 'min-width\|no contiguous\|retained\|contiguous' err.txt | head -1 | tr ' ' _)
        out=infeasible:${out:-other}; per=-
      fi
      end=$(date +%s.%N)
      printf '%s %s %s %s %s %s %.1f %s\n' "$n" "$s" "$pct" "$t" "$mw" "$out" "$(echo "$end - $start" | bc)" "$per"
    done
  done
done
