#!/usr/bin/env python3
"""`allot plan --prove` measured: the bundled PSM data, and generated fabrics of 1,000-2,000
parcels with one zone of 10%, 30% and 45% of the area.

Usage (from the repository root, after `cargo build --release --features exact`):

    python3 bench/prove.py [--time-limit S] [--node-limit N] [--sizes 1000,2000] [--out DIR]

For each case it runs the plan without `--prove` (the heuristic's zone) and with it, and prints
one Markdown table row: the heuristic's perimeter, the planned perimeter with --prove, the lower
bound, the bound's own gap, its kind, the rounds of cuts, and the wall and CPU time of the
--prove run (user + system; on a shared machine the wall time mostly measures the other load).
Standard library only.
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The binary under test: $ALLOT, or the release build of this checkout.
ALLOT = os.environ.get("ALLOT", os.path.join(ROOT, "target", "release", "allot"))


def run(args):
    """Runs allot; returns the process, its wall time and its CPU time (user + system, s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run([ALLOT] + args, capture_output=True, text=True)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, wall, cpu


def zone_rows(path):
    with open(path) as f:
        return {r["zone"]: r for r in csv.DictReader(f) if r["kind"] == "zone"}


def plan_case(label, fabric, zone_args, time_limit, node_limit, out):
    heur_csv = os.path.join(out, "heur.csv")
    p, _, _ = run(["plan", fabric, "-o", os.path.join(out, "heur.geojson"), "--schedule", heur_csv, "-q"] + zone_args)
    if p.returncode != 0:
        print(f"| {label} | heuristic failed: {p.stderr.strip()} |")
        return
    prove_csv = os.path.join(out, "prove.csv")
    prove_geo = os.path.join(out, "prove.geojson")
    limit = ["--time-limit", str(time_limit)] if time_limit > 0 else []
    nodes = ["--node-limit", str(node_limit)] if node_limit else []
    p, tp, cpu = run(["plan", fabric, "-o", prove_geo, "--schedule", prove_csv, "-q", "--prove"]
                     + limit + nodes + zone_args)
    if p.returncode != 0:
        print(f"| {label} | --prove failed: {p.stderr.strip()} |")
        return
    heur = zone_rows(heur_csv)
    with open(prove_geo) as f:
        proofs = json.load(f)["metadata"]["proof"]
    for q in proofs:
        h = float(heur[q["zone"]]["perimeter_m"])
        print(
            f"| {label} | {q['zone']} | {h:,.0f} | {q['perimeter_m']:,.0f} | {q['lower_bound_m']:,.0f} "
            f"| {100 * q['gap']:.2f}% | {q['bound']} | {100 * (h / q['lower_bound_m'] - 1):.2f}% "
            f"| {q['rounds']} | {tp:.1f} s | {cpu:.1f} s | {q['note'] or ''} |",
            flush=True,
        )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=90, help="seconds for all zones of a plan (0: none)")
    ap.add_argument("--node-limit", type=int, default=0, help="branch-and-bound nodes per solve (0: none)")
    ap.add_argument("--sizes", default="1000,2000")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "bench-prove"))
    ap.add_argument("--skip-psm", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(ALLOT):
        sys.exit("build first: cargo build --release --features exact")
    os.makedirs(a.out, exist_ok=True)
    print("| case | zone | heuristic m | with --prove m | lower bound m | bound's gap | bound | heuristic above bound | rounds | wall | CPU | note |")
    print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|")
    if not a.skip_psm:
        psm = os.path.join(ROOT, "data", "psm-site.geojson")
        plan_case("PSM, default flags", psm, [], a.time_limit, a.node_limit, a.out)
        # The park around the heuristic's own mill (its parcels locked), to compare with the
        # optimum an independent model found for that mill.
        with open(os.path.join(a.out, "heur.geojson")) as f:
            mill = [ft["properties"]["id"] if "id" in ft["properties"] else ft["id"]
                    for ft in json.load(f)["features"] if ft["properties"]["zone"] == "sindh_mill"]
        locks = [x for m in mill for x in ("--lock", f"{m}=sindh_mill")]
        plan_case("PSM, mill locked to the heuristic's", psm, locks, a.time_limit, a.node_limit, a.out)
    for n in [int(x) for x in a.sizes.split(",")]:
        fabric = os.path.join(a.out, f"fabric-{n}.geojson")
        p, _, _ = run(["generate", "--parcels", str(n), "-o", fabric, "--seed", "1", "-q"])
        if p.returncode != 0:
            sys.exit(p.stderr)
        p, _, _ = run(["summary", fabric, "--format", "json"])
        total = json.load(io.StringIO(p.stdout))["total_area"]
        count = json.load(io.StringIO(p.stdout))["parcels"]
        for pct in (10, 30, 45):
            target = round(total * pct / 100, 1)
            plan_case(f"{count} parcels, {pct}% ({target:,.1f} ac ± 1)", fabric,
                      ["--zone", f"z={target}", "--tolerance", "1"], a.time_limit, a.node_limit, a.out)


if __name__ == "__main__":
    main()
