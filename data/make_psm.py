#!/usr/bin/env python3
"""Generate the bundled *illustrative* Pakistan Steel Mills (PSM) site data for allot.

No surveyed boundary of the PSM main plant land is public, and published figures disagree
by hundreds of acres, so this script builds a plausible parcel fabric from a handful of
public figures (see data/README.md for each figure and its source).  It is not a survey.

Python 3 standard library only, deterministic (fixed seed).  Rebuild with:

    python3 data/make_psm.py

Writes, next to this script:
    psm-site.geojson      parcel fabric (clean tessellation), land_use and access per parcel
    psm-boundary.geojson  outline of the whole fabric (one Polygon)
    psm-proposal.geojson  the fabric with a proposed `zone` per parcel and deliberate flaws

How the fabric is made: a tensor-product lattice (columns and rows alternating ~280-600 m
blocks and ~30-60 m road strips, one 70 m rail strip), rotated to run with the N-5, gently
warped and with every lattice vertex jittered by a few metres.  Cells inside an irregular
outline are kept.  Block cells become parcels; road cells of a road row are merged into long
corridor parcels (rings include every intermediate lattice vertex, so neighbours share edges
exactly); road cells of a road column become one parcel per block row.  Every lattice vertex
is converted to lon/lat once and rounded to 7 decimals, so shared vertices are identical.
"""

import json
import math
import os
import random

# ---------------------------------------------------------------------------------------
# Inputs (public figures; see data/README.md).  None of these is a survey value.
# ---------------------------------------------------------------------------------------
SEED = 20250107                      # fixed seed (date of the 700/3,200-acre agreement)
PLANT_LON, PLANT_LAT = 67.352440, 24.809977   # gem.wiki: PSM plant location
TARGET_TOTAL_ACRES = 10300.0         # main plant land: Dawn 2018 10,278; BR Jan 2024 10,390
PLANT_OCCUPIED_ACRES = 4400.0        # Express Tribune 2020: ~4,457 acres occupied by plants
RESERVOIR_ACRES = 200.0              # Business Recorder Jan 2024: 200-acre water reservoir
ENCROACHED_ACRES = 350.0             # modelled share of the ~2,000 acres reported encroached (2022)
TOWNSHIP_FRINGE_ACRES = 100.0        # fringe next to Steel Town along N-5 (illustrative)
RAW_YARD_ACRES = 500.0               # raw-material yards toward the port conveyor (illustrative)
MILL_TARGET_ACRES = 700.0            # BR 7 Jan 2025; Dawn 11 Jul 2025: 700 acres to Sindh
PARK_TARGET_ACRES = 3200.0           # BR 7 Jan 2025: industrial park on 3,200 acres
# The zones the data describes (metadata.zones, priority order): a steel mill lives on raw
# materials landed at Port Qasim, so it needs port or rail frontage. The park would want the
# N-5 (highway access), but with that rule today's search either cuts the retained land in two
# (seed 1) or finds no park that keeps it whole (seeds 2, 3), so it is left out for now.
ZONES = [
    {"name": "sindh_mill", "target_acres": MILL_TARGET_ACRES, "tolerance_acres": 1.0,
     "access": ["port", "rail"]},
    {"name": "industrial_park", "target_acres": PARK_TARGET_ACRES, "tolerance_acres": 1.0},
]
PROPOSAL_MILL_PIECES_ACRES = (430.0, 290.0)   # the flawed proposal's two mill pieces (targets)
OVERLAP_ACRES = 3.0                  # size of the proposal's deliberate overlap
GRID_ROTATION_DEG = -15.0            # lattice turned to run ESE, roughly with the N-5 here

ACRE_M2 = 4046.8564224
UNAVAILABLE = ("water_reservoir", "encroached", "township_fringe")

# WGS84
WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_E = math.sqrt(WGS84_E2)

OUT_DIR = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------------------
# Geodesic area: Lambert cylindrical equal-area projection on the authalic sphere.
# x = R_q * lon, y = R_q * sin(authalic latitude); the projection preserves ellipsoidal
# area exactly, so the shoelace area of the projected ring differs from the geodesic-edge
# area only by the (tiny, ~1e-6 relative for these sizes) straight-edge vs geodesic effect.
# ---------------------------------------------------------------------------------------
def _q(sinphi):
    es = WGS84_E * sinphi
    return (1.0 - WGS84_E2) * (sinphi / (1.0 - es * es)
                               - (1.0 / (2.0 * WGS84_E)) * math.log((1.0 - es) / (1.0 + es)))


_QP = _q(1.0)
_RQ2 = WGS84_A * WGS84_A * _QP / 2.0


def ring_area_m2(ring):
    """Signed area (m^2, counter-clockwise positive) of a lon/lat ring on WGS84."""
    pts = [(math.radians(lon), _q(math.sin(math.radians(lat))) / _QP) for lon, lat in ring]
    if pts[0] == pts[-1]:
        pts = pts[:-1]
    x0, y0 = pts[0]
    s = 0.0
    n = len(pts)
    for i in range(n):
        x1, y1 = pts[i][0] - x0, pts[i][1] - y0
        x2, y2 = pts[(i + 1) % n][0] - x0, pts[(i + 1) % n][1] - y0
        s += x1 * y2 - x2 * y1
    return _RQ2 * s / 2.0


def acres(ring):
    return ring_area_m2(ring) / ACRE_M2


# ---------------------------------------------------------------------------------------
# Lattice
# ---------------------------------------------------------------------------------------
K = 16            # block columns (A..P, west to east)
J = 12            # block rows (1..12, north (N-5) to south)
RAIL_ROAD_ROW = 1  # road row between block rows 2 and 3 carries the rail corridor
RAIL_EAST_END = 11  # rail corridor runs from the west edge to road column 11
CHANNEL_ROAD_COL = 6     # road column carrying the sea-water channel / conveyor
CHANNEL_FIRST_ROW = 7    # channel occupies that road column from block row 8 southward

# Irregular outline: for each block row j (north to south) the first and last block
# column kept.  Row 1 fronts the N-5; the south-west corner is cut back by the creeks.
ROW_RANGES = [
    (1, 14), (0, 15), (0, 15), (0, 15), (0, 14), (1, 15),
    (1, 15), (2, 14), (3, 14), (4, 13), (5, 13), (7, 12),
]
# Lattice columns: 0 road, 1 block, 2 road, ..., 2K road.  Lattice rows: 0 block (N-5
# frontage), 1 road, 2 block, ..., 2J-2 block.  Vertex (r, c) is the corner at row line r
# (0 = north edge) and column line c (0 = west edge).
NCOL = 2 * K + 1
NROW = 2 * J - 1


def col_is_road(c):
    return c % 2 == 0


def row_is_road(r):
    return r % 2 == 1


def row_range(r):
    """Lattice columns kept in lattice row r, inclusive."""
    if not row_is_road(r):
        a, b = ROW_RANGES[r // 2]
        return 2 * a, 2 * b + 2
    a1, b1 = ROW_RANGES[(r - 1) // 2]
    a2, b2 = ROW_RANGES[(r + 1) // 2]
    return 2 * min(a1, a2), 2 * max(b1, b2) + 2


def draw_lattice(rng):
    widths = []
    for c in range(NCOL):
        widths.append(rng.uniform(30.0, 60.0) if col_is_road(c) else rng.uniform(280.0, 600.0))
    heights = []
    for r in range(NROW):
        if row_is_road(r):
            heights.append(70.0 if (r - 1) // 2 == RAIL_ROAD_ROW else rng.uniform(30.0, 60.0))
        else:
            heights.append(rng.uniform(280.0, 600.0))
    jitter = {}
    for r in range(NROW + 1):
        for c in range(NCOL + 1):
            jitter[(r, c)] = (rng.uniform(-2.5, 2.5), rng.uniform(-2.5, 2.5))
    return widths, heights, jitter


def lattice_local(widths, heights, jitter, scale):
    """Vertex (r, c) -> local metres (east, north) relative to the plant point."""
    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w * scale)
    ys = [0.0]
    for h in heights:
        ys.append(ys[-1] + h * scale)
    # the plant point sits at the middle of the crossing of road column 8 and road row 5
    cx = (xs[2 * 8] + xs[2 * 8 + 1]) / 2.0
    cy = (ys[2 * 5 + 1] + ys[2 * 5 + 2]) / 2.0
    th = math.radians(GRID_ROTATION_DEG)
    ct, st = math.cos(th), math.sin(th)
    local = {}
    for r in range(NROW + 1):
        for c in range(NCOL + 1):
            u = xs[c] - cx
            v = cy - ys[r]
            # gentle warp so the roads are not ruler-straight, then per-vertex jitter
            u2 = u + 35.0 * math.sin(2 * math.pi * v / 5200.0)
            v2 = v + 60.0 * math.sin(2 * math.pi * u / 8300.0)
            jx, jy = jitter[(r, c)]
            u2 += jx
            v2 += jy
            local[(r, c)] = (u2 * ct - v2 * st, u2 * st + v2 * ct)
    return local


def to_lonlat(local):
    phi0 = math.radians(PLANT_LAT)
    w = 1.0 - WGS84_E2 * math.sin(phi0) ** 2
    m_rad = WGS84_A * (1.0 - WGS84_E2) / w ** 1.5
    n_rad = WGS84_A / math.sqrt(w)
    out = {}
    for key, (x, y) in local.items():
        lat = PLANT_LAT + math.degrees(y / m_rad)
        lon = PLANT_LON + math.degrees(x / (n_rad * math.cos(phi0)))
        out[key] = (round(lon, 7), round(lat, 7))
    return out


# ---------------------------------------------------------------------------------------
# Parcels (rings as lists of lattice vertex keys, counter-clockwise, not closed)
# ---------------------------------------------------------------------------------------
def cell_ring(r, c):
    return [(r, c), (r + 1, c), (r + 1, c + 1), (r, c + 1)]


def strip_ring(r, c0, c1):
    """Horizontal strip over lattice row r, columns c0..c1, with every lattice vertex."""
    ring = [(r, c0)]
    ring += [(r + 1, c) for c in range(c0, c1 + 2)]
    ring += [(r, c) for c in range(c1 + 1, c0, -1)]
    return ring


def build_parcels():
    parcels = []
    for r in range(NROW):
        lo, hi = row_range(r)
        if row_is_road(r):
            j = (r - 1) // 2
            # split the road row into corridor pieces of about 5-7 block columns,
            # breaking just after a road-column crossing
            cuts = [lo]
            span = hi - lo + 1
            pieces = max(1, round(span / 11.0))
            for p in range(1, pieces):
                c = lo + round(p * span / pieces)
                if c % 2 == 0:
                    c += 1
                cuts.append(c)
            cuts.append(hi + 1)
            for p in range(len(cuts) - 1):
                c0, c1 = cuts[p], cuts[p + 1] - 1
                kind = "road"
                if j == RAIL_ROAD_ROW and c1 <= 2 * RAIL_EAST_END:
                    kind = "rail"
                parcels.append({"kind": kind, "r": r, "c0": c0, "c1": c1, "j": j,
                                "piece": p, "npieces": len(cuts) - 1,
                                "ring": strip_ring(r, c0, c1), "cells": [(r, c) for c in range(c0, c1 + 1)]})
        else:
            j = r // 2
            for c in range(lo, hi + 1):
                kind = "vroad" if col_is_road(c) else "block"
                parcels.append({"kind": kind, "r": r, "c0": c, "c1": c, "j": j,
                                "k": c // 2, "ring": cell_ring(r, c), "cells": [(r, c)]})
    # ids in reading order (north to south, west to east)
    parcels.sort(key=lambda p: (p["r"], p["c0"]))
    for i, p in enumerate(parcels):
        p["id"] = "PSM-%03d" % (i + 1)
    return parcels


def edges_of(ring):
    n = len(ring)
    return [(ring[i], ring[(i + 1) % n]) for i in range(n)]


def boundary_ring(parcels):
    directed = set()
    for p in parcels:
        for e in edges_of(p["ring"]):
            directed.add(e)
    outer = [e for e in directed if (e[1], e[0]) not in directed]
    nxt = {}
    for a, b in outer:
        assert a not in nxt, "pinch point in the outline at %r" % (a,)
        nxt[a] = b
    start = min(nxt)  # north-west-most lattice key
    ring = [start]
    v = nxt[start]
    while v != start:
        ring.append(v)
        v = nxt[v]
    assert len(ring) == len(outer), "outline is not a single ring"
    return ring, set(outer)


def ring_coords(ring, ll):
    pts = [ll[k] for k in ring]
    return pts + [pts[0]]


def main():
    rng = random.Random(SEED)
    widths, heights, jitter = draw_lattice(rng)
    parcels = build_parcels()
    outline, outer_edges = boundary_ring(parcels)

    # scale the lattice so the fabric totals TARGET_TOTAL_ACRES
    scale = 1.0
    for _ in range(4):
        ll = to_lonlat(lattice_local(widths, heights, jitter, scale))
        total = acres(ring_coords(outline, ll))
        scale *= math.sqrt(TARGET_TOTAL_ACRES / total)
    local = lattice_local(widths, heights, jitter, scale)
    ll = to_lonlat(local)

    byid = {}
    for p in parcels:
        p["coords"] = ring_coords(p["ring"], ll)
        p["acres"] = acres(p["coords"])
        assert p["acres"] > 0, "ring not counter-clockwise"
        xs = [local[k][0] for k in p["ring"]]
        ys = [local[k][1] for k in p["ring"]]
        p["cx"], p["cy"] = sum(xs) / len(xs), sum(ys) / len(ys)
        p["use"] = None
        p["name"] = None
        byid[p["id"]] = p

    # adjacency (shared edge) and vertex touching
    edge_owner = {}
    vert_owner = {}
    for p in parcels:
        for a, b in edges_of(p["ring"]):
            edge_owner.setdefault(frozenset((a, b)), []).append(p["id"])
        for v in p["ring"]:
            vert_owner.setdefault(v, set()).add(p["id"])
    nbrs = {p["id"]: set() for p in parcels}
    for owners in edge_owner.values():
        assert len(owners) <= 2
        if len(owners) == 2:
            nbrs[owners[0]].add(owners[1])
            nbrs[owners[1]].add(owners[0])
    touch = {p["id"]: set() for p in parcels}
    for owners in vert_owner.values():
        for a in owners:
            touch[a] |= owners - {a}
    on_boundary = {p["id"]: any(e in outer_edges for e in edges_of(p["ring"])) for p in parcels}
    outline_verts = set(outline)

    blocks = [p for p in parcels if p["kind"] == "block"]
    block_at = {(p["j"], p["k"]): p for p in blocks}

    def ref(p):
        return "%s%d" % (chr(ord("A") + p["k"]), p["j"] + 1)

    def dist(p, x, y):
        return math.hypot(p["cx"] - x, p["cy"] - y)

    def take_until(cands, target):
        got, tot = [], 0.0
        for p in cands:
            if tot >= target:
                break
            if tot + p["acres"] / 2.0 > target and got:
                break
            got.append(p)
            tot += p["acres"]
        return got

    # -- fixed uses on the fringe ------------------------------------------------------
    # township fringe: N-5 frontage blocks at the north-west, next to Steel Town
    for p in take_until(sorted([b for b in blocks if b["j"] == 0], key=lambda b: b["k"]),
                        TOWNSHIP_FRINGE_ACRES):
        p["use"], p["name"] = "township_fringe", "Township fringe " + ref(p)
    # rail sidings at the west end of the rail corridor (Pipri marshalling-yard side)
    for j in (RAIL_ROAD_ROW, RAIL_ROAD_ROW + 1):
        p = block_at[(j, ROW_RANGES[j][0])]
        p["use"], p["name"] = "rail_corridor", "Rail sidings (Pipri side) " + ref(p)
    # encroached: outer blocks on the north-east / east fringe (toward Gulshan-e-Hadeed)
    maxx = max(p["cx"] for p in parcels)
    maxy = max(p["cy"] for p in parcels)
    def outermost(b):
        a_, b_ = ROW_RANGES[b["j"]]
        return b["j"] in (0, J - 1) or b["k"] in (a_, b_)

    fringe = [b for b in blocks if outermost(b) and b["use"] is None
              and b["k"] >= K - 4 and b["j"] <= 6]
    fringe.sort(key=lambda b: dist(b, maxx, maxy))
    for p in take_until(fringe, ENCROACHED_ACRES):
        p["use"], p["name"] = "encroached", "Encroached fringe " + ref(p)
    # water reservoir: a run of blocks (with the cross roads between them) in the north-east,
    # chosen to total closest to RESERVOIR_ACRES
    best = None
    for j in range(1, 5):
        a, b = ROW_RANGES[j]
        for k0 in range(max(a, 8), b):
            for n in range(2, 5):
                ks = list(range(k0, k0 + n))
                if ks[-1] >= b:
                    continue
                cells = [block_at[(j, k)] for k in ks]
                if any(c["use"] is not None or on_boundary[c["id"]] for c in cells):
                    continue
                roads = [q for q in parcels if q["kind"] == "vroad" and q["j"] == j
                         and ks[0] < q["k"] <= ks[-1]]
                tot = sum(c["acres"] for c in cells + roads)
                score = abs(tot - RESERVOIR_ACRES)
                if best is None or score < best[0]:
                    best = (score, cells, roads)
    _, cells, roads = best
    for i, p in enumerate(cells):
        p["use"], p["name"] = "water_reservoir", "Water reservoir cell %d" % (i + 1)
    for i, p in enumerate(roads):
        p["use"], p["name"] = "water_reservoir", "Water reservoir bund %d" % (i + 1)

    # -- roads, rail, sea-water channel ------------------------------------------------
    sides = {1: [""], 2: ["west", "east"], 3: ["west", "central", "east"],
             4: ["west", "west-central", "east-central", "east"]}
    for p in parcels:
        if p["kind"] in ("road", "rail"):
            side = sides.get(p["npieces"], [str(i + 1) for i in range(p["npieces"])])[p["piece"]]
            if p["kind"] == "rail":
                p["use"], p["name"] = "rail_corridor", ("Rail corridor " + side).strip()
            else:
                p["use"], p["name"] = "road_corridor", ("Road %d %s" % (p["j"] + 1, side)).strip()
        elif p["kind"] == "vroad" and p["use"] is None:
            if p["k"] == CHANNEL_ROAD_COL and p["j"] >= CHANNEL_FIRST_ROW:
                p["use"] = "utilities"
                p["name"] = "Sea-water channel and conveyor reach %d" % (J - 1 - p["j"])
            elif p["k"] in (ROW_RANGES[p["j"]][0], ROW_RANGES[p["j"]][1] + 1):
                p["use"] = "road_corridor"
                p["name"] = "Boundary road %s row %d" % ("west" if p["k"] <= K // 2 else "east",
                                                         p["j"] + 1)
            else:
                p["use"] = "road_corridor"
                p["name"] = "Cross road %d, row %d" % (p["k"], p["j"] + 1)

    # -- existing plant: blocks nearest the plant point, away from the N-5 frontage ----
    free = [b for b in blocks if b["use"] is None and b["j"] > 0]
    free.sort(key=lambda b: (dist(b, 0.0, 0.0), b["id"]))
    plant = take_until(free, PLANT_OCCUPIED_ACRES)
    units = [("Blast furnace block", 0.08), ("Steel melt shop", 0.08),
             ("Continuous casting shop", 0.06), ("Hot strip mill", 0.10),
             ("Cold rolling mill", 0.10), ("Galvanizing and tinning lines", 0.05),
             ("Billet and section mill", 0.06), ("Power and blowing station", 0.07),
             ("Oxygen plant", 0.04), ("Lime and dolomite calcining", 0.04),
             ("Coke oven battery", 0.10), ("By-product chemical plant", 0.04),
             ("Sinter plant", 0.08), ("Repair shops and foundry", 0.10)]
    plant.sort(key=lambda b: (math.atan2(b["cy"], b["cx"]), b["id"]))
    i = 0
    for u, (unit, share) in enumerate(units):
        n = len(plant) - i if u == len(units) - 1 else max(1, round(share * len(plant)))
        for p in plant[i:i + n]:
            p["use"], p["name"] = "existing_plant", "%s %s" % (unit, ref(p))
        i += n

    # -- raw-material yards, south-west of the plant toward the conveyor ---------------
    chan = [p for p in parcels if p["use"] == "utilities"]
    chan_n = max(chan, key=lambda p: p["cy"])
    free = [b for b in blocks if b["use"] is None and b["j"] > 0]
    free.sort(key=lambda b: (dist(b, chan_n["cx"], chan_n["cy"]), b["id"]))
    for n, p in enumerate(take_until(free, RAW_YARD_ACRES)):
        p["use"], p["name"] = "raw_material_yard", "Raw-material yard %d" % (n + 1)
    # -- a few utility blocks ----------------------------------------------------------
    assert len({p["name"] for p in parcels if p["name"]}) == sum(1 for p in parcels if p["name"])
    util_names = ["Water treatment plant", "Grid substation", "Effluent treatment plant"]
    targets = [(chan_n["cx"], chan_n["cy"]), (maxx * 0.6, maxy * 0.3), (maxx * 0.5, -maxy)]
    for name, (x, y) in zip(util_names, targets):
        free = [b for b in blocks if b["use"] is None and b["j"] > 0]
        p = min(free, key=lambda b: (dist(b, x, y), b["id"]))
        p["use"], p["name"] = "utilities", "%s %s" % (name, ref(p))
    # -- the rest is open land; N-5 frontage keeps its name ----------------------------
    n5 = 0
    for p in sorted(parcels, key=lambda q: q["id"]):
        if p["use"] is None:
            p["use"] = "open_land"
            if p["j"] == 0:
                n5 += 1
                p["name"] = "N-5 frontage %d" % n5
            else:
                p["name"] = "Open land " + ref(p)

    assert len({p["name"] for p in parcels}) == len(parcels), "parcel names must be unique"

    # -- access ------------------------------------------------------------------------
    chan_ids = {p["id"] for p in chan}
    rail_ids = {p["id"] for p in parcels if p["use"] == "rail_corridor"}
    for p in parcels:
        acc = []
        # port: south/west outline edges in the south-west, or on the sea-water channel
        sw = False
        for a, b in edges_of(p["ring"]):
            if (a, b) in outer_edges and min(a[0], b[0]) >= 2 * 6 and max(a[1], b[1]) <= 2 * 9:
                sw = True
        if sw or p["id"] in chan_ids or (nbrs[p["id"]] & chan_ids):
            acc.append("port")
        if p["id"] in rail_ids or (nbrs[p["id"]] & rail_ids):
            acc.append("rail")
        # highway: an edge on the north outline (row line 0) along the N-5
        if any(a[0] == 0 and b[0] == 0 for a, b in edges_of(p["ring"])):
            acc.append("highway")
        p["access"] = acc

    # -- availability checks -----------------------------------------------------------
    avail = {p["id"] for p in parcels if p["use"] not in UNAVAILABLE}
    comps = []
    seen = set()
    for pid in sorted(avail):
        if pid in seen:
            continue
        comp, stack = [], [pid]
        seen.add(pid)
        while stack:
            q = stack.pop()
            comp.append(q)
            for r_ in nbrs[q]:
                if r_ in avail and r_ not in seen:
                    seen.add(r_)
                    stack.append(r_)
        comps.append(comp)
    comps.sort(key=lambda c: -sum(byid[q]["acres"] for q in c))
    main_comp = set(comps[0])
    main_acres = sum(byid[q]["acres"] for q in main_comp)
    port_in_main = [q for q in main_comp if "port" in byid[q]["access"]]
    assert main_acres > MILL_TARGET_ACRES + PARK_TARGET_ACRES + 1000, main_acres
    assert port_in_main

    # -- proposal ----------------------------------------------------------------------
    def connected(ids):
        ids = set(ids)
        if not ids:
            return True
        start = min(ids)
        seen_, stack = {start}, [start]
        while stack:
            q = stack.pop()
            for r_ in nbrs[q]:
                if r_ in ids and r_ not in seen_:
                    seen_.add(r_)
                    stack.append(r_)
        return len(seen_) == len(ids)

    everything = set(byid)

    def grow(seed, target, allowed, forbidden, taken, slack=None):
        """Grow a contiguous region from seed over allowed parcels, nearest first (by the
        parcel's farthest vertex), until target acres; with slack, never pass target+slack.
        A parcel is skipped if taking it would cut the still-unzoned parcels in two."""
        region = [seed]
        inreg = {seed}
        area = byid[seed]["acres"]
        sx, sy = byid[seed]["cx"], byid[seed]["cy"]
        skipped = set()

        def prio(q):
            return (max(math.hypot(local[v][0] - sx, local[v][1] - sy) for v in byid[q]["ring"]), q)

        while area < target:
            front = {q for r_ in region for q in nbrs[r_]
                     if q in allowed and q not in inreg and q not in forbidden and q not in skipped}
            if slack is not None:
                front = {f for f in front if area + byid[f]["acres"] <= target + slack}
            if not front:
                break
            q = min(front, key=prio)
            if not connected(everything - taken - inreg - {q}):
                skipped.add(q)
                continue
            region.append(q)
            inreg.add(q)
            area += byid[q]["acres"]
        return region, area

    def nearest_block(ids, x, y):
        return min((q for q in ids if byid[q]["kind"] == "block"),
                   key=lambda q: (math.hypot(byid[q]["cx"] - x, byid[q]["cy"] - y), q))

    chan_s = min(chan, key=lambda p: p["cy"])
    seed1 = nearest_block([q for q in port_in_main if byid[q]["kind"] == "block"],
                          chan_s["cx"], chan_s["cy"])
    mill1, a1 = grow(seed1, PROPOSAL_MILL_PIECES_ACRES[0], main_comp, set(), set(), slack=20.0)
    near1 = set(mill1)
    for q in mill1:
        near1 |= touch[q]
    # second piece in the north-west, just south of the rail corridor, not touching the first
    seed2 = block_at[(RAIL_ROAD_ROW + 1, ROW_RANGES[RAIL_ROAD_ROW + 1][0] + 2)]["id"]
    assert seed2 in main_comp and seed2 not in near1
    forb2 = set()
    for q in near1:
        forb2 |= touch[q] | {q}
    mill2, a2 = grow(seed2, PROPOSAL_MILL_PIECES_ACRES[1], main_comp, forb2, set(mill1), slack=20.0)
    mill = set(mill1) | set(mill2)
    assert not any(touch[q] & set(mill2) for q in mill1)
    mill_acres = a1 + a2
    assert 20.0 <= abs(mill_acres - MILL_TARGET_ACRES) <= 90.0, mill_acres

    seed3 = nearest_block(main_comp - mill, maxx * 0.45, maxy * 0.1)
    park, park_acres = grow(seed3, PARK_TARGET_ACRES, main_comp, mill, mill, slack=5.0)
    park = set(park)
    assert abs(park_acres - PARK_TARGET_ACRES) <= 0.01 * PARK_TARGET_ACRES, park_acres

    zone = {}
    for p in parcels:
        zone[p["id"]] = ("sindh_mill" if p["id"] in mill else
                         "industrial_park" if p["id"] in park else "retained")

    def interior(q):
        return not (set(byid[q]["ring"]) & outline_verts)

    def quiet(q):
        """retained, interior, and touching no mill or park parcel"""
        return (zone[q] == "retained" and interior(q)
                and not any(zone[t] != "retained" for t in touch[q]))

    # (a) overlap: a retained block pushed east into its cross-road neighbour
    ov = None
    for p in sorted(blocks, key=lambda b: (-b["cy"], b["cx"])):
        if not quiet(p["id"]) or p["use"] not in ("open_land", "existing_plant"):
            continue
        r, c = p["r"], p["c0"]
        east = [q for q in nbrs[p["id"]] if byid[q]["ring"] == cell_ring(r, c + 1)]
        if east and quiet(east[0]):
            ov = (p, byid[east[0]])
            break
    pa, pb = ov
    r, c = pa["r"], pa["c0"]
    # push far enough for an overlap of about OVERLAP_ACRES (at most 75% across)
    t = min(0.75, OVERLAP_ACRES / pb["acres"])

    def lerp(k1, k2):
        (x1, y1), (x2, y2) = ll[k1], ll[k2]
        return (x1 + t * (x2 - x1), y1 + t * (y2 - y1))

    # the new corners lie just inside the neighbour (0.2% of its length in from its ends,
    # about a metre), so the pushed parcel overlaps only that neighbour, not the roads
    # beyond it, whatever the 7-decimal rounding does
    p_top = lerp((r, c + 1), (r, c + 2))
    p_bot = lerp((r + 1, c + 1), (r + 1, c + 2))
    p_top, p_bot = ((round(p_top[0] + 0.002 * (p_bot[0] - p_top[0]), 7),
                     round(p_top[1] + 0.002 * (p_bot[1] - p_top[1]), 7)),
                    (round(p_bot[0] + 0.002 * (p_top[0] - p_bot[0]), 7),
                     round(p_bot[1] + 0.002 * (p_top[1] - p_bot[1]), 7)))
    ring_a = [ll[(r, c)], ll[(r + 1, c)], ll[(r + 1, c + 1)], p_bot, p_top, ll[(r, c + 1)]]
    ring_a.append(ring_a[0])
    overlap_ring = [ll[(r, c + 1)], ll[(r + 1, c + 1)], p_bot, p_top, ll[(r, c + 1)]]
    overlap_acres = acres(overlap_ring)

    # (b) gap: a small interior cross-road parcel, far from the overlap, removed
    cands = [q for q in sorted(byid) if byid[q]["kind"] == "vroad" and quiet(q)
             and byid[q]["use"] == "road_corridor" and q not in (pa["id"], pb["id"])
             and not (touch[q] & {pa["id"], pb["id"]})]
    gap = min(cands, key=lambda q: (abs(byid[q]["cx"] - pa["cx"]) < 1500
                                    and abs(byid[q]["cy"] - pa["cy"]) < 1500, byid[q]["cy"], q))
    gap_acres = byid[gap]["acres"]
    assert gap not in touch[pa["id"]] and gap not in touch[pb["id"]]
    retained = {q for q in zone if zone[q] == "retained"} - {gap}
    assert connected(retained) and connected(park) and connected(mill1) and connected(mill2)

    # -- write -------------------------------------------------------------------------
    site_meta = {"illustrative": True,
                 "title": "Pakistan Steel Mills main plant land (illustrative)",
                 "source": "allot data/make_psm.py from public figures (see data/README.md); not a survey",
                 "crs": "EPSG:4326"}

    def feature(p, coords=None, extra=None):
        props = {"id": p["id"], "name": p["name"], "land_use": p["use"], "access": p["access"]}
        if extra:
            props.update(extra)
        return {"type": "Feature", "id": p["id"], "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [[list(x) for x in (coords or p["coords"])]]}}

    def write(fname, header, feats):
        head = json.dumps(header, separators=(",", ":"), ensure_ascii=False)
        assert head.endswith("}")
        lines = [head[:-1] + ',"features":[']
        for i, f in enumerate(feats):
            lines.append(json.dumps(f, separators=(",", ":"), ensure_ascii=False)
                         + ("," if i < len(feats) - 1 else ""))
        lines.append("]}")
        with open(os.path.join(OUT_DIR, fname), "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(lines) + "\n")

    ordered = sorted(parcels, key=lambda q: q["id"])
    write("psm-site.geojson", {"type": "FeatureCollection", "name": "psm-site",
                                  "metadata": dict(site_meta, zones=ZONES)},
          [feature(p) for p in ordered])

    outline_coords = ring_coords(outline, ll)
    total_acres = acres(outline_coords)
    write("psm-boundary.geojson",
          {"type": "FeatureCollection", "name": "psm-boundary", "metadata": site_meta},
          [{"type": "Feature", "id": "psm-main-plant",
            "properties": {"id": "psm-main-plant",
                           "name": "Pakistan Steel Mills main plant land (illustrative outline)"},
            "geometry": {"type": "Polygon", "coordinates": [[list(x) for x in outline_coords]]}}])

    mill1_ids, mill2_ids = sorted(mill1), sorted(mill2)
    flaws = [
        {"flaw": "overlap", "ids": [pa["id"], pb["id"]], "acres": round(overlap_acres, 2),
         "description": "%s (%s) has its east edge pushed %d%% of the way across its neighbour %s "
                        "(%s), so the two parcels overlap by about %.2f acres."
                        % (pa["id"], pa["name"], round(t * 100), pb["id"], pb["name"], overlap_acres)},
        {"flaw": "gap", "ids": [gap], "acres": round(gap_acres, 2),
         "description": "%s (%s, %.2f acres) is missing, leaving a hole surrounded by %s."
                        % (gap, byid[gap]["name"], gap_acres, ", ".join(sorted(nbrs[gap])))},
        {"flaw": "split_zone", "zone": "sindh_mill", "ids": mill1_ids + mill2_ids,
         "pieces": [{"ids": mill1_ids, "acres": round(a1, 2)}, {"ids": mill2_ids, "acres": round(a2, 2)}],
         "description": "the sindh_mill zone is in two pieces that do not touch: %d parcels "
                        "(%.1f acres, south-west, seed %s) and %d parcels (%.1f acres, north-west, seed %s)."
                        % (len(mill1_ids), a1, seed1, len(mill2_ids), a2, seed2)},
        {"flaw": "area", "zone": "sindh_mill", "ids": mill1_ids + mill2_ids,
         "acres": round(mill_acres, 2), "target_acres": MILL_TARGET_ACRES,
         "description": "the sindh_mill zone totals %.1f acres, %+.1f acres off its %d-acre target."
                        % (mill_acres, mill_acres - MILL_TARGET_ACRES, MILL_TARGET_ACRES)},
    ]
    prop_meta = {"illustrative": True,
                 "title": "Proposed split (illustrative, with deliberate flaws)",
                 "source": site_meta["source"], "crs": "EPSG:4326",
                 "zones": ZONES,
                 "flaws": flaws}
    pfeats = []
    for p in ordered:
        if p["id"] == gap:
            continue
        pfeats.append(feature(p, ring_a if p["id"] == pa["id"] else None, {"zone": zone[p["id"]]}))
    write("psm-proposal.geojson",
          {"type": "FeatureCollection", "name": "psm-proposal", "metadata": prop_meta}, pfeats)

    # -- summary -----------------------------------------------------------------------
    print("psm-site.geojson: %d parcels, %.1f acres (outline), %.1f acres (sum of parcels)"
          % (len(parcels), total_acres, sum(p["acres"] for p in parcels)))
    kinds = {}
    for p in parcels:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    bsz = [x * scale for x in widths[1::2] + heights[0::2]]
    rsz = [x * scale for x in widths[0::2] + heights[1::2]]
    print("  lattice: %d x %d blocks, scale %.4f, blocks %.0f-%.0f m, road strips %.0f-%.0f m"
          % (K, J, scale, min(bsz), max(bsz), min(rsz), max(rsz)))
    print("  lattice parcels: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    uses = {}
    for p in parcels:
        n, a = uses.get(p["use"], (0, 0.0))
        uses[p["use"]] = (n + 1, a + p["acres"])
    for u in sorted(uses):
        print("  %-18s %4d parcels %9.1f acres%s" % (u, uses[u][0], uses[u][1],
                                                    "  (unavailable)" if u in UNAVAILABLE else ""))
    for a in ("port", "rail", "highway"):
        print("  access %-8s %d parcels" % (a, sum(1 for p in parcels if a in p["access"])))
    print("  available for planning: %.1f acres; largest contiguous: %.1f acres in %d parcels,"
          " %d of them with port access" % (sum(byid[q]["acres"] for q in avail), main_acres,
                                          len(main_comp), len(port_in_main)))
    print("psm-boundary.geojson: 1 polygon, %d vertices" % len(outline))
    print("psm-proposal.geojson: %d parcels" % len(pfeats))
    prop_acres = {q: byid[q]["acres"] for q in zone if q != gap}
    prop_acres[pa["id"]] = acres(ring_a)
    for zname in ("sindh_mill", "industrial_park", "retained"):
        ids = [q for q in prop_acres if zone[q] == zname]
        print("  %-16s %4d parcels %9.1f acres (sum of parcel areas)"
              % (zname, len(ids), sum(prop_acres[q] for q in ids)))
    for f in flaws:
        print("  flaw: " + f["description"])


if __name__ == "__main__":
    main()
