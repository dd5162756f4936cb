#!/bin/bash
# Every figure of issue 13's "Measure" list from one release build in one run (BENCHMARKS.md,
# "Issue #13 figures from one run").
#
# usage: bench/issue13.sh ALLOT PYTHON OUTDIR [PROVE_TEST]
#   ALLOT       allot built with `cargo build --release --features exact`
#   PYTHON      a Python with highspy, shapely and pyproj (gap.py, scripts/qa/make_fabrics.py)
#   PROVE_TEST  tests/plan_prove.rs's test binary from the same commit
#               (`cargo test --release --features exact --test plan_prove --no-run` prints its
#               path); without it section 6 is skipped and says so
#
# 1. PSM data without the metadata's access rule, real-data-like cadastral fabrics (seeds 1, 2,
#    3 at 10 / 30 / 45 %) and the 100,000-parcel grid at 20 %: bench/gap_large.sh (plans against
#    gap.py's independent HiGHS optimum; the 100k zone's Polsby-Popper and time).
# 2. No false "infeasible": every target of seeds 1 and 3 in section 1 that is not planned, and
#    seed 2 at 35, 40, ..., 60 % (where the search refuses some), planned again with `--prove
#    --time-limit 120`: the exact model either finds a zone (the search missed it), proves that
#    none exists, or says that it did neither in the time (the message says which).
# 3. The default PSM plan (the mill must hold a port- or rail-access parcel): its park against
#    gap.py's optimum for the same mill.
# 4. Generated fabrics of 1,000 and 2,000 parcels at 10 / 30 / 45 %, and the PSM data:
#    bench/prove.py with a 60 s limit (the search's zone against the `--prove` bound).
# 5. `allot plan data/psm-site.geojson --prove` without a limit: both zones proven, and how long.
# 6. Small zones: `--prove` against an exhaustive enumeration (tests/plan_prove.rs, three zones
#    of 3-8 cells on the 48-parcel grid fixture; bench/exact's fabrics of 400-3,600 parcels are
#    too slow for the exact model with a zone of 8 cells).
# 7. The QA estates fabric (scripts/qa/make_fabrics.py, 1,511 plots): plan times at 10 / 30 / 45 %.
# Every plan prints wall and CPU (user + system) seconds: on a shared machine the wall time
# measures the load more than allot.
set -uo pipefail
A=$(realpath "$1"); PY=$2; mkdir -p "$3"; OUT=$(realpath "$3"); PT=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TIME=(/usr/bin/time -f "wall %e s, CPU %U+%S s")
EXCL="--exclude-use township --exclude-use township_fringe --exclude-use water_reservoir --exclude-use encroached"
acres() { "$A" summary "$1" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['total_area'])"; }
pct_of() { python3 -c "print(round($1*$2/100,2))"; }

echo "# issue 13 figures: $("$A" --version), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## 1. PSM without access, cadastral seeds 1-3, 100k grid (gap_large.sh)"
"$HERE/gap_large.sh" "$A" "$PY" "$OUT/gap" "1 2 3" ""
echo
echo "## 2. No false infeasible: unplanned cadastral targets with --prove"
cd "$OUT/gap"
prove_target() { # fabric target label: plan with --prove (a 120 s limit, the search included)
  local r rc
  r=$("${TIME[@]}" "$A" plan "$1" -q -o "$OUT/gap/prove-$3.geojson" --zone "big=$2" --prove --time-limit 120 2>&1)
  rc=$?
  echo "$3 target $2 with --prove: exit $rc: $(echo "$r" | grep -v '^wall\|^Command exited' | tail -1 | sed 's/.*: infeasible: //' | cut -c1-90)... $(echo "$r" | grep -o 'the exact model (--prove) [^;]*' | head -1) [$(echo "$r" | grep '^wall' | tail -1)]"
}
for seed in 1 3; do
  f=cadastral-300-s$seed.geojson
  total=$(acres "$f")
  for pct in 10 30 45; do
    [ -s "plan-cadastral-300-s$seed-$pct.geojson" ] && continue
    prove_target "$f" "$(pct_of "$total" $pct)" "seed$seed-$pct"
  done
done
f=cadastral-300-s2.geojson; total=$(acres "$f")
for pct in 35 40 45 50 55 60; do
  t=$(pct_of "$total" $pct)
  if "${TIME[@]}" "$A" plan "$f" -q -o "sweep-$pct.geojson" --zone "big=$t" > "sweep-$pct.txt" 2>&1; then
    echo "seed 2, $pct % (target $t): planned by the search [$(tail -1 "sweep-$pct.txt")]"
  else
    echo "seed 2, $pct % (target $t): search: $(grep -v '^wall\|^Command exited' "sweep-$pct.txt" | tail -1 | sed 's/.*: infeasible: //' | cut -c1-90)... [$(tail -1 "sweep-$pct.txt")]"
    prove_target "$f" "$t" "seed2-$pct"
  fi
done
echo
echo "## 3. Default PSM plan (mill with access): park against the optimum for the same mill"
cd "$OUT"
"${TIME[@]}" "$A" plan "$ROOT/data/psm-site.geojson" -q -o psm-default.geojson
timeout 400 "$PY" "$HERE/gap.py" psm-default.geojson sindh_mill 700 --time-limit 300 $EXCL | grep '^{'
timeout 400 "$PY" "$HERE/gap.py" psm-default.geojson industrial_park 3200 --time-limit 300 --unavailable-zone sindh_mill $EXCL | grep '^{'
echo
echo "## 4. bench/prove.py --time-limit 60 (1,000 and 2,000 parcels; PSM)"
ALLOT=$A python3 "$HERE/prove.py" --time-limit 60 --out "$OUT/prove"
echo
echo "## 5. PSM --prove without a limit"
"${TIME[@]}" "$A" plan "$ROOT/data/psm-site.geojson" -o "$OUT/psm-prove.geojson" --prove 2>&1 | grep -E "optimal|within|wall|sindh_mill|industrial_park"
echo
echo "## 6. --prove against the enumeration (small zones)"
if [ -n "$PT" ]; then
  (cd "$ROOT" && "${TIME[@]}" "$PT" proven_zone_equals_the_enumeration --test-threads 1 2>&1 | grep -E "^test |test result|^wall")
else
  echo "skipped: no PROVE_TEST given"
fi
echo
echo "## 7. QA estates fabric (1,511 plots)"
"$PY" "$ROOT/scripts/qa/make_fabrics.py" "$OUT/qa" > /dev/null
total=$(acres "$OUT/qa/estates.geojson")
for pct in 10 30 45; do
  t=$(pct_of "$total" $pct)
  r=$("${TIME[@]}" "$A" plan "$OUT/qa/estates.geojson" -q -o "$OUT/qa/plan-$pct.geojson" --zone "big=$t" 2>&1)
  echo "estates $pct % target $t: $(echo "$r" | sed -n 2p | tr -s ' ') [$(echo "$r" | grep '^wall' | tail -1)]"
done
