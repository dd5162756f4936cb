#!/usr/bin/env python3
"""Compares `allot validate`'s gaps with shapely's on `allot generate --kind cadastral` fabrics.

For each seed: generate the fabric (default 10,000 plots), run `allot validate --format json`
and `bench/reference.py` (shapely 2 + pyproj: the pieces of a frame around the union of the
parcels minus that union, except the one holding the frame), and match the gaps of more than
--min-gap m2 one to one by position (allot's `at` lies inside its gap; shapely's
`point_on_surface` inside its own). A seed agrees when both find the same gaps and each pair's
areas differ by at most --area-tol m2 (allot prints acres to 6 decimals, 0.004 m2).

Prints one line per seed and the count of seeds that agree; exit 1 if any disagrees. Each
disagreement is followed by the piece's planar size (edges straight in lon/lat, as GeoJSON draws
them, at the local metres per degree): on these fabrics every disagreement is a hairline sliver
(a mean width of 0.0000-0.24 mm, 0.00003-0.28 m2 in the plane on seeds 1-40) whose 1.3-3.8 m2
exist only when its edges are measured as geodesics, as both tools measure: a 756 m geodesic bows
~5 mm away from the straight lon/lat line at 24.8 N, so such a sliver's geodesic area depends on
which collinear vertices its ring keeps, which differs between GEOS and allot's engine.

Usage: scripts/cadastral-gaps.py [--allot target/debug/allot] [--seeds 1-40] [--parcels 10000]
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import shapely
import shapely.affinity

M2_PER_ACRE = 4046.8564224
HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "bench", "reference.py")


def seeds(text):
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def allot_gaps(allot, path, min_gap):
    out = subprocess.run(
        [allot, "validate", path, "--format", "json", "--min-gap", str(min_gap)],
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"allot validate failed: {out.stderr}")
    report = json.loads(out.stdout)
    gaps = [f for f in report["findings"] if f["kind"] == "gap"]
    return [(g["acres"] * M2_PER_ACRE, tuple(g["at"])) for g in gaps]


def shapely_gaps(path, min_gap):
    out = subprocess.run(
        [sys.executable, REFERENCE, path, "--min-gap", str(min_gap)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout)
    return [(g["m2"], tuple(g["point"])) for g in report["gaps"]], path


def compare(ours, theirs, path, area_tol):
    """Matches gaps by containment: each shapely gap's point must lie in the piece allot's
    point lies in (both lie inside their own gap; pieces are found again with shapely)."""
    with open(path, encoding="utf-8") as f:
        geoms = shapely.from_geojson(f.read())
    union = shapely.union_all(shapely.get_parts(geoms))
    x0, y0, x1, y1 = union.bounds
    m = max(x1 - x0, y1 - y0) / 100
    pieces = shapely.get_parts(shapely.difference(shapely.box(x0 - m, y0 - m, x1 + m, y1 + m), union))
    def piece_of(pt):
        p = shapely.Point(pt)
        d = shapely.distance(pieces, p)
        return int(d.argmin())
    problems = []
    left = list(theirs)
    for area, at in ours:
        k = piece_of(at)
        match = [t for t in left if piece_of(t[1]) == k]
        if not match:
            problems.append(f"allot only: {area:.4f} m2 at {at}")
            continue
        left.remove(match[0])
        if abs(match[0][0] - area) > area_tol:
            problems.append(
                f"area {area:.4f} vs shapely {match[0][0]:.4f} m2 at {at} ({shape_note(pieces[k])})"
            )
    for area, at in left:
        problems.append(f"shapely only: {area:.4f} m2 at {at} ({shape_note(pieces[piece_of(at)])})")
    return problems


def shape_note(piece):
    """The piece's planar size: area with lon/lat edges as straight lines (RFC 7946) at the
    local scale, and mean width (2 x area / perimeter)."""
    x0, y0, x1, y1 = piece.bounds
    lat = math.radians((y0 + y1) / 2)
    # Metres per degree east and north at this latitude (WGS84 radii of curvature).
    e2 = 0.00669437999014
    w = 1 - e2 * math.sin(lat) ** 2
    n = 6378137.0 / math.sqrt(w)
    mrad = n * (1 - e2) / w
    kx, ky = math.radians(1) * n * math.cos(lat), math.radians(1) * mrad
    scaled = shapely.affinity.scale(piece, kx, ky, origin=(0, 0))
    width_mm = 2 * scaled.area / scaled.length * 1000
    return f"planar {scaled.area:.4f} m2, mean width {width_mm:.4f} mm, {len(piece.exterior.coords) - 1} vertices"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--allot", default=os.path.join(HERE, "..", "target", "debug", "allot"))
    ap.add_argument("--seeds", type=seeds, default=seeds("1-40"))
    ap.add_argument("--parcels", type=int, default=10000)
    ap.add_argument("--min-gap", type=float, default=1.0)
    ap.add_argument("--area-tol", type=float, default=0.01)
    args = ap.parse_args()
    agree = 0
    with tempfile.TemporaryDirectory() as tmp:
        for s in args.seeds:
            path = os.path.join(tmp, f"cadastral-{s}.geojson")
            subprocess.run(
                [args.allot, "generate", "--kind", "cadastral", "--seed", str(s),
                 "--parcels", str(args.parcels), "-o", path],
                check=True,
            )
            ours = allot_gaps(args.allot, path, args.min_gap)
            theirs, _ = shapely_gaps(path, args.min_gap)
            problems = compare(ours, theirs, path, args.area_tol)
            agree += not problems
            status = "agree" if not problems else "DIFFER"
            print(f"seed {s}: allot {len(ours)} gaps, shapely {len(theirs)}: {status}")
            for p in problems:
                print(f"  {p}")
    total = len(args.seeds)
    print(f"{agree} of {total} seeds agree")
    sys.exit(0 if agree == total else 1)


if __name__ == "__main__":
    main()
