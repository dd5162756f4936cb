#!/usr/bin/env python3
"""Real-looking land for allot's QA, made without allot's code (and without make_fabrics.py's).

A fabric is laid out in local metres (a transverse Mercator on WGS84 centred on the place) with
shapely, then projected to lon/lat with pyproj:

- a jagged outline (a star-shaped polygon, radius jittered by angle);
- streets carved as corridors: a few long roads at random angles and shorter lanes, buffered
  8-16 m wide with flat ends, cut into corridor parcels (`road_corridor`) by a coarse grid, so
  a street parcel crossing another street is one polygon and a cell holding two disjoint street
  pieces is a MultiPolygon; one street is a rail line (`rail_corridor`);
- the blocks between streets, each one of: house plots (two rows of unequal frontage, 10-35 m
  wide, 20-40 m deep: T-junctions on the back line and on the street sides), agricultural
  strips (20-60 m wide across the block), an estate (the whole block, or split in two or
  three), or Voronoi plots (random points in the block). Plot sizes run from a few hundred m²
  to tens of acres;
- slivers (a 0.6-1.5 m strip cut off a plot as its own parcel), a courtyard (a square hole in a
  large plot, owned by another parcel), MultiPolygons (two plots facing each other across a
  street under one id), extra vertices on one side of a shared edge (a plot's ring densified,
  its neighbour's not), and coordinates rounded per plot (`--round`: `mixed` 8 or 10 decimals,
  `mixed6` 6, 8 or 10, which leaves overlaps and gaps of a few m² and some self-intersections,
  as 6-decimal writers do to real data);
- properties like the PSM data's (`id`, `land_use`, `access`: `port` along the outline's
  south-east side, `rail` beside the rail line, `highway` beside the widest road) with `--props
  psm`, only an `id` with `--props id`, or none at all with `--props none`.

Usage: make_land.py OUT.geojson --place karachi|tromso|capetown|fiji|quito [--seed N]
       [--radius M] [--round mixed|mixed6|6|7|8|10] [--props psm|id|none] [--blocks house=W,strips=W,...]
Deterministic for a given seed. Prints one JSON line: parcels, acres, smallest and largest plot.
"""

import argparse
import json
import math
import random

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping
from shapely.ops import voronoi_diagram

PLACES = {
    "karachi": (67.30, 24.80),  # Bin Qasim
    "tromso": (18.95, 69.65),  # high latitude
    "capetown": (18.60, -33.95),  # southern hemisphere
    "fiji": (179.70, -16.80),  # near (not across) the antimeridian
    "quito": (-78.50, -0.10),  # the equator, west of Greenwich
}
ACRE = 4046.8564224


def outline(rng, radius):
    n = 48
    pts = []
    for k in range(n):
        a = 2 * math.pi * k / n
        r = radius * (0.8 + 0.25 * rng.random() + 0.1 * math.sin(3 * a + 1))
        pts.append((r * math.cos(a), r * math.sin(a)))
    return Polygon(pts).buffer(0)


def streets(rng, radius):
    """Returns [(polygon, land_use)] of street corridors (buffered lines, flat ends)."""
    out = []
    # Long roads across the site.
    for k in range(3):
        a = rng.uniform(0, math.pi)
        off = rng.uniform(-0.4, 0.4) * radius
        dx, dy = math.cos(a), math.sin(a)
        cx, cy = -dy * off, dx * off
        L = 2.5 * radius
        line = LineString([(cx - dx * L, cy - dy * L), (cx + dx * L, cy + dy * L)])
        w = 16 if k == 0 else rng.uniform(10, 14)
        out.append((line.buffer(w / 2, cap_style="flat"), "road_corridor" if k != 2 else "rail_corridor", k))
    # Lanes: shorter, ending on the site.
    for _ in range(5):
        x, y = rng.uniform(-0.6, 0.6) * radius, rng.uniform(-0.6, 0.6) * radius
        a = rng.uniform(0, math.pi)
        L = rng.uniform(0.3, 0.7) * radius
        line = LineString([(x, y), (x + L * math.cos(a), y + L * math.sin(a))])
        out.append((line.buffer(rng.uniform(8, 10) / 2, cap_style="flat"), "road_corridor", 3))
    return out


def rows_of_plots(rng, block):
    """Two rows of unequal frontage along the block's long axis."""
    mrr = block.minimum_rotated_rectangle
    c = list(mrr.exterior.coords)
    e1 = np.subtract(c[1], c[0])
    e2 = np.subtract(c[2], c[1])
    if np.hypot(*e1) < np.hypot(*e2):
        e1, e2 = e2, e1
    ang = math.atan2(e1[1], e1[0])
    o = block.centroid
    rot = shapely.affinity.rotate(block, -ang, origin=o, use_radians=True)
    x0, y0, x1, y1 = rot.bounds
    cells = []
    depth = y1 - y0
    # Rows 20-40 m deep; blocks deeper than two rows get more rows.
    nrows = max(1, int(round(depth / rng.uniform(25, 40))))
    ys = [y0 + depth * k / nrows for k in range(nrows + 1)]
    for r in range(nrows):
        x = x0
        while x < x1:
            w = rng.uniform(10, 35)
            if x1 - (x + w) < 8:
                w = x1 - x
            cells.append(box(x, ys[r], x + w, ys[r + 1]))
            x += w
    out = []
    for cell in cells:
        back = shapely.affinity.rotate(cell, ang, origin=o, use_radians=True)
        p = block.intersection(back)
        out.extend(polys(p))
    return out


def strips(rng, block):
    mrr = block.minimum_rotated_rectangle
    c = list(mrr.exterior.coords)
    e1 = np.subtract(c[1], c[0])
    e2 = np.subtract(c[2], c[1])
    if np.hypot(*e1) < np.hypot(*e2):
        e1, e2 = e2, e1
    ang = math.atan2(e1[1], e1[0])
    o = block.centroid
    rot = shapely.affinity.rotate(block, -ang, origin=o, use_radians=True)
    x0, y0, x1, y1 = rot.bounds
    out = []
    x = x0
    while x < x1:
        w = rng.uniform(20, 60)
        if x1 - (x + w) < 15:
            w = x1 - x
        cell = shapely.affinity.rotate(box(x, y0 - 1, x + w, y1 + 1), ang, origin=o, use_radians=True)
        out.extend(polys(block.intersection(cell)))
        x += w
    return out


def voronoi_plots(rng, block, n):
    x0, y0, x1, y1 = block.bounds
    pts = []
    while len(pts) < n:
        p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if block.contains(p):
            pts.append(p)
    cells = voronoi_diagram(shapely.MultiPoint(pts), envelope=block.buffer(10))
    out = []
    for cell in cells.geoms:
        out.extend(polys(block.intersection(cell)))
    return out


def estate(rng, block):
    k = rng.choice([1, 1, 2, 3])
    if k == 1:
        return [block]
    return voronoi_plots(rng, block, k)


def polys(g):
    if g.is_empty:
        return []
    if g.geom_type == "Polygon":
        return [g] if g.area > 1.0 else []
    if hasattr(g, "geoms"):
        return [p for q in g.geoms for p in polys(q)]
    return []


def densify(poly, step):
    return shapely.segmentize(poly, step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--place", default="karachi", choices=sorted(PLACES))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--radius", type=float, default=900.0)
    ap.add_argument("--round", default="mixed", choices=["mixed", "mixed6", "6", "7", "8", "10"])
    ap.add_argument("--props", default="psm", choices=["psm", "id", "none"])
    ap.add_argument("--blocks", default="house=2,strips=2,estate=3,voronoi=2")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    lon0, lat0 = PLACES[a.place]
    to_ll = Transformer.from_crs(
        "+proj=tmerc +lat_0=%f +lon_0=%f +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m" % (lat0, lon0),
        "EPSG:4326", always_xy=True)

    site = outline(rng, a.radius)
    st = streets(rng, a.radius)
    parcels = []  # (geometry, land_use, role)
    taken = shapely.Polygon()
    for g, use, k in st:
        g = g.intersection(site).difference(taken)
        if g.is_empty:
            continue
        taken = taken.union(g)
        parcels.append((g, use, "street%d" % k))
    # Street corridors cut by a coarse grid into corridor parcels.
    streets_union = taken
    cut = []
    R = a.radius * 1.3
    step = 350.0
    for p in list(parcels):
        g, use, role = p
        for gx in np.arange(-R, R, step):
            for gy in np.arange(-R, R, step):
                piece = g.intersection(box(gx, gy, gx + step, gy + step))
                ps = polys(piece)
                if ps:
                    cut.append((ps[0] if len(ps) == 1 else MultiPolygon(ps), use, role))
    parcels = cut
    blocks = polys(site.difference(streets_union.buffer(0.0)))
    weights = {}
    for kv in a.blocks.split(","):
        k, v = kv.split("=")
        weights[k] = float(v)
    kinds = sorted(weights)
    # Large blocks are first parted into sub-blocks of about 6-20 acres (no street between them).
    subs = []
    for b in sorted(blocks, key=lambda p: (round(p.centroid.x, 3), round(p.centroid.y, 3))):
        n = int(b.area / ACRE / rng.uniform(6, 20))
        if n >= 2 and b.area / ACRE < 90 and rng.random() < 0.3:
            parcels.append((b, rng.choice(["existing_plant", "open_land"]), "estate"))
            continue
        subs.extend(voronoi_plots(rng, b, n) if n >= 2 else [b])
    for b in subs:
        acres = b.area / ACRE
        if acres < 0.5:
            parcels.append((b, "open_land", "leftover"))
            continue
        kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
        if kind == "house":
            parcels.extend((p, "residential", "house") for p in rows_of_plots(rng, b))
        elif kind == "strips":
            parcels.extend((p, "agriculture", "strip") for p in strips(rng, b))
        elif kind == "estate":
            parcels.extend((p, rng.choice(["existing_plant", "open_land", "raw_material_yard"]), "estate")
                           for p in estate(rng, b))
        else:
            n = max(3, int(b.area / rng.choice([800, 3000, 12000])))
            parcels.extend((p, rng.choice(["open_land", "utilities", "existing_plant", "encroached"]), "voronoi")
                           for p in voronoi_plots(rng, b, min(n, 80)))

    # Slivers: a 0.6-1.5 m strip cut off a few plots along one side.
    plots = [i for i, (g, _, r) in enumerate(parcels) if r in ("house", "strip", "voronoi") and g.geom_type == "Polygon"]
    rng.shuffle(plots)
    extra = []
    for i in plots[:4]:
        g, use, role = parcels[i]
        c = list(g.exterior.coords)
        e = max(range(len(c) - 1), key=lambda k: math.dist(c[k], c[k + 1]))
        line = LineString([c[e], c[e + 1]])
        sl = g.intersection(line.buffer(rng.uniform(0.6, 1.5), cap_style="flat"))
        rest = g.difference(sl)
        if sl.geom_type == "Polygon" and rest.geom_type == "Polygon" and sl.area > 1:
            parcels[i] = (rest, use, role)
            extra.append((sl, "open_land", "sliver"))
    parcels.extend(extra)
    # A courtyard: a square hole in the largest estate, owned by another parcel.
    est = [i for i, (g, _, r) in enumerate(parcels) if r == "estate" and g.geom_type == "Polygon"]
    if est:
        i = max(est, key=lambda k: parcels[k][0].area)
        g, use, role = parcels[i]
        c = g.representative_point()
        s = min(30.0, math.sqrt(g.area) / 6)
        court = box(c.x - s, c.y - s, c.x + s, c.y + s)
        if Polygon(g.exterior).buffer(-1).contains(court) and not any(
                Polygon(r).intersects(court.buffer(1)) for r in g.interiors):
            holes = [r.coords for r in g.interiors] + [court.exterior.coords]
            parcels[i] = (Polygon(g.exterior.coords, holes), use, role)
            parcels.append((court, "utilities", "courtyard"))
    # MultiPolygons: two house plots facing each other across a street under one id.
    houses = [i for i, (g, _, r) in enumerate(parcels) if r == "house"]
    merged = set()
    for i in houses[: len(houses) // 2: 37]:
        gi = parcels[i][0]
        for j in houses:
            if j == i or j in merged or i in merged:
                continue
            gj = parcels[j][0]
            d = gi.distance(gj)
            if 6 < d < 20 and gi.geom_type == "Polygon" and gj.geom_type == "Polygon":
                parcels[i] = (MultiPolygon([gi, gj]), parcels[i][1], "house2")
                merged.update((i, j))
                break
    parcels = [p for k, p in enumerate(parcels) if not (k in merged and p[2] == "house")]

    # Access along the south-east side, the rail line and the first (widest) road.
    se = LineString([(a.radius * 2, -a.radius * 0.2), (a.radius * 0.2, -a.radius * 2)]).buffer(a.radius * 1.2)
    boundary = site.exterior.buffer(2)
    rail = [g for g, u, r in parcels if r == "street2"]
    hw = [g for g, u, r in parcels if r == "street0"]
    railu = shapely.union_all(rail).buffer(1.0) if rail else None
    hwu = shapely.union_all(hw).buffer(1.0) if hw else None

    # Snap every parcel to one 1 cm grid (neighbours snap alike): the boolean operations above
    # leave near-degenerate spikes that would self-intersect once rounded.
    snapped = []
    for g, use, role in parcels:
        # Long straight edges (street sides of 350 m) get a vertex every 50 m: a straight metre
        # edge is a curve in lon/lat, and plot corners on it (T-junctions) would stand off the
        # chord by centimetres, overlapping the street by m² over its length.
        ps = polys(shapely.set_precision(shapely.segmentize(g, 50.0), 0.01))
        if not ps:
            continue
        g2 = ps[0] if len(ps) == 1 else MultiPolygon(ps)
        if g.geom_type == "Polygon" and len(ps) > 1:
            snapped.extend((p, use, role) for p in ps)
        else:
            snapped.append((g2, use, role))
    parcels = snapped

    feats = []
    order = sorted(range(len(parcels)), key=lambda k: (round(parcels[k][0].centroid.y, 2), round(parcels[k][0].centroid.x, 2)))
    for n, k in enumerate(order):
        g, use, role = parcels[k]
        g = shapely.geometry.polygon.orient(g, 1.0) if g.geom_type == "Polygon" else MultiPolygon(
            [shapely.geometry.polygon.orient(p, 1.0) for p in g.geoms])
        if role in ("house", "strip") and rng.random() < 0.15:
            g = densify(g, rng.uniform(2.0, 6.0))
        acc = []
        if role not in ("street0", "street1", "street2", "street3", "sliver"):
            if g.intersection(boundary).length > 30 and g.intersects(se):
                acc.append("port")
            if railu is not None and g.intersection(railu).area > 10:
                acc.append("rail")
            if hwu is not None and g.intersection(hwu).area > 10:
                acc.append("highway")
        nd = {"mixed": rng.choice([8, 10]), "mixed6": rng.choice([6, 8, 10]), "6": 6, "7": 7, "8": 8, "10": 10}[a.round]

        def ring(cs):
            xs, ys = to_ll.transform([c[0] for c in cs], [c[1] for c in cs])
            return [[round(x, nd), round(y, nd)] for x, y in zip(xs, ys)]

        def poly(p):
            return [ring(p.exterior.coords)] + [ring(r.coords) for r in p.interiors]

        if g.geom_type == "Polygon":
            geom = {"type": "Polygon", "coordinates": poly(g)}
        else:
            geom = {"type": "MultiPolygon", "coordinates": [poly(p) for p in g.geoms]}
        pid = "%s-%04d" % (a.place[:3].upper(), n)
        if a.props == "psm":
            props = {"id": pid, "land_use": use}
            if acc:
                props["access"] = acc
        elif a.props == "id":
            props = {"id": pid}
        else:
            props = {}
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    fc = {"type": "FeatureCollection", "features": feats}
    with open(a.out, "w") as f:
        json.dump(fc, f)
    areas = [parcels[k][0].area / ACRE for k in order]
    print(json.dumps({"out": a.out, "parcels": len(feats), "acres": round(sum(areas), 2),
                      "min_acres": round(min(areas), 4), "median_acres": round(float(np.median(areas)), 4),
                      "max_acres": round(max(areas), 2),
                      "access": sum(1 for f in feats if f["properties"].get("access"))}))


if __name__ == "__main__":
    main()
