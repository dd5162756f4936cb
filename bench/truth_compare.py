#!/usr/bin/env python3
"""Compare `allot validate --format json` findings with `allot generate --truth`.

Usage: python3 bench/truth_compare.py TRUTH.json FINDINGS.json
Prints how many injected invalid parcels, overlapping pairs and gaps were found, gaps matched by
their surrounding parcels, and the injected gaps no finding matches (grouped when they touch).
"""
import json, sys
from collections import defaultdict
truth = json.load(open(sys.argv[1])); out = json.load(open(sys.argv[2]))
ACRE = 4046.8564224
fs = defaultdict(list)
for f in out["findings"]:
    fs[f["kind"]].append(f)
print("parcels", out["parcels"], "truth", truth["parcels"])
inv_t = sorted(t["id"] for t in truth["invalid"]); inv_f = sorted(f["parcels"][0] for f in fs["invalid_geometry"])
print("invalid: truth", len(inv_t), "found", len(inv_f), "same" if inv_t == inv_f else "DIFFER")
want = {tuple(sorted(o["parcels"])): o["area_m2"] for o in truth["overlaps"]}
got = {tuple(sorted(f["parcels"])): f["acres"] * ACRE for f in fs["overlap"]}
worst = max((abs(got[k] - want[k]) / want[k] for k in set(want) & set(got)), default=0)
print("overlaps: truth", len(want), "found", len(got), "missing", len(set(want) - set(got)), "extra", len(set(got) - set(want)),
      "worst area rel err %.2e (acres printed to 6 decimals)" % worst)
gaps_f = fs["gap"]; gaps_t = truth["gaps"]
by_around = {tuple(sorted(f["parcels"])): f for f in gaps_f}
matched, unmatched = 0, []
used = set()
for g in gaps_t:
    k = tuple(sorted(g["around"]))
    if k in by_around:
        matched += 1; used.add(k)
        f = by_around[k]
        if abs(f["acres"] * ACRE - g["area_m2"]) > 1e-6 * ACRE + 1e-9 * g["area_m2"]:  # 6-decimal acres
            print("  gap area differs", k[:3], f["acres"] * ACRE, g["area_m2"])
    else:
        unmatched.append(g)
print("gaps: truth", len(gaps_t), "found", len(gaps_f), "matched one-to-one by surrounding parcels", matched)
# Unmatched injected gaps: group those whose removed parcels touch (one is around another).
rest = [f for k, f in by_around.items() if k not in used]
removed_of = {}
for i, g in enumerate(unmatched):
    for r in g["removed"]:
        removed_of[r] = i
parent = list(range(len(unmatched)))
def find(i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]; i = parent[i]
    return i
for i, g in enumerate(unmatched):
    for a in g["around"]:
        if a in removed_of:
            parent[find(i)] = find(removed_of[a])
groups = defaultdict(list)
for i in range(len(unmatched)):
    groups[find(i)].append(unmatched[i])
for gs in groups.values():
    area = sum(g["area_m2"] for g in gs)
    removed = {r for g in gs for r in g["removed"]}
    around = sorted({a for g in gs for a in g["around"]} - removed)
    hit = [f for f in rest if sorted(f["parcels"]) == around]
    print("  unmatched group of %d injected gap(s), removed %s, area %.3f m2 (sum): found as one region: %s" % (
        len(gs), sorted(removed), area,
        ("yes, %.3f m2" % (hit[0]["acres"] * ACRE)) if hit else "NO"))
print("found gaps matching no injected gap:", len(rest) - sum(1 for gs in groups.values() if any(sorted(f["parcels"]) == sorted({a for g in gs for a in g["around"]} - {r for g in gs for r in g["removed"]}) for f in rest)))
