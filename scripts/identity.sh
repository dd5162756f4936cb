#!/usr/bin/env bash
# Byte-identity check for refactors: runs a fixed set of allot commands with one binary and
# records every output file, stdout, stderr and exit code in OUTDIR. Run it with the binary
# built before a change and with the one built after, then compare the two folders:
#
#   scripts/identity.sh OLD_BIN /tmp/id-old
#   scripts/identity.sh NEW_BIN /tmp/id-new
#   diff -r /tmp/id-old /tmp/id-new && echo identical
#
# Covers: validate --format json/text on the bundled PSM proposal and plan and on generated
# 10k and 100k fabrics; plan (GeoJSON, SVG, CSV) on the bundled PSM data, with and without
# --split, and on the 10k fabric; map on the plan, the proposal and the 10k fabric; summary.
# `--quick` skips the 100k fabric.
set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: scripts/identity.sh ALLOT_BIN OUTDIR [--quick]" >&2
  exit 2
fi
bin=$(realpath "$1")
out=$2
quick=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/data
mkdir -p "$out"
out=$(realpath "$out")
cd "$out" || exit 2

# run NAME ARGS...: runs allot with ARGS, records stdout, stderr (with this folder's path
# replaced so two folders compare equal) and the exit code.
run() {
  local name=$1
  shift
  "$bin" -q "$@" >"$name.stdout" 2>"$name.stderr"
  echo $? >"$name.exit"
  sed -i "s#$out#OUT#g; s#$data#DATA#g" "$name.stderr" "$name.stdout"
}

run gen10k generate --parcels 10000 --overlaps 20 --gaps 20 --invalid 20 --zones 3 --seed 7 \
  -o fabric10k.geojson --truth truth10k.json
if [ "$quick" != "--quick" ]; then
  run gen100k generate --parcels 100000 --overlaps 50 --gaps 50 --invalid 50 --zones 4 --seed 7 \
    -o fabric100k.geojson --truth truth100k.json
fi

run psm-plan plan "$data/psm-site.geojson" -o psm-plan.geojson --map psm-plan.svg \
  --schedule psm-schedule.csv
run psm-plan-split plan "$data/psm-site.geojson" -o psm-plan-split.geojson --split \
  --require-access port --map psm-plan-split.svg --schedule psm-schedule-split.csv
run psm-plan-validate validate psm-plan.geojson --target sindh_mill=700 \
  --target industrial_park=3200 --format json
run psm-proposal-json validate "$data/psm-proposal.geojson" --site "$data/psm-boundary.geojson" \
  --target sindh_mill=700 --target industrial_park=3200 --format json \
  --findings psm-findings.geojson --map psm-proposal.svg
run psm-proposal-text validate "$data/psm-proposal.geojson" --site "$data/psm-boundary.geojson" \
  --target sindh_mill=700 --target industrial_park=3200 --units kanal
run psm-map map psm-plan.geojson -o psm-map.svg --labels id
run psm-map-landuse map "$data/psm-proposal.geojson" -o psm-map-landuse.svg --color-by land_use \
  --findings psm-findings.geojson --labels area
run psm-summary summary "$data/psm-site.geojson" --format json --units hectares

for n in 10k 100k; do
  [ -f "fabric$n.geojson" ] || continue
  run "validate$n" validate "fabric$n.geojson" --format json
  run "validate$n-text" validate "fabric$n.geojson"
done
# The fabric carries injected problems, so plan on a clean one.
run gen10k-clean generate --parcels 10000 --seed 11 -o clean10k.geojson
run plan10k plan clean10k.geojson --zone z1=100 --zone z2=400 -o plan10k.geojson \
  --map plan10k.svg --schedule plan10k.csv --seed 3
run map10k map fabric10k.geojson -o map10k.svg
exit 0
