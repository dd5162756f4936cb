#!/usr/bin/env python3
"""`allot validate` against shapely (GEOS) and pyproj on a GeoJSON fabric.

Truth, computed independently of allot:
- invalid parcels: shapely.is_valid_reason (the reason's first word must match allot's message);
- overlaps: every pair of valid parcels whose intersection, in a local Lambert equal-area
  projection on WGS84 (pyproj), exceeds --min-overlap m² (default 1); the areas must agree
  within 1e-4 relative + 0.05 m² (the projection is equal-area; the rest is engine noise);
- gaps: holes of the union of the valid parcels (same projection) above 1 m²; allot's gap
  count and total gap area must agree within 1e-3 relative + 0.5 m² (hairline slivers
  between differently rounded boundaries join or split gaps, so pieces are compared in total);
- total area: geodesic (pyproj.Geod) sum within 1e-6 relative.
Prints the differences; exit 1 when any.

Usage: check_validate.py ALLOT_BIN FABRIC.geojson [--min-overlap M2] [--input FILE [--crs EPSG:N]]
(--input: allot reads FILE, the fabric converted to another format or CRS, instead.)
"""

import json
import subprocess
import sys

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.polygon import orient

GEOD = Geod(ellps="WGS84")
ACRE = 4046.8564224


def oriented(g):
    if g.geom_type == "Polygon":
        return orient(g, 1.0)
    return MultiPolygon([orient(p, 1.0) for p in g.geoms])


def main():
    binary, fabric = sys.argv[1], sys.argv[2]
    min_overlap = float(sys.argv[sys.argv.index("--min-overlap") + 1]) if "--min-overlap" in sys.argv else 1.0
    d = json.load(open(fabric))
    ids, geoms = [], []
    for i, f in enumerate(d["features"], 1):
        fid = f.get("id", (f.get("properties") or {}).get("id"))
        ids.append(str(fid) if fid is not None else "#%d" % i)
        geoms.append(shape(f["geometry"]))
    lon0 = np.mean([g.centroid.x for g in geoms])
    lat0 = np.mean([g.centroid.y for g in geoms])
    tr = Transformer.from_crs("EPSG:4326", "+proj=laea +lat_0=%f +lon_0=%f +ellps=WGS84" % (lat0, lon0), always_xy=True)
    proj = [shapely.transform(shapely.force_2d(g), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))) for g in geoms]
    valid = [shapely.is_valid(g) for g in proj]
    reasons = {ids[i]: shapely.is_valid_reason(g) for i, g in enumerate(geoms) if not shapely.is_valid(g)}

    target = sys.argv[sys.argv.index("--input") + 1] if "--input" in sys.argv else fabric
    crs = ["--crs", sys.argv[sys.argv.index("--crs") + 1]] if "--crs" in sys.argv else []
    p = subprocess.run([binary, "validate", target, "--format", "json", "-q"] + crs, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        print("allot exited %d: %s" % (p.returncode, p.stderr.strip()))
        sys.exit(1)
    rep = json.loads(p.stdout)
    problems = []

    total = sum(abs(GEOD.geometry_area_perimeter(oriented(shapely.force_2d(g)))[0]) for g in geoms) / ACRE
    if abs(rep["total_acres"] - total) > 1e-6 * total + 1e-6:
        problems.append("total acres: allot %.6f, pyproj %.6f" % (rep["total_acres"], total))

    got_invalid = {}
    for f in rep["findings"]:
        if f["kind"] == "invalid_geometry":
            got_invalid.setdefault(f["parcels"][0], []).append(f["message"])
    for k in sorted(set(reasons) | set(got_invalid)):
        if k not in got_invalid:
            problems.append("invalid %s: GEOS says %r, allot says nothing" % (k, reasons[k]))
        elif k not in reasons:
            problems.append("invalid %s: allot says %r, GEOS says valid" % (k, got_invalid[k]))
        elif not any(m.split(" in ")[0].split("[")[0].strip() in reasons[k] for m in got_invalid[k]):
            problems.append("invalid %s: allot %r vs GEOS %r" % (k, got_invalid[k], reasons[k]))

    tree = shapely.STRtree(proj)
    want_ov = {}
    for a, b in zip(*tree.query(proj, predicate="intersects")):
        if a < b and valid[a] and valid[b]:
            area = proj[a].intersection(proj[b]).area
            if area > min_overlap:
                want_ov[tuple(sorted((ids[a], ids[b])))] = area
    got_ov = {tuple(sorted(f["parcels"])): f["acres"] * ACRE for f in rep["findings"] if f["kind"] == "overlap"}
    for k in sorted(set(want_ov) | set(got_ov)):
        w, g = want_ov.get(k), got_ov.get(k)
        if w is None or g is None:
            # Near the threshold either side may round the other way.
            v = w if w is not None else g
            if abs(v - min_overlap) > 0.05:
                problems.append("overlap %s: shapely %s m², allot %s m²" % (k, w, g))
        elif abs(w - g) > 1e-4 * w + 0.05:
            problems.append("overlap %s: shapely %.4f m², allot %.4f m²" % (k, w, g))

    union = shapely.union_all([g for g, v in zip(proj, valid) if v])
    holes = [shapely.Polygon(r) for part in getattr(union, "geoms", [union]) for r in part.interiors]
    holes = [h.area for h in holes if h.area > 1.0]
    got_gaps = [f["acres"] * ACRE for f in rep["findings"] if f["kind"] == "gap"]
    if abs(sum(holes) - sum(got_gaps)) > 1e-3 * sum(holes) + 0.5 or (len(holes) == 0) != (len(got_gaps) == 0):
        problems.append("gaps: shapely %d totalling %.3f m² %s, allot %d totalling %.3f m² %s" % (
            len(holes), sum(holes), sorted(round(h, 2) for h in holes)[:6], len(got_gaps), sum(got_gaps),
            sorted(round(h, 2) for h in got_gaps)[:6]))

    print("%s %s: %d parcels, %d invalid, %d overlaps, %d gaps (shapely %d, %d, %d)" % (
        "FAIL" if problems else "ok  ", target, len(ids), len(got_invalid), len(got_ov), len(got_gaps),
        len(reasons), len(want_ov), len(holes)))
    for m in problems:
        print("   ", m)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
