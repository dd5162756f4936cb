#!/usr/bin/env python3
"""`allot plan` over a matrix of targets on a fabric, each answer checked without allot's code.

For each target of P% of the fabric's area (P in --pcts), one zone (`--zone a=T`) and two
(`--zone a=T --zone b=T`), without and with `--split`, and with `--require-access port` when a
parcel has an `access` property, runs `allot plan` (seed 1) and classifies the answer:

- `planned`: exit 0 and the plan keeps its rules, checked with shapely and pyproj only: every
  input parcel kept (split pieces tile their parent), each zone within its target ± tolerance
  (geodesic, pyproj.Geod), each zone and the retained land one piece on our own adjacency (more
  than 0.05 m of boundary within 1 cm, in a local equal-area projection; corners do not count),
  excluded land uses retained, the access parcel (port) in zone a with at least 50 m of
  boundary on the rest of the zone, zone b bordering at most half of zone a's boundary, and
  `allot validate PLAN` adding no finding to the input's own (it checks the minimum width);
  `rule broken` when any of that fails;
- a refusal (exit 1) is `justified` when an exact model (HiGHS, below) proves that no
  contiguous set of whole parcels in the band keeps the rules it states, `wrong` when the model
  finds a zone (two zones: zone a as allot plans it alone, then zone b around it) that keeps
  every rule above, checked as a plan is, and `unresolved` when the model's zone breaks a rule it
  does not state (the minimum width, the frontage) or it stops at its time limit. With --split
  the model looks for whole parcels within 0.01 acre of the target (a plan that needs no cut),
  then, when none exists, within ±1 acre (`unresolved`: a cut would be needed);
- `error` for any other exit.

The model: x_i (part i in the zone: each part of a MultiPolygon parcel is a node, the parts of
one parcel in or out together) for parcels of land uses not excluded, y_ij ≤ x_i, x_j on
neighbouring pairs, minimise Σ p_i x_i − 2 Σ s_ij y_ij (the zone's perimeter) with the area in
the band, Σ x_i ≥ 1 over port-access parcels when access is required, zone b's border with zone
a at most half of a's perimeter, contiguity by separator cuts and the retained land in one piece
by separator cuts, added in rounds until the solution keeps both.

Usage: land_plans.py ALLOT_BIN FABRIC.geojson WORK_DIR [--pcts 5,10,20,30,45,60]
       [--time-limit 120] [--only REGEX]
Needs shapely ≥ 2, pyproj, numpy and highspy in one Python. Prints one line per run and a JSON
summary at the end (WORK_DIR/summary.json).
"""

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import time

import highspy
import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.polygon import orient

GEOD = Geod(ellps="WGS84")
ACRE = 4046.8564224
EXCLUDES = {"township", "township_fringe", "water_reservoir", "encroached"}


def geod_acres(g):
    g = shapely.force_2d(g)
    g = orient(g, 1.0) if g.geom_type == "Polygon" else MultiPolygon([orient(p, 1.0) for p in g.geoms])
    return abs(GEOD.geometry_area_perimeter(g)[0]) / ACRE


def pid_of(f, i):
    fid = f.get("id", (f.get("properties") or {}).get("id"))
    return str(fid) if fid is not None else "#%d" % (i + 1)


class Fabric:
    """Parcels in a local equal-area projection with their adjacency and shared lengths."""

    def __init__(self, feats):
        self.feats = feats
        self.ids = [pid_of(f, i) for i, f in enumerate(feats)]
        ll = [shapely.force_2d(shape(f["geometry"])) for f in feats]
        self.acres = [geod_acres(g) for g in ll]
        lon0 = float(np.mean([g.centroid.x for g in ll]))
        lat0 = float(np.mean([g.centroid.y for g in ll]))
        tr = Transformer.from_crs("EPSG:4326", "+proj=laea +lat_0=%f +lon_0=%f +ellps=WGS84" % (lat0, lon0),
                                  always_xy=True)
        self.geoms = [shapely.transform(g, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))) for g in ll]
        self.perim = [g.length for g in self.geoms]
        bnd = [g.boundary for g in self.geoms]
        tree = shapely.STRtree(self.geoms)
        self.shared = {}
        self.nbr = [[] for _ in self.geoms]
        for a, b in zip(*tree.query(self.geoms, predicate="dwithin", distance=0.01)):
            if a < b:
                s = bnd[a].intersection(bnd[b].buffer(0.01)).length
                if s > 0.05:
                    self.shared[(int(a), int(b))] = s
                    self.nbr[a].append(int(b))
                    self.nbr[b].append(int(a))
        self.use = [(f.get("properties") or {}).get("land_use") for f in feats]
        self.access = [(f.get("properties") or {}).get("access") or [] for f in feats]

    def pieces(self, nodes):
        nodes = set(nodes)
        seen, out = set(), []
        for s in sorted(nodes):
            if s in seen:
                continue
            comp, stack = [s], [s]
            seen.add(s)
            while stack:
                v = stack.pop()
                for w in self.nbr[v]:
                    if w in nodes and w not in seen:
                        seen.add(w)
                        comp.append(w)
                        stack.append(w)
            out.append(comp)
        return out

    def border(self, a_set, b_set):
        return sum(s for (i, j), s in self.shared.items()
                   if (i in a_set and j in b_set) or (j in a_set and i in b_set))

    def union_perimeter(self, nodes):
        s = set(nodes)
        return sum(self.perim[i] for i in s) - 2 * sum(v for (i, j), v in self.shared.items() if i in s and j in s)


def model(fab, avail, lo, hi, access, fixed_a, time_limit, groups=()):
    """Whole-parcel zone in [lo, hi] acres over `avail`, contiguous, retained land (everything
    not in the zone nor in fixed_a) one piece, an access parcel when `access`, at most half of
    fixed_a's boundary. `fab`'s nodes may be the parts of MultiPolygon parcels: each of `groups`
    (the parts of one parcel) is in the zone or out of it together. Returns (status, members)."""
    idx = [i for i in range(len(fab.ids)) if avail[i]]
    pos = {v: k for k, v in enumerate(idx)}
    n = len(idx)
    E = [(pos[i], pos[j], s) for (i, j), s in fab.shared.items() if i in pos and j in pos]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.05)
    h.setOptionValue("random_seed", 1)
    inf = highspy.kHighsInf
    for _ in range(n + len(E)):
        h.addVar(0, 1)
    cost = [fab.perim[idx[k]] for k in range(n)] + [-2 * s for (_, _, s) in E]
    h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), np.array(cost))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))

    def row(lo_, hi_, cols, vals):
        h.addRow(lo_, hi_, len(cols), np.array(cols, dtype=np.int32), np.array(vals, dtype=float))

    row(lo, hi, list(range(n)), [fab.acres[idx[k]] for k in range(n)])
    for g in groups:
        g = [pos[v] for v in g if v in pos]
        for a_, b_ in zip(g, g[1:]):
            row(0, 0, [a_, b_], [1, -1])
    for e, (a, b, _) in enumerate(E):
        row(-inf, 0, [n + e, a], [1, -1])
        row(-inf, 0, [n + e, b], [1, -1])
    if access:
        acc = [k for k in range(n) if access in fab.access[idx[k]]]
        if not acc:
            return "infeasible", []
        row(1, inf, acc, [1] * len(acc))
    if fixed_a:
        fa = set(fixed_a)
        pa = fab.union_perimeter(fa)
        cols, vals = [], []
        for (i, j), s in fab.shared.items():
            if i in fa and j in pos:
                cols.append(pos[j]); vals.append(s)
            elif j in fa and i in pos:
                cols.append(pos[i]); vals.append(s)
        if cols:
            agg = {}
            for c, v in zip(cols, vals):
                agg[c] = agg.get(c, 0) + v
            row(-inf, 0.5 * pa, list(agg), list(agg.values()))
    fixed = set(fixed_a or [])
    t0 = time.time()
    while True:
        left = time_limit - (time.time() - t0)
        if left <= 0:
            return "time limit", []
        h.setOptionValue("time_limit", float(left))
        h.run()
        st = h.getModelStatus()
        if st == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", []
        if st != highspy.HighsModelStatus.kOptimal:
            sol = h.getSolution().col_value
            if h.getInfo().primal_solution_status == 0:
                return "time limit", []
        sol = h.getSolution().col_value
        chosen = [idx[k] for k in range(n) if sol[k] > 0.5]
        cset = set(chosen)
        added = 0
        comps = fab.pieces(chosen)
        if len(comps) > 1:
            for c in comps:
                cs = set(c)
                bd = sorted({w for v in c for w in fab.nbr[v] if w not in cs and w in pos})
                other = next(v for d in comps if d is not c for v in d)
                for i in c:
                    row(-inf, 1, [pos[i], pos[other]] + [pos[w] for w in bd], [1, 1] + [-1] * len(bd))
                    added += 1
        rest = [i for i in range(len(fab.ids)) if i not in cset and i not in fixed]
        rcomps = fab.pieces(rest)
        if len(rcomps) > 1:
            big = max(rcomps, key=len)
            for c in rcomps:
                if c is big:
                    continue
                cs = set(c)
                sep = sorted({w for v in c for w in fab.nbr[v] if w in cset})
                if any(w not in pos for w in sep):
                    continue
                # C and the largest piece both retained -> one separator parcel not in the zone.
                ci = [v for v in c if v in pos][:1]
                bj = [v for v in big if v in pos][:1]
                cols = [pos[w] for w in sep] + [pos[v] for v in ci + bj]
                vals = [1] * len(sep) + [-1] * len(ci + bj)
                row(-inf, len(sep) - 1, cols, vals)
                added += 1
        if not added:
            return ("optimal" if st == highspy.HighsModelStatus.kOptimal else "feasible"), chosen
        if time.time() - t0 > time_limit:
            return "time limit", []


_EXPLODED = {}


def exploded(feats):
    """A Fabric of every polygon part of `feats` (cached) and each part's feature index."""
    key = id(feats)
    if key not in _EXPLODED:
        parts = []
        for i, f in enumerate(feats):
            g = f["geometry"]
            polys_ = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            parts.extend((i, {"type": "Feature", "properties": f.get("properties"),
                              "geometry": {"type": "Polygon", "coordinates": c}}) for c in polys_)
        _EXPLODED[key] = (Fabric([q for _, q in parts]), [i for i, _ in parts])
    return _EXPLODED[key]


def check_plan(binary, fab, src, plan_path, zones, access, before):
    """Problems of a written plan (list of strings)."""
    d = json.load(open(plan_path))
    feats = d["features"]
    ids = [pid_of(f, i) for i, f in enumerate(feats)]
    zone = [(f.get("properties") or {}).get("zone") for f in feats]
    problems = []
    parents = {}
    for i, f in enumerate(feats):
        parents.setdefault(f["properties"].get("split_from", ids[i]), []).append(i)
    if sorted(parents) != sorted(fab.ids):
        problems.append("parcels differ from the input: %s" % sorted(set(parents) ^ set(fab.ids))[:6])
        return problems
    geo = [shapely.force_2d(shape(f["geometry"])) for f in feats]
    acres = [geod_acres(g) for g in geo]
    src_acres = dict(zip(fab.ids, fab.acres))
    for pid, kids in parents.items():
        a = sum(acres[k] for k in kids)
        # Split pieces tile their parent (1e-6). A whole neighbour of a cut parcel gets the cut
        # point inserted into its ring, which moves its edge by the data's own hairline between
        # the two (up to 1 cm at 7 decimals): up to 1 m² is allowed there, the overlap and gap
        # threshold of `allot validate`.
        tol = 1e-6 * src_acres[pid] if len(kids) > 1 else 1.0 / ACRE
        if abs(a - src_acres[pid]) > tol + 1e-9:
            problems.append("parcel %s: pieces %.9f acres, parent %.9f" % (pid, a, src_acres[pid]))
    # Adjacency of the plan's parcels, each part of a MultiPolygon its own node (its parts are
    # separate pieces of land unless other parcels join them).
    pfab = Fabric(feats)
    xfab, owner = exploded(feats)

    def pieces(ms):
        ms = set(ms)
        return xfab.pieces([k for k, i in enumerate(owner) if i in ms])
    meta = {z["name"]: z for z in d.get("metadata", {}).get("zones", [])}
    members = {}
    for name, target in zones:
        m = [i for i in range(len(feats)) if zone[i] == name]
        members[name] = m
        a = sum(acres[i] for i in m)
        tol = meta.get(name, {}).get("tolerance_acres", 1.0)
        if abs(a - target) > tol + 1e-6:
            problems.append("zone %s: %.4f acres, target %s ± %s" % (name, a, target, tol))
        if len(pieces(m)) != 1:
            problems.append("zone %s: %d pieces" % (name, len(pieces(m))))
    rest = [i for i in range(len(feats)) if zone[i] in (None, "retained")]
    if len(pieces(rest)) > 1:
        problems.append("retained land: %d pieces (sizes %s)" % (
            len(pieces(rest)), sorted(len(c) for c in pieces(rest))[:8]))
    for i in range(len(feats)):
        if pfab.use[i] in EXCLUDES and zone[i] not in (None, "retained"):
            problems.append("excluded %s (%s) in zone %s" % (ids[i], pfab.use[i], zone[i]))
    if access:
        a = set(members["a"])
        best = 0.0
        for i in a:
            if access in pfab.access[i]:
                best = max(best, sum(s for (p, q), s in pfab.shared.items()
                                     if (p == i and q in a) or (q == i and p in a)) if len(a) > 1 else 1e9)
        if best < 50 - 0.5:
            problems.append("zone a: no %s-access parcel with 50 m of frontage (best %.1f m)" % (access, best))
    if len(zones) == 2 and members["a"] and members["b"]:
        a, b = set(members["a"]), set(members["b"])
        pa = pfab.union_perimeter(a)
        if pfab.border(a, b) > 0.5 * pa + 1.0:
            problems.append("zone b borders %.0f of zone a's %.0f m" % (pfab.border(a, b), pa))
    v = subprocess.run([binary, "validate", plan_path, "--format", "json", "-q"], capture_output=True, text=True)
    if v.returncode not in (0, 1):
        problems.append("validate PLAN fails: %s" % v.stderr.strip()[:300])
    else:
        new = sorted({(f["kind"], tuple(f["parcels"])) for f in json.loads(v.stdout)["findings"]} - before)
        if new:
            problems.append("validate PLAN finds %s" % new[:4])
    return problems


def witness(binary, fab, src, work, name, zones, access, time_limit, lo_hi, fixed_a):
    """Runs the model for the last zone of `zones` (zone a fixed to fixed_a when two) and checks
    its zone as a plan. Returns (class, note)."""
    # The model runs on the parts of MultiPolygon parcels (a part is a piece of land of its own).
    xfab, owner = exploded(src["features"])
    fa = set(fixed_a or [])
    avail = [xfab.use[k] not in EXCLUDES and owner[k] not in fa for k in range(len(owner))]
    groups = {}
    for k, i in enumerate(owner):
        groups.setdefault(i, []).append(k)
    lo, hi = lo_hi
    acc = access if len(zones) == 1 else None
    xfixed = [k for k, i in enumerate(owner) if i in fa] if fixed_a else None
    st, parts = model(xfab, avail, lo, hi, acc, xfixed, time_limit, [g for g in groups.values() if len(g) > 1])
    chosen = sorted({owner[k] for k in parts})
    if st == "infeasible":
        return "justified", "model: no zone"
    if st == "time limit":
        return "unresolved", "model: time limit"
    feats = json.loads(json.dumps(src["features"]))
    zs = set(chosen)
    last = zones[-1][0]
    for i, f in enumerate(feats):
        z = last if i in zs else ("a" if fixed_a and i in set(fixed_a) else "retained")
        f.setdefault("properties", {})
        f["properties"] = dict(f["properties"] or {}, zone=z)
    md = dict(src.get("metadata") or {})
    md["zones"] = [{"name": n, "target_acres": t, "tolerance_acres": 1.0, "min_width_m": 100.0} for n, t in zones]
    path = os.path.join(work, name + "-witness.geojson")
    json.dump({"type": "FeatureCollection", "metadata": md, "features": feats}, open(path, "w"))
    before = validate_set(binary, src_path_of(src))
    probs = check_plan(binary, fab, src, path, zones, access, before)
    area = sum(fab.acres[i] for i in chosen)
    if probs:
        return "unresolved", "model zone (%d parcels, %.2f acres) breaks: %s" % (len(chosen), area, "; ".join(probs)[:300])
    return "wrong", "model zone of %d parcels, %.2f acres keeps every rule (%s)" % (len(chosen), area, path)


_SRC = {}


def src_path_of(src):
    return _SRC[id(src)]


_VALIDATE = {}


def validate_set(binary, path):
    if path not in _VALIDATE:
        v = subprocess.run([binary, "validate", path, "--format", "json", "-q"], capture_output=True, text=True)
        _VALIDATE[path] = {(f["kind"], tuple(f["parcels"])) for f in json.loads(v.stdout)["findings"]}
    return _VALIDATE[path]


def run_allot(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return p, cpu, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("fabric")
    ap.add_argument("work")
    ap.add_argument("--pcts", default="5,10,20,30,45,60")
    ap.add_argument("--time-limit", type=float, default=120)
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    src = json.load(open(a.fabric))
    _SRC[id(src)] = a.fabric
    fab = Fabric(src["features"])
    total = sum(fab.acres)
    has_access = any("port" in x for x in fab.access)
    stem = os.path.splitext(os.path.basename(a.fabric))[0]
    before = validate_set(a.binary, a.fabric)
    rows = []
    for pct in [float(x) for x in a.pcts.split(",")]:
        t = round(total * pct / 100, 2)
        for nz in (1, 2):
            for split in (False, True):
                for access in ([None, "port"] if has_access else [None]):
                    zones = [("a", t)] + ([("b", t)] if nz == 2 else [])
                    args = []
                    for n, tt in zones:
                        args += ["--zone", "%s=%s" % (n, tt)]
                    if split:
                        args.append("--split")
                    if access:
                        args += ["--require-access", access]
                    name = "%s-%g-%d%s%s" % (stem, pct, nz, "-split" if split else "", "-" + access if access else "")
                    if a.only and not re.search(a.only, name):
                        continue
                    plan = os.path.join(a.work, name + ".geojson")
                    if os.path.exists(plan):
                        os.remove(plan)
                    p, cpu, wall = run_allot([a.binary, "plan", a.fabric, "-o", plan, "-q", "--seed", "1"] + args)
                    row = {"run": name, "args": " ".join(args), "exit": p.returncode, "cpu_s": round(cpu, 2)}
                    if p.returncode == 0:
                        probs = check_plan(a.binary, fab, src, plan, zones, access, before)
                        row["class"] = "rule broken" if probs else "planned"
                        row["note"] = "; ".join(probs)
                    elif p.returncode == 1:
                        msg = p.stderr.strip()
                        row["message"] = msg[:400]
                        mz = re.search(r'cannot plan zone "(\w+)"', msg)
                        bad = mz.group(1) if mz else "a"
                        fixed = None
                        if bad == "b":
                            # Zone a as allot plans it alone (same seed), then zone b around it.
                            ap1 = os.path.join(a.work, name + "-a-alone.geojson")
                            q, _, _ = run_allot([a.binary, "plan", a.fabric, "-o", ap1, "-q", "--seed", "1",
                                                 "--zone", "a=%s" % t] + (["--split"] if split else []) +
                                                (["--require-access", access] if access else []))
                            if q.returncode != 0:
                                row["class"], row["note"] = "unresolved", "zone a alone not planned"
                                rows.append(row)
                                print(json.dumps(row), flush=True)
                                continue
                            pd = json.load(open(ap1))
                            if split:
                                row["class"], row["note"] = "unresolved", "zone b refused after a split zone a (model has whole parcels)"
                                rows.append(row)
                                print(json.dumps(row), flush=True)
                                continue
                            fixed = [i for i, f in enumerate(pd["features"]) if f["properties"].get("zone") == "a"]
                            zs = zones
                        else:
                            zs = zones[:1]
                        if total * pct / 100 * (2 if bad == "b" else 1) > total + 1:
                            row["class"], row["note"] = "justified", "targets exceed the land"
                        else:
                            band = (t - 0.01, t + 0.01) if split else (t - 1, t + 1)
                            cls, note = witness(a.binary, fab, src, a.work, name, zs, access, a.time_limit, band, fixed)
                            if split and cls == "justified":
                                cls2, note2 = witness(a.binary, fab, src, a.work, name + "-1ac", zs, access,
                                                      a.time_limit, (t - 1, t + 1), fixed)
                                if cls2 != "justified":
                                    cls, note = "unresolved", "no whole-parcel zone within 0.01 acre; within 1 acre: " + note2
                            row["class"], row["note"] = cls, note
                    else:
                        row["class"], row["note"] = "error", p.stderr.strip()[:400]
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    json.dump(rows, open(os.path.join(a.work, "summary.json"), "w"), indent=1)
    counts = {}
    for r in rows:
        counts[r["class"]] = counts.get(r["class"], 0) + 1
    print(json.dumps({"fabric": a.fabric, "parcels": len(fab.ids), "acres": round(total, 2), "counts": counts}))


if __name__ == "__main__":
    sys.exit(main())
