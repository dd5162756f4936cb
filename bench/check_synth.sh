#!/usr/bin/env bash
# Cross-check: the reference validator (bench/reference.py) must find exactly what
# allot::synth injected. Usage: bench/check_synth.sh [PYTHON]   (default: python3)
# Needs bench/requirements.txt installed for PYTHON. BIG=1 adds a 100k-parcel case. Exits non-zero on any disagreement.
set -euo pipefail
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cargo build --quiet --release --example gen_fabric --manifest-path "$ROOT/Cargo.toml"
GEN="$ROOT/target/release/examples/gen_fabric"

check() { # name, gen_fabric args...
  local name=$1; shift
  "$GEN" "$@" --truth "$TMP/$name.truth.json" > "$TMP/$name.geojson"
  "$PY" "$ROOT/bench/reference.py" "$TMP/$name.geojson" > "$TMP/$name.ref.json"
  "$PY" - "$TMP/$name.truth.json" "$TMP/$name.ref.json" "$name" <<'PYEOF'
import json, math, sys
truth = json.load(open(sys.argv[1])); ref = json.load(open(sys.argv[2])); name = sys.argv[3]
ACRE = 4046.8564224
worst = {}
def rel(a, b, what):
    r = abs(a - b) / abs(b)
    worst[what] = max(worst.get(what, 0.0), r)
    return r
fail = []
if ref["parcels"] != truth["parcels"]:
    fail.append(f"parcels {ref['parcels']} != {truth['parcels']}")
if ref["invalid"] != sorted(t["id"] for t in truth["invalid"]):
    fail.append(f"invalid {ref['invalid']}")
want = {tuple(o["parcels"]): o["area_m2"] for o in truth["overlaps"]}
got = {tuple(o["parcels"]): o["m2"] for o in ref["overlaps"]}
if set(want) != set(got):
    fail.append(f"overlap pairs differ: missing {set(want) - set(got)}, extra {set(got) - set(want)}")
for k in set(want) & set(got):
    if rel(got[k], want[k], "overlap") > 1e-6:
        fail.append(f"overlap {k}: {got[k]} vs {want[k]}")
if len(ref["gaps"]) != len(truth["gaps"]):
    fail.append(f"{len(ref['gaps'])} gaps found, {len(truth['gaps'])} injected")
for g in truth["gaps"]:  # match by nearest reported point, then compare areas
    near = min(ref["gaps"], key=lambda r: math.dist(r["point"], g["point"]), default=None)
    if near is None or rel(near["m2"], g["area_m2"], "gap") > 1e-6:
        fail.append(f"gap at {g['point']} ({g['area_m2']} m2): nearest found {near}")
if rel(ref["total_acres"] * ACRE, truth["total_area_m2"], "total") > 1e-9:
    fail.append(f"total {ref['total_acres'] * ACRE} vs {truth['total_area_m2']}")
for z, m2 in truth["zones"].items():
    if rel(ref["zones"].get(z, 0.0) * ACRE, m2, "zones") > 1e-9:
        fail.append(f"zone {z}: {ref['zones'].get(z)} acres vs {m2 / ACRE}")
summary = ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items()))
print(f"{name}: {ref['parcels']} parcels, {len(got)} overlaps, {len(ref['gaps'])} gaps, "
      f"{len(ref['invalid'])} invalid; worst relative error: {summary}")
if fail:
    print("\n".join(f"  FAIL {f}" for f in fail)); sys.exit(1)
PYEOF
}

check grid60 --cols 60 --rows 60 --overlaps 5 --gaps 4 --invalid 3 --zones 3 --seed 1
check grid60s7 --cols 60 --rows 60 --overlaps 5 --gaps 4 --invalid 3 --seed 7
check wide --cols 200 --rows 40 --overlaps 30 --gaps 20 --invalid 9 --zones 5 --seed 42
if [[ -n "${BIG:-}" ]]; then  # BIG=1: also a 100k-parcel fabric (about 20 s)
  check big --parcels 100000 --overlaps 20 --gaps 20 --invalid 8 --zones 4 --seed 3
fi
echo "check_synth: reference agrees with the injected truth"
