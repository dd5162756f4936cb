#!/usr/bin/env python3
"""`allot plan` checked independently: runs the plan, then checks its output with shapely and
pyproj only (no allot code):

- every input parcel appears in the plan once (split pieces `<id>-a`/`-b` tile their parent:
  areas sum to it within 1e-6 relative; a whole parcel keeps its area within 1e-5, since a
  neighbour's cut point inserted into its ring moves its edge by the hairline between them);
- each zone's geodesic area (pyproj.Geod) is within its target ± tolerance (read from the plan's
  metadata.zones);
- each zone, and the retained land, is one piece on our own adjacency: two parcels are
  neighbours when more than 0.05 m of one's boundary lies within 1 cm of the other's (shapely,
  local equal-area projection; T-junctions and differently rounded vertices included); a
  corner does not count;
- --lock ID=ZONE parcels are in their zone; parcels of --exclude-use land uses (and the
  default excludes unless --no-default-excludes) stay retained;
- `allot validate PLAN` finds nothing the input's own validation does not (the input's hairline
  gaps may stay); a second identical run gives byte-identical output.

Usage: check_plan.py ALLOT_BIN FABRIC OUT_DIR -- PLAN ARGS (after FABRIC -o OUT)...
Exit 0 when the plan passes, 3 when allot says infeasible (exit 1), 1 on any failed check.
"""

import json
import os
import subprocess
import sys

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.polygon import orient

GEOD = Geod(ellps="WGS84")
ACRE = 4046.8564224
DEFAULT_EXCLUDES = {"township", "township_fringe", "water_reservoir", "encroached"}


def area_acres(g):
    g = orient(g, 1.0) if g.geom_type == "Polygon" else MultiPolygon([orient(p, 1.0) for p in g.geoms])
    return GEOD.geometry_area_perimeter(shapely.force_2d(g))[0] / ACRE


def components(nodes, adj):
    nodes = set(nodes)
    seen, comps = set(), []
    for n in sorted(nodes):
        if n in seen:
            continue
        stack, comp = [n], []
        seen.add(n)
        while stack:
            a = stack.pop()
            comp.append(a)
            for b in adj.get(a, ()):
                if b in nodes and b not in seen:
                    seen.add(b)
                    stack.append(b)
        comps.append(comp)
    return comps


def main():
    binary, fabric, out = sys.argv[1], sys.argv[2], sys.argv[3]
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    os.makedirs(out, exist_ok=True)
    plan = os.path.join(out, "plan.geojson")
    cmd = [binary, "plan", fabric, "-o", plan, "-q"] + args
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode == 1:
        print("INFEASIBLE %s: %s" % (" ".join(args), p.stderr.strip()[:400]))
        sys.exit(3)
    if p.returncode != 0:
        print("FAIL exit %d: %s" % (p.returncode, p.stderr.strip()))
        sys.exit(1)
    first = open(plan, "rb").read()
    p2 = subprocess.run(cmd, capture_output=True, text=True)
    problems = []
    if open(plan, "rb").read() != first or p2.returncode != 0:
        problems.append("second run differs")

    d = json.load(open(plan))
    src = json.load(open(fabric))
    src_ids = []
    for i, f in enumerate(src["features"], 1):
        fid = f.get("id", (f.get("properties") or {}).get("id"))
        src_ids.append(str(fid) if fid is not None else "#%d" % i)
    feats = d["features"]
    ids = []
    for i, f in enumerate(feats, 1):
        fid = f.get("id", (f.get("properties") or {}).get("id"))
        ids.append(str(fid) if fid is not None else "#%d" % i)
    geoms = [shape(f["geometry"]) for f in feats]
    zone = [f["properties"].get("zone") for f in feats]
    parents = {}
    for i, f in enumerate(feats):
        parents.setdefault(f["properties"].get("split_from", ids[i]), []).append(i)
    if sorted(parents) != sorted(src_ids):
        problems.append("parcels differ from the input: %s" % sorted(set(parents) ^ set(src_ids))[:10])
    src_area = {src_ids[i]: area_acres(shape(f["geometry"])) for i, f in enumerate(src["features"])}
    for pid, kids in parents.items():
        a = sum(area_acres(geoms[k]) for k in kids)
        # Split pieces tile their parent (1e-6). A whole neighbour of a cut parcel gets the cut
        # point inserted into its ring, which moves its edge by the data's own hairline between
        # the two (a T-junction or differently rounded sides): 1e-5 relative is allowed there.
        rel = 1e-6 if len(kids) > 1 else 1e-5
        if pid in src_area and abs(a - src_area[pid]) > rel * src_area[pid] + 1e-9:
            problems.append("parcel %s: pieces %.9f acres, parent %.9f" % (pid, a, src_area[pid]))

    lon0 = np.mean([g.centroid.x for g in geoms])
    lat0 = np.mean([g.centroid.y for g in geoms])
    tr = Transformer.from_crs("EPSG:4326", "+proj=laea +lat_0=%f +lon_0=%f +ellps=WGS84" % (lat0, lon0), always_xy=True)
    proj = [shapely.transform(shapely.force_2d(g), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))) for g in geoms]
    bnd = [g.boundary for g in proj]
    tree = shapely.STRtree(proj)
    adj = {}
    for a, b in zip(*tree.query(proj, predicate="dwithin", distance=0.01)):
        if a < b and bnd[a].intersection(bnd[b].buffer(0.01)).length > 0.05:
            adj.setdefault(a, []).append(b)
            adj.setdefault(b, []).append(a)

    zones = d.get("metadata", {}).get("zones", [])
    for z in zones:
        members = [i for i in range(len(feats)) if zone[i] == z["name"]]
        a = sum(area_acres(geoms[i]) for i in members)
        tol = z.get("tolerance_acres", 1.0)
        if abs(a - z["target_acres"]) > tol + 1e-6:
            problems.append("zone %s: %.4f acres, target %s ± %s" % (z["name"], a, z["target_acres"], tol))
        comps = components(members, adj)
        if len(comps) != 1:
            problems.append("zone %s: %d pieces (sizes %s)" % (z["name"], len(comps), sorted(len(c) for c in comps)))
    retained = [i for i in range(len(feats)) if zone[i] in (None, "retained")]
    rc = components(retained, adj)
    if len(rc) > 1:
        problems.append("retained land: %d pieces (sizes %s)" % (len(rc), sorted(len(c) for c in rc)))

    excludes = set() if "--no-default-excludes" in args else set(DEFAULT_EXCLUDES)
    for k, a in enumerate(args):
        if a == "--exclude-use":
            excludes.add(args[k + 1])
        if a == "--lock":
            pid, z = args[k + 1].split("=", 1)
            for i in parents.get(pid, []):
                if (zone[i] or "retained") != z:
                    problems.append("lock %s=%s: parcel is in %s" % (pid, z, zone[i]))
    for i, f in enumerate(feats):
        if f["properties"].get("land_use") in excludes and zone[i] not in (None, "retained"):
            problems.append("excluded %s (%s) is in zone %s" % (ids[i], f["properties"]["land_use"], zone[i]))

    # The plan must add no finding to the input's own (hairline gaps of the input stay).
    def finding_set(path):
        v = subprocess.run([binary, "validate", path, "--format", "json", "-q"], capture_output=True, text=True)
        if v.returncode not in (0, 1):
            return None, v.stderr.strip()
        return {(f["kind"], tuple(f["parcels"])) for f in json.loads(v.stdout)["findings"]}, ""
    before, _ = finding_set(fabric)
    after, err = finding_set(plan)
    if after is None:
        problems.append("allot validate PLAN fails: %s" % err[:600])
    else:
        new = sorted(after - (before or set()))
        if new:
            problems.append("allot validate PLAN finds what the input does not have: %s" % new[:6])
    summary = ", ".join("%s %d parcels" % (z["name"], sum(1 for q in zone if q == z["name"])) for z in zones)
    print("%s %s: %s" % ("FAIL" if problems else "ok  ", " ".join(args), summary))
    for m in problems:
        print("   ", m)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
