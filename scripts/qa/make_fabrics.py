#!/usr/bin/env python3
"""Independent QA fabrics for allot, made without `allot generate`.

Writes GeoJSON (WGS84 lon/lat) fabrics into OUT_DIR, each built in UTM zone 42N metres
(EPSG:32642, near the PSM site) with shapely and projected to lon/lat with pyproj:

  voronoi.geojson     Voronoi cells of clustered random points, clipped to a 1.6 km box: plot
                      sizes over three orders of magnitude, non-convex-free but irregular, every
                      vertex shared exactly by its neighbours. Ids "V000".., land_use varied.
  voronoi-89.geojson  the same cells, every other one rounded to 8 decimals instead of 9.
  streets.geojson     a street grid: road parcels (land_use road_corridor) between blocks, each
                      block cut into plots of unequal frontage on two rows: T-junctions (plot
                      corners on the road's straight side, absent from the road's ring).
  estates.geojson     Voronoi estates, a third of them cut into 20 m x 35 m house plots by a
                      rotated grid: sizes from a few m² to 30+ acres, T-junctions on estate edges.
  mixed.geojson       real-data quirks on a small grid: a courtyard parcel (hole) and the parcel
                      in it, a MultiPolygon parcel, clockwise and counter-clockwise rings mixed,
                      repeated vertices, 3D coordinates, a neighbour with extra vertices along a
                      shared edge, coordinates rounded to 6 decimals on one side of a boundary and
                      9 on the other (overlaps of 1-5 m² there, which plan refuses), a numeric id
                      and a missing id.
  mixed7.geojson      the same with 7 decimals instead of 6 (overlaps under 1 m²: plannable).
  flawed.geojson      mixed.geojson's grid with known flaws: an overlap, a gap, a bow-tie and a
                      thin sliver parcel.
  bad-*.geojson       inputs allot must refuse (exit 2): null geometry, an unclosed ring,
                      duplicate ids, an empty FeatureCollection.

Usage: make_fabrics.py OUT_DIR [--seed N]. Deterministic for a given seed.
"""

import json
import math
import os
import sys

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping
from pyproj import Transformer

TO_LL = Transformer.from_crs("EPSG:32642", "EPSG:4326", always_xy=True)
X0, Y0 = 331000.0, 2746000.0  # near the PSM site (UTM 42N)


def ll(coords, nd=9):
    """Projects a list of (x, y[, z]) to rounded [lon, lat(, z)]."""
    out = []
    for c in coords:
        lon, lat = TO_LL.transform(c[0], c[1])
        p = [round(lon, nd), round(lat, nd)]
        if len(c) > 2:
            p.append(c[2])
        out.append(p)
    return out


def poly_ll(poly, nd=9):
    rings = [ll(poly.exterior.coords, nd)] + [ll(r.coords, nd) for r in poly.interiors]
    return rings


def feature(fid, geom, props, nd=9, key_id=True):
    if isinstance(geom, MultiPolygon):
        g = {"type": "MultiPolygon", "coordinates": [poly_ll(p, nd) for p in geom.geoms]}
    else:
        g = {"type": "Polygon", "coordinates": poly_ll(geom, nd)}
    f = {"type": "Feature", "properties": dict(props), "geometry": g}
    if fid is not None and key_id:
        f["id"] = fid
    return f


def fc(features, **top):
    d = {"type": "FeatureCollection"}
    d.update(top)
    d["features"] = features
    return d


def write(path, obj):
    with open(path, "w") as fh:
        json.dump(obj, fh, separators=(",", ":"))
        fh.write("\n")


def voronoi(rng, n_clusters=6, n=320):
    size = 1600.0
    centres = rng.uniform(0, size, (n_clusters, 2))
    spreads = rng.choice([15.0, 40.0, 120.0, 400.0], n_clusters)
    pts = []
    while len(pts) < n:
        k = rng.integers(n_clusters)
        p = centres[k] + rng.normal(0, spreads[k], 2)
        if 0 < p[0] < size and 0 < p[1] < size:
            pts.append(p)
    pts = np.array(pts) + [X0, Y0]
    frame = box(X0, Y0, X0 + size, Y0 + size)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame)
    # Clip to the frame and snap to a 1 mm grid so neighbours share vertices bit for bit.
    cells = [shapely.set_precision(c.intersection(frame), 0.001) for c in cells.geoms]
    cells = [c for c in cells if not c.is_empty and c.area > 0]
    cells.sort(key=lambda c: (round(c.centroid.y, 3), round(c.centroid.x, 3)))
    uses = ["open_land", "existing_plant", "utilities", "raw_material_yard"]
    feats = []
    for i, c in enumerate(cells):
        c = shapely.geometry.polygon.orient(c, 1.0)
        feats.append(feature(f"V{i:03d}", c, {"land_use": uses[i % 4], "access": "port" if i == 0 else ""}))
    return feats


def estates(rng, n=45, size=1600.0):
    """Voronoi estates (uniform points), a third of them cut into house plots by a 20 m x 35 m
    grid clipped to the estate: plot sizes from slivers of a few m² to estates of 30+ acres,
    and T-junctions wherever a grid line meets an estate's edge (the neighbour estate has no
    vertex there)."""
    pts = rng.uniform(0, size, (n, 2)) + [X0 + 6000, Y0]
    frame = box(X0 + 6000, Y0, X0 + 6000 + size, Y0 + size)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame)
    cells = [shapely.set_precision(c.intersection(frame), 0.001) for c in cells.geoms]
    cells = [c for c in cells if not c.is_empty and c.area > 0]
    cells.sort(key=lambda c: (round(c.centroid.y, 3), round(c.centroid.x, 3)))
    feats = []
    k = 0
    for i, c in enumerate(cells):
        if i % 3:
            feats.append(feature("E%02d" % i, shapely.geometry.polygon.orient(c, 1.0), {"land_use": "open_land"}))
            continue
        xa, ya, xb, yb = c.bounds
        ang = float(rng.uniform(0, 90))
        centre = c.centroid
        for gx in np.arange(xa - 400, xb + 400, 20.0):
            for gy in np.arange(ya - 400, yb + 400, 35.0):
                r = shapely.affinity.rotate(box(gx, gy, gx + 20, gy + 35), ang, origin=centre)
                q = c.intersection(r)
                if q.is_empty or q.area < 1.0:
                    continue
                q = shapely.set_precision(q, 0.001)
                for part in getattr(q, "geoms", [q]):
                    if part.geom_type == "Polygon" and part.area >= 1.0:
                        k += 1
                        feats.append(feature("H%04d" % k, shapely.geometry.polygon.orient(part, 1.0), {"land_use": "township" if k % 97 == 0 else "open_land"}))
    return feats


def streets(rng):
    """A 4 x 3 block grid with 20 m roads; blocks cut into two rows of unequal-frontage plots."""
    road = 20.0
    bw, bh = 260.0, 140.0
    feats = []
    nbx, nby = 4, 3
    W = nbx * bw + (nbx + 1) * road
    H = nby * bh + (nby + 1) * road
    x0, y0 = X0 + 3000, Y0
    # Horizontal roads span the full width; vertical roads fill between them.
    plots_edge = {}
    for j in range(nby + 1):
        yb = y0 + j * (bh + road)
        feats.append(("R-H%d" % j, box(x0, yb, x0 + W, yb + road), {"land_use": "road_corridor", "access": "highway" if j == 0 else ""}))
    for j in range(nby):
        yb = y0 + road + j * (bh + road)
        for i in range(nbx + 1):
            xb = x0 + i * (bw + road)
            feats.append(("R-V%d-%d" % (i, j), box(xb, yb, xb + road, yb + bh), {"land_use": "road_corridor"}))
    k = 0
    for j in range(nby):
        for i in range(nbx):
            bx = x0 + road + i * (bw + road)
            by = y0 + road + j * (bh + road)
            for row in range(2):
                ry0 = by + row * bh / 2
                xs = [0.0]
                while xs[-1] < bw - 1e-9:
                    step = float(rng.choice([12.0, 15.0, 18.0, 25.0, 40.0, 60.0]))
                    xs.append(min(bw, xs[-1] + step))
                if bw - xs[-2] < 8:  # no plot narrower than 8 m
                    xs.pop(-2)
                for a, b in zip(xs[:-1], xs[1:]):
                    k += 1
                    feats.append(("P%04d" % k, box(bx + a, ry0, bx + b, ry0 + bh / 2), {"land_use": "open_land"}))
    return [feature(fid, g, p) for fid, g, p in feats]


def mixed(nd_r6=6):
    """A 4 x 3 grid of 100 m cells with one quirk per cell."""
    c = 100.0
    x0, y0 = X0, Y0 + 3000
    cells = {}
    for j in range(3):
        for i in range(4):
            cells[(i, j)] = box(x0 + i * c, y0 + j * c, x0 + (i + 1) * c, y0 + (j + 1) * c)
    feats = []
    # (0,0) courtyard parcel with a hole, and the parcel that fills the hole.
    g = cells[(0, 0)]
    inner = box(x0 + 30, y0 + 30, x0 + 70, y0 + 70)
    feats.append(feature("COURT", Polygon(g.exterior.coords, [inner.exterior.coords]), {"land_use": "open_land"}))
    feats.append(feature("YARD", inner, {"land_use": "open_land"}))
    # (1,0) clockwise ring.
    feats.append(feature("CW", shapely.geometry.polygon.orient(cells[(1, 0)], -1.0), {"land_use": "open_land"}))
    # (2,0) and (3,0) one MultiPolygon parcel whose parts are (2,0) and (3,2) (apart).
    feats.append(feature("MULTI", MultiPolygon([cells[(2, 0)], cells[(3, 2)]]), {"land_use": "utilities"}))
    # (3,0) repeated vertices.
    g = cells[(3, 0)]
    cs = list(g.exterior.coords)
    rep = [cs[0], cs[0], cs[1], cs[2], cs[2], cs[3], cs[4]]
    f = feature("REP", Polygon(cs), {"land_use": "open_land"})
    f["geometry"]["coordinates"] = [ll(rep)]
    feats.append(f)
    # (0,1) 3D coordinates.
    g = cells[(0, 1)]
    f = feature("Z3D", g, {"land_use": "open_land"})
    f["geometry"]["coordinates"] = [ll([(x, y, 12.5) for x, y in g.exterior.coords])]
    feats.append(f)
    # (1,1) extra vertices along its west edge (shared with (0,1)), every 10 m.
    g = cells[(1, 1)]
    xa, ya, xb, yb = g.bounds
    ring = [(xa, ya), (xb, ya), (xb, yb), (xa, yb)] + [(xa, yb - t) for t in range(10, 100, 10)] + [(xa, ya)]
    feats.append(feature("DENSE", Polygon(ring), {"land_use": "open_land"}))
    # (2,1) rounded to 6 decimals (about 0.1 m); its east neighbour (3,1) to 9.
    feats.append(feature("R6", cells[(2, 1)], {"land_use": "open_land"}, nd=nd_r6))
    # (3,1) numeric id.
    f = feature(None, cells[(3, 1)], {"land_use": "open_land"})
    f["id"] = 31
    feats.append(f)
    # (0,2) id only in properties; (1,2) no id at all; (2,2) plain.
    feats.append(feature(None, cells[(0, 2)], {"id": "PROPID", "land_use": "open_land"}))
    feats.append(feature(None, cells[(1, 2)], {"land_use": "open_land"}))
    feats.append(feature("PLAIN", cells[(2, 2)], {"land_use": "open_land"}))
    return feats, cells


def flawed(cells):
    """Known flaws on the same grid: overlap 10 m x 100 m, an enclosed gap 5 m x 100 m, a bow-tie, a sliver."""
    c = 100.0
    x0, y0 = X0, Y0 + 6000
    sh = lambda g: shapely.affinity.translate(g, 0, 3000)
    feats = []
    for (i, j), g in sorted(cells.items()):
        g = sh(g)
        fid = "F%d%d" % (i, j)
        if (i, j) == (1, 0):
            g = box(g.bounds[0] - 10, g.bounds[1], g.bounds[2], g.bounds[3])  # overlaps F00 by 1000 m²
        if (i, j) == (1, 1):
            g = box(g.bounds[0], g.bounds[1], g.bounds[2] - 5, g.bounds[3])  # 500 m² gap to F21, enclosed
        if (i, j) == (2, 2):
            xa, ya, xb, yb = g.bounds
            f = feature(fid, g, {})
            f["geometry"]["coordinates"] = [ll([(xa, ya), (xb, yb), (xb, ya), (xa, yb), (xa, ya)])]
            feats.append(f)
            continue
        feats.append(feature(fid, g, {}))
    # A 0.05 m wide sliver along the top of F01..F31 (valid, tiny).
    xa, ya, xb, yb = sh(cells[(0, 2)]).bounds
    feats.append(feature("SLIVER", box(xa, yb, xa + 200, yb + 0.05), {}))
    return feats


def main():
    out = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = np.random.default_rng(seed)
    os.makedirs(out, exist_ok=True)
    vor = voronoi(rng)
    write(os.path.join(out, "voronoi.geojson"), fc(vor))
    # The same cells with every other one rounded to 8 decimals: the two sides of each shared
    # edge differ by up to 1 mm (hairline gaps and overlaps, all under 1 m²).
    vor8 = json.loads(json.dumps(vor))
    for i, f in enumerate(vor8):
        if i % 2:
            f["geometry"]["coordinates"] = [[[round(x, 8), round(y, 8)] for x, y in r] for r in f["geometry"]["coordinates"]]
    write(os.path.join(out, "voronoi-89.geojson"), fc(vor8))
    write(os.path.join(out, "streets.geojson"), fc(streets(rng)))
    write(os.path.join(out, "estates.geojson"), fc(estates(rng)))
    m, cells = mixed()
    write(os.path.join(out, "mixed.geojson"), fc(m))
    write(os.path.join(out, "mixed7.geojson"), fc(mixed(nd_r6=7)[0]))
    write(os.path.join(out, "flawed.geojson"), fc(flawed(cells)))
    sq = [[[67.3, 24.8], [67.301, 24.8], [67.301, 24.801], [67.3, 24.801], [67.3, 24.8]]]
    ok = {"type": "Feature", "id": "A", "properties": {}, "geometry": {"type": "Polygon", "coordinates": sq}}
    write(os.path.join(out, "bad-null-geometry.geojson"), fc([ok, {"type": "Feature", "id": "N", "properties": {}, "geometry": None}]))
    unclosed = json.loads(json.dumps(ok))
    unclosed["geometry"]["coordinates"][0].pop()
    write(os.path.join(out, "bad-unclosed.geojson"), fc([unclosed]))
    write(os.path.join(out, "bad-empty.geojson"), fc([]))


if __name__ == "__main__":
    main()
