#!/usr/bin/env bash
# Runs the outside-data QA: makes independent fabrics (make_fabrics.py), then checks allot's
# areas through every format and CRS, its validation against shapely/pyproj, and plans with an
# independent checker. Usage: scripts/qa/run.sh [ALLOT_BIN] [WORK_DIR]
# Needs python3 with shapely >= 2, pyproj, numpy and pyarrow, and GDAL's ogr2ogr.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../../target/release/allot}"
work="${2:-/tmp/allot-qa}"
mkdir -p "$work"
python3 "$here/make_fabrics.py" "$work/fabrics" --seed 1 || exit 1
fail=0
python3 "$here/check_formats.py" "$bin" "$work/formats" "$work"/fabrics/{mixed,voronoi,streets}.geojson || fail=1
for f in mixed mixed7 flawed voronoi voronoi-89 streets; do
  python3 "$here/check_validate.py" "$bin" "$work/fabrics/$f.geojson" || fail=1
done
plan() { python3 "$here/check_plan.py" "$bin" "$1" "$work/plan" -- "${@:2}"; rc=$?; [ $rc -eq 1 ] && fail=1; }
for t in 32 95 190 320; do plan "$work/fabrics/voronoi.geojson" --zone big=$t; done
plan "$work/fabrics/voronoi.geojson" --zone a=100 --zone b=150 --split --lock V100=b --lock V000=retained
for t in 32 127 253 380; do plan "$work/fabrics/voronoi-89.geojson" --zone big=$t; done
plan "$work/fabrics/voronoi-89.geojson" --zone a=60 --zone b=200 --split
for t in 2 5 12 20; do plan "$work/fabrics/mixed7.geojson" --zone a=$t --min-width 0; done
for t in 7 21 42 70; do plan "$work/fabrics/streets.geojson" --zone big=$t --min-width 0; done
plan "$work/fabrics/streets.geojson" --zone big=21
for t in 5 21 50; do plan "$work/fabrics/streets.geojson" --zone big=$t --split --min-width 0; done
for f in bad-null-geometry bad-unclosed bad-empty; do
  "$bin" summary "$work/fabrics/$f.geojson" >/dev/null 2>"$work/err.txt"; rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL $f: exit $rc (want 2)"; fail=1; else echo "ok   $f: exit 2: $(cat "$work/err.txt")"; fi
done
exit $fail
