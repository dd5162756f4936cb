#!/usr/bin/env python3
"""Gap of allot's planned zones to the exact optimum (minimum perimeter contiguous whole-parcel
set in the same area band), by a mixed-integer model solved with HiGHS (highspy).

Usage:
  python bench/gap.py PLAN.geojson ZONE TARGET_ACRES [--tolerance 1] [--time-limit 300]
        [--unavailable-zone Z]... [--exclude-use USE]...

PLAN.geojson is allot's plan output (every parcel with `zone`). Parcels of an
`--unavailable-zone` (e.g. the planner's own mill when measuring the park) and of an excluded
land use are left out. Prints one JSON line: the plan's perimeter of ZONE, the optimum (or the
incumbent and HiGHS's bound when the time limit stops it), the gap in percent, and whether the
optimum leaves the rest of the available land in one piece (allot's rule; the model does not
impose it).

The model: x_i (parcel i in the zone), y_ij ≤ x_i, x_j on neighbouring pairs, minimise
Σ p_i x_i − 2 Σ s_ij y_ij with lo ≤ Σ a_i x_i ≤ hi; contiguity by separator cuts added in
rounds (solve; while the set is in pieces, cut each piece off from the others; solve again).
The bound of a round without all cuts is still a valid lower bound. Perimeters and shared lengths are computed with shapely in a local
equirectangular projection (metres at the mean latitude) with a 1 mm snapping buffer, so
T-junctions and mixed rounding count as shared; both the plan and the optimum are measured the
same way, so the gap does not depend on that approximation (areas: the same projection).
"""
import argparse
import json
import math
import sys
import time

import highspy
import numpy as np
import shapely
from shapely.geometry import shape

M2_PER_ACRE = 4046.8564224


def load(path):
    with open(path) as f:
        fc = json.load(f)
    feats = fc["features"]
    lat0 = None
    geoms = []
    for ft in feats:
        g = shape(ft["geometry"])
        geoms.append(g)
    ys = [g.centroid.y for g in geoms]
    lat0 = math.radians(sum(ys) / len(ys))
    lon0 = sum(g.centroid.x for g in geoms) / len(geoms)
    R = 6371008.8

    def proj(xy):
        out = np.empty_like(xy)
        out[:, 0] = (xy[:, 0] - lon0) * math.pi / 180 * R * math.cos(lat0)
        out[:, 1] = xy[:, 1] * math.pi / 180 * R
        return out

    geoms = list(shapely.transform(np.array(geoms, dtype=object), proj))
    props = [ft.get("properties") or {} for ft in feats]
    return geoms, props


def graph(geoms):
    n = len(geoms)
    tree = shapely.STRtree(geoms)
    area = [g.area / M2_PER_ACRE for g in geoms]
    perim = [g.length for g in geoms]
    pairs = {}
    left, right = tree.query(geoms, predicate="dwithin", distance=0.002)
    for i, j in zip(left, right):
        if i < j:
            s = geoms[i].boundary.intersection(geoms[j].buffer(0.001, join_style=2)).length
            if s > 0.01:
                pairs[(int(i), int(j))] = s
    return area, perim, pairs


def solve(area, perim, pairs, avail, lo, hi, time_limit):
    """Min Σ p_i x_i − 2 Σ s_ij y_ij over lo ≤ Σ a_i x_i ≤ hi, contiguity by separator cuts added
    in rounds: solve, and while the chosen set falls into pieces, add for each piece C (and a
    node j of another piece) the cuts x_i + x_j − 1 ≤ Σ_{k ∈ N(C)} x_k for i in C, where N(C)
    are the available neighbours of C outside it; then solve again."""
    idx = [i for i in range(len(area)) if avail[i]]
    pos = {v: k for k, v in enumerate(idx)}
    n = len(idx)
    E = [(pos[i], pos[j], s) for (i, j), s in pairs.items() if i in pos and j in pos]
    nbr = [[] for _ in range(n)]
    for a, b, _ in E:
        nbr[a].append(b)
        nbr[b].append(a)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-5)
    inf = highspy.kHighsInf
    for _ in range(n):
        h.addVar(0, 1)
    for _ in E:
        h.addVar(0, 1)
    cost = [perim[idx[k]] for k in range(n)] + [-2 * s for (_, _, s) in E]
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), np.array(cost))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * n))

    def row(lo_, hi_, cols, vals):
        h.addRow(lo_, hi_, len(cols), np.array(cols, dtype=np.int32), np.array(vals, dtype=float))

    row(lo, hi, list(range(n)), [area[idx[k]] for k in range(n)])
    for e, (a, b, _) in enumerate(E):
        row(-inf, 0, [n + e, a], [1, -1])
        row(-inf, 0, [n + e, b], [1, -1])
    t = time.time()
    rounds = 0
    while True:
        rounds += 1
        left = time_limit - (time.time() - t)
        if left <= 0:
            break
        h.setOptionValue("time_limit", float(left))
        h.run()
        sol = h.getSolution().col_value
        chosen = [k for k in range(n) if sol[k] > 0.5]
        comps = pieces(chosen, nbr)
        if len(comps) <= 1 or h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        for c in comps:
            cset = set(c)
            boundary = sorted({w for v in c for w in nbr[v] if w not in cset})
            other = next(v for d in comps if d is not c for v in d)
            for i in c:
                # x_i + x_other - Σ_{k ∈ N(C)} x_k ≤ 1
                row(-inf, 1, [i, other] + boundary, [1, 1] + [-1] * len(boundary))
    secs = time.time() - t
    info = h.getInfo()
    sol = h.getSolution().col_value
    members = [idx[k] for k in range(n) if sol[k] > 0.5]
    connected_ = len(pieces([k for k in range(n) if sol[k] > 0.5], nbr)) <= 1
    return {
        "objective_m": info.objective_function_value,
        "bound_m": info.mip_dual_bound,
        "mip_gap": info.mip_gap,
        "status": h.modelStatusToString(h.getModelStatus()) + ("" if connected_ else " (in pieces)"),
        "rounds": rounds,
        "seconds": round(secs, 1),
    }, members


def pieces(nodes, nbr):
    nodes = set(nodes)
    out = []
    seen = set()
    for s in sorted(nodes):
        if s in seen:
            continue
        comp = [s]
        seen.add(s)
        stack = [s]
        while stack:
            v = stack.pop()
            for w in nbr[v]:
                if w in nodes and w not in seen:
                    seen.add(w)
                    comp.append(w)
                    stack.append(w)
        out.append(comp)
    return out


def union_perimeter(perim, pairs, members):
    s = set(members)
    p = sum(perim[i] for i in s)
    for (i, j), sh in pairs.items():
        if i in s and j in s:
            p -= 2 * sh
    return p


def connected(pairs, nodes):
    nodes = set(nodes)
    if not nodes:
        return True
    adj = {v: [] for v in nodes}
    for (i, j) in pairs:
        if i in nodes and j in nodes:
            adj[i].append(j)
            adj[j].append(i)
    start = next(iter(nodes))
    seen = {start}
    stack = [start]
    while stack:
        v = stack.pop()
        for w in adj[v]:
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return len(seen) == len(nodes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("zone")
    ap.add_argument("target", type=float)
    ap.add_argument("--tolerance", type=float, default=1.0)
    ap.add_argument("--time-limit", type=float, default=300)
    ap.add_argument("--unavailable-zone", action="append", default=[])
    ap.add_argument("--exclude-use", action="append", default=[])
    a = ap.parse_args()
    geoms, props = load(a.plan)
    area, perim, pairs = graph(geoms)
    avail = [p.get("zone") not in a.unavailable_zone and p.get("land_use") not in a.exclude_use
             for p in props]
    planned = [i for i, p in enumerate(props) if p.get("zone") == a.zone]
    plan_m = union_perimeter(perim, pairs, planned)
    res, members = solve(area, perim, pairs, avail, a.target - a.tolerance, a.target + a.tolerance,
                         a.time_limit)
    opt_m = union_perimeter(perim, pairs, members)
    rest = [i for i in range(len(geoms)) if avail[i] and i not in set(members)]
    out = {
        "plan": a.plan, "zone": a.zone, "target_acres": a.target, "parcels": len(geoms),
        "plan_parcels": len(planned), "plan_perimeter_m": round(plan_m, 1),
        "best_perimeter_m": round(opt_m, 1), "bound_m": round(res["bound_m"], 1),
        "status": res["status"], "mip_gap": res["mip_gap"], "seconds": res["seconds"], "rounds": res["rounds"],
        "gap_to_best_pct": round(100 * (plan_m / opt_m - 1), 2),
        "gap_to_bound_pct": round(100 * (plan_m / res["bound_m"] - 1), 2),
        "best_rest_connected": connected(pairs, rest),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
