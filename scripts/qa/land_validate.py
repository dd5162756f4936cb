#!/usr/bin/env python3
"""`allot validate` on a fabric, clean and with injected defects, against shapely and pyproj.

For FABRIC.geojson (e.g. from make_land.py) it writes WORK/<stem>-defects.geojson with:
- an overlap: a copy of a plot shifted 3 m east and 2 m north under a new id (it overlaps the
  plot and its neighbours);
- a gap: an interior plot (every side shared) removed;
- an invalid ring: a bow-tie (two vertices of a plot swapped), whose land allot, as it says,
  leaves out of the overlap and gap checks (it shows as a gap);
then runs `allot validate --format json` on both files and compares with the truth computed
here: invalid parcels (GEOS `is_valid_reason`), overlapping pairs and their areas, and gaps
(holes of the union of the valid parcels), in a local Lambert equal-area projection on WGS84
where each hole of GEOS's union is made valid and has the parcels covering it taken out (GEOS's
union of hairline-misaligned neighbours can return self-crossing hole rings). Areas within 2 m² of the
1 m² threshold may fall either side (geodesic edges against projected straight ones).

Usage: land_validate.py ALLOT_BIN FABRIC.geojson WORK_DIR [--seed N]
Prints one line per file (ok/FAIL) and the differences. Exit 1 on any difference.
"""

import json
import os
import random
import subprocess
import sys

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

THRESHOLD = 1.0  # m², allot's default --min-overlap and --min-gap
NEAR = 2.0  # m²: areas under this may fall either side of the threshold


def pid_of(f, i):
    fid = f.get("id", (f.get("properties") or {}).get("id"))
    return str(fid) if fid is not None else "#%d" % (i + 1)


def truth(fc):
    feats = fc["features"]
    ids = [pid_of(f, i) for i, f in enumerate(feats)]
    ll = [shapely.force_2d(shape(f["geometry"])) for f in feats]
    invalid = {ids[i]: shapely.is_valid_reason(g) for i, g in enumerate(ll) if not g.is_valid}
    lon0 = float(np.mean([g.centroid.x for g in ll]))
    lat0 = float(np.mean([g.centroid.y for g in ll]))
    tr = Transformer.from_crs("EPSG:4326", "+proj=laea +lat_0=%f +lon_0=%f +ellps=WGS84" % (lat0, lon0),
                              always_xy=True)
    proj = [shapely.transform(g, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))) for g in ll]
    valid = [ids[i] not in invalid for i in range(len(ids))]
    tree = shapely.STRtree(proj)
    overlaps = {}
    for a, b in zip(*tree.query(proj, predicate="intersects")):
        if a < b and valid[a] and valid[b]:
            ar = proj[a].intersection(proj[b]).area
            if ar > THRESHOLD:
                overlaps[tuple(sorted((ids[a], ids[b])))] = ar
    kept = [g for g, v in zip(proj, valid) if v]
    union = shapely.union_all(kept)
    holes = []
    vtree = shapely.STRtree(kept)
    for part in getattr(union, "geoms", [union]):
        for r in part.interiors:
            h = shapely.make_valid(shapely.Polygon(r))
            # GEOS's union of hairline-misaligned neighbours can return a self-crossing hole
            # ring, or one that parcels cover: keep only what no parcel covers.
            near = [kept[k] for k in vtree.query(h)]
            if near:
                h = h.difference(shapely.union_all(near))
            if h.area > THRESHOLD:
                holes.append(h.area)
    return invalid, overlaps, sorted(holes)


def compare(binary, path):
    fc = json.load(open(path))
    p = subprocess.run([binary, "validate", path, "--format", "json", "-q"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return ["validate exit %d: %s" % (p.returncode, p.stderr.strip()[:300])], None
    rep = json.loads(p.stdout)
    invalid, overlaps, holes = truth(fc)
    problems = []
    got_invalid = {f["parcels"][0]: f["message"] for f in rep["findings"] if f["kind"] == "invalid_geometry"}
    for k in sorted(set(invalid) | set(got_invalid)):
        if k not in got_invalid:
            problems.append("invalid %s: GEOS %r, allot nothing" % (k, invalid[k]))
        elif k not in invalid:
            problems.append("invalid %s: allot %r, GEOS valid" % (k, got_invalid[k]))
        elif got_invalid[k].split(" in ")[0].split("[")[0].strip() not in invalid[k]:
            problems.append("invalid %s: allot %r, GEOS %r" % (k, got_invalid[k], invalid[k]))
    got_ov = {tuple(sorted(f["parcels"])): f["acres"] * 4046.8564224 for f in rep["findings"] if f["kind"] == "overlap"}
    for k in sorted(set(overlaps) | set(got_ov)):
        w, g = overlaps.get(k), got_ov.get(k)
        if w is None or g is None:
            if (w or g) > NEAR:
                problems.append("overlap %s: shapely %s m², allot %s m²" % (k, w, g))
        elif abs(w - g) > 1e-3 * w + 0.05:
            problems.append("overlap %s: shapely %.3f m², allot %.3f m²" % (k, w, g))
    got_gaps = sorted(f["acres"] * 4046.8564224 for f in rep["findings"] if f["kind"] == "gap")
    # Each gap over NEAR on one side matches one on the other within 1e-3 (+0.1 m²); the
    # partner may be under NEAR (or missing under the threshold) only when it is itself under
    # NEAR + its tolerance.
    def unmatched(xs, ys):
        ys = list(ys)
        out = []
        for x in xs:
            if x <= NEAR:
                continue
            k = next((k for k, y in enumerate(ys) if abs(x - y) <= 1e-3 * x + 0.1), None)
            if k is None:
                out.append(round(x, 2))
            else:
                ys.pop(k)
        return out
    miss, extra = unmatched(holes, got_gaps), unmatched(got_gaps, holes)
    if miss or extra:
        problems.append("gaps: shapely only %s, allot only %s" % (miss, extra))
    other = sorted({f["kind"] for f in rep["findings"]} - {"invalid_geometry", "overlap", "gap"})
    if other:
        problems.append("other findings: %s" % other)
    summary = {"parcels": len(fc["features"]), "invalid": len(got_invalid), "overlaps": len(got_ov),
               "gaps": len(got_gaps), "gap_m2": [round(h, 2) for h in got_gaps][-6:],
               "truth": [len(invalid), len(overlaps), len(holes)]}
    return problems, summary


def inject(fc, seed):
    rng = random.Random(seed)
    feats = json.loads(json.dumps(fc["features"]))
    geoms = [shape(f["geometry"]) for f in feats]
    tree = shapely.STRtree(geoms)
    plots = [i for i, f in enumerate(feats) if f["geometry"]["type"] == "Polygon"
             and len(f["geometry"]["coordinates"]) == 1 and 5 <= len(f["geometry"]["coordinates"][0]) <= 7]
    rng.shuffle(plots)
    # An interior plot: its boundary lies wholly on its neighbours' (1e-7° snapping).
    gap = None
    for i in plots:
        nb = [j for j in tree.query(geoms[i].buffer(1e-6)) if j != i]
        cover = shapely.union_all([geoms[j].buffer(2e-7) for j in nb])
        if geoms[i].boundary.difference(cover).length < 1e-9:
            gap = i
            break
    ov, bow = [k for k in plots if k != gap][:2]
    c = feats[ov]["geometry"]["coordinates"][0]
    dup = {"type": "Feature", "properties": dict(feats[ov].get("properties") or {}, id="X-overlap"),
           "geometry": {"type": "Polygon", "coordinates": [[[x + 3e-5, y + 2e-5] for x, y in c]]}}
    r = feats[bow]["geometry"]["coordinates"][0]
    r[1], r[2] = r[2], r[1]
    if gap is None:
        raise SystemExit("no interior plot to remove")
    gone = pid_of(feats[gap], gap)
    feats = [f for k, f in enumerate(feats) if k != gap] + [dup]
    return {"type": "FeatureCollection", "features": feats}, {
        "removed (gap)": gone, "shifted copy (overlap)": pid_of(fc["features"][ov], ov),
        "bow-tie": pid_of(fc["features"][bow], bow)}


def main():
    binary, fabric, work = sys.argv[1], sys.argv[2], sys.argv[3]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    os.makedirs(work, exist_ok=True)
    fc = json.load(open(fabric))
    stem = os.path.splitext(os.path.basename(fabric))[0]
    bad, what = inject(fc, seed)
    bad_path = os.path.join(work, stem + "-defects.geojson")
    json.dump(bad, open(bad_path, "w"))
    fail = 0
    for path, note in [(fabric, "clean"), (bad_path, "injected %s" % what)]:
        problems, summary = compare(binary, path)
        print("%s %s (%s): %s" % ("FAIL" if problems else "ok  ", os.path.basename(path), note, summary))
        for m in problems:
            print("    ", m)
        fail |= bool(problems)
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
