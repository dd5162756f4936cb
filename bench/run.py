#!/usr/bin/env python3
"""Benchmark runner: allot vs the shapely 2 + pyproj reference and the GEOS CoverageValidator pipeline.

For each fabric kind (`allot generate --kind quad|nonconvex|cadastral`) and size it generates a
synthetic fabric (known overlaps, gaps and invalid parcels), then runs, each --runs times (median
reported):
  - `allot validate FILE --format json` with all threads and with RAYON_NUM_THREADS=1,
  - with --before BINARY, that allot binary too (all threads; its output must be byte-identical),
  - `bench/reference.py FILE` (shapely + pyproj: areas, overlaps, gaps),
  - `bench/coverage_pipeline.py FILE` (pyogrio + is_valid + coverage_invalid_edges: detection
    only; it must flag exactly the invalid parcels and every parcel of an injected overlap),
  - optionally `allot plan` and `allot map` on the clean fabric,
measuring wall time, CPU time (user + system) and peak RSS with /usr/bin/time -v. It checks that
allot and the reference find the same overlaps (pairs and areas), gaps (areas) and invalid
parcels, and that both match the generator's truth; any disagreement makes the run fail (exit 1).

Cadastral fabrics (`--kind cadastral`, asked for 2.4 times the size, which gives about that many
plots) carry hairline slivers and overlaps of a few m² of their own (boundaries rounded
differently on their two sides); allot and the reference run there with reporting thresholds of
10 m² (`--min-overlap 10 --min-gap 10`), above those and below every injected problem.

Prints a Markdown table (also written to --out) for BENCHMARKS.md.

Usage:
  python3 bench/run.py [--sizes 10000,100000,1000000] [--kinds quad,nonconvex,cadastral] [--runs 3]
                       [--python VENV_PYTHON] [--workdir /tmp/allot-bench-data] [--out bench/results.md]
                       [--allot NEW_ALLOT] [--before OLD_ALLOT] [--no-single] [--plan] [--map]
The references need `pip install -r bench/requirements.txt` in the Python given by --python.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ALLOT = os.path.join(ROOT, "target", "release", "allot")
M2_PER_ACRE = 4046.8564224
CPU_SECONDS = []  # user + system seconds of every timed run, in order (the machine may be shared)


def timed(cmd, env=None, ok_codes=(0,), stdout_path=None):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak_rss_mb, stdout_text)."""
    full = ["/usr/bin/time", "-v"] + cmd
    out = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
    t0 = time.perf_counter()
    p = subprocess.run(full, stdout=out, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t0
    if stdout_path:
        out.close()
    err = p.stderr.decode(errors="replace")
    if p.returncode not in ok_codes:
        sys.exit(f"bench: {' '.join(cmd)} exited {p.returncode}:\n{err[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    rss = int(m.group(1)) / 1024 if m else float("nan")
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err))
    CPU_SECONDS.append(cpu)
    text = open(stdout_path).read() if stdout_path else p.stdout.decode()
    return wall, rss, text


def median_run(cmd, runs, env=None, ok_codes=(0,), stdout_path=None):
    results = [timed(cmd, env, ok_codes, stdout_path) for _ in range(runs)]
    walls = [r[0] for r in results]
    walls_cpu = CPU_SECONDS[-runs:]
    rss = max(r[1] for r in results)
    return statistics.median(walls), rss, results[-1][2], {"wall": walls, "cpu": walls_cpu,
                                                           "cpu_median": statistics.median(walls_cpu)}


def allot_findings(report):
    """(overlaps {pair: m2}, gap areas m2 sorted, invalid ids sorted) from allot's JSON."""
    overlaps, gaps, invalid = {}, [], []
    for f in report["findings"]:
        if f["kind"] == "overlap":
            overlaps[tuple(sorted(f["parcels"]))] = f["acres"] * M2_PER_ACRE
        elif f["kind"] == "gap":
            gaps.append(f["acres"] * M2_PER_ACRE)
        elif f["kind"] == "invalid_geometry":
            invalid.extend(f["parcels"])
    return overlaps, sorted(gaps), sorted(set(invalid))


def reference_findings(ref):
    overlaps = {tuple(sorted(o["parcels"])): o["m2"] for o in ref["overlaps"]}
    return overlaps, sorted(g["m2"] for g in ref["gaps"]), sorted(ref["invalid"])


def truth_findings(truth):
    overlaps = {tuple(sorted(o["parcels"])): o["area_m2"] for o in truth["overlaps"]}
    return overlaps, sorted(g["area_m2"] for g in truth["gaps"]), sorted(i["id"] for i in truth["invalid"])


def agree(a, b, rel=1e-6, abs_m2=0.0025):
    """Whether two findings triples agree: same pairs and ids, areas within tolerance.

    allot's JSON rounds acres to 6 decimals (±0.00202 m²), hence the absolute floor; the
    library itself is tested to 1e-6 relative at full precision (tests/validate_synth.rs)."""
    (oa, ga, ia), (ob, gb, ib) = a, b
    if set(oa) != set(ob) or ia != ib or len(ga) != len(gb):
        return False
    close = lambda x, y: abs(x - y) <= max(abs_m2, rel * max(abs(x), abs(y)))
    return all(close(oa[k], ob[k]) for k in oa) and all(close(x, y) for x, y in zip(ga, gb))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--kinds", default="quad,nonconvex", help="fabric kinds (allot generate --kind)")
    ap.add_argument("--before", help="an earlier allot binary to time beside this one (same files)")
    ap.add_argument("--allot", help="the allot binary to measure (default: build target/release/allot)")
    ap.add_argument("--no-single", action="store_true", help="skip the RAYON_NUM_THREADS=1 runs")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--python", default=sys.executable, help="Python with shapely and pyproj")
    ap.add_argument("--workdir", default="/tmp/allot-bench-data")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--no-reference", action="store_true", help="skip the Python reference")
    ap.add_argument("--plan", action="store_true", help="also time allot plan on the clean fabric")
    ap.add_argument("--map", action="store_true", help="also time allot map")
    args = ap.parse_args()

    global ALLOT
    if args.allot:
        ALLOT = os.path.abspath(args.allot)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(args.workdir, exist_ok=True)
    rows, failures = [], []
    for kind, n in [(kd, int(s)) for kd in args.kinds.split(",") for s in args.sizes.split(",")]:
        k = max(1, min(50, n // 2000))
        fab = os.path.join(args.workdir, f"{kind}-{n}.geojson")
        truth_path = os.path.join(args.workdir, f"truth-{kind}-{n}.json")
        cadastral = kind == "cadastral"
        gen = [ALLOT, "generate", "--kind", kind, "--parcels", str(int(n * 2.4) if cadastral else n),
               "--overlaps", str(k), "--gaps", str(k), "--invalid", str(k), "--seed", "7", "-o", fab,
               "--truth", truth_path, "--quiet"]
        subprocess.run(gen if cadastral else gen + ["--zones", "4"], check=True)
        thresholds = ["--min-overlap", "10", "--min-gap", "10"] if cadastral else []
        truth = json.load(open(truth_path))
        mb = os.path.getsize(fab) / 1e6
        out_json = os.path.join(args.workdir, f"allot-{kind}-{n}.json")
        cmd = [ALLOT, "validate", fab, "--format", "json", "--quiet"] + thresholds
        before = {}
        if args.before:
            old_json = os.path.join(args.workdir, f"before-{kind}-{n}.json")
            bt, br, _, bw = median_run([args.before] + cmd[1:], args.runs, ok_codes=(0, 1), stdout_path=old_json)
            before = {"before": bt, "before_rss": br, "before_walls": bw}
        a2, r2, text, w2 = median_run(cmd, args.runs, ok_codes=(0, 1), stdout_path=out_json)
        if args.before:
            before["before_identical"] = open(old_json, "rb").read() == open(out_json, "rb").read()
            if not before["before_identical"]:
                failures.append(f"{kind} {n}: the --before binary's output differs")
        a1, r1, w1 = float("nan"), float("nan"), {"wall": [], "cpu": [], "cpu_median": float("nan")}
        if not args.no_single:
            env1 = dict(os.environ, RAYON_NUM_THREADS="1")
            a1, r1, _, w1 = median_run(cmd, args.runs, env=env1, ok_codes=(0, 1), stdout_path=out_json)
        mine = allot_findings(json.load(open(out_json)))
        want = truth_findings(truth)
        row = {"kind": kind, "n": truth["parcels"], "mb": mb, "allot2": a2, "rss2": r2, "allot1": a1, "rss1": r1,
               "walls2": w2, "walls1": w1, "injected": (len(want[0]), len(want[1]), len(want[2])), **before}
        row["allot_vs_truth"] = agree(mine, want)
        if not row["allot_vs_truth"]:
            failures.append(f"{kind} {n}: allot disagrees with the generator's truth")
        if not args.no_reference:
            ref_json = os.path.join(args.workdir, f"reference-{kind}-{n}.json")
            rt, rr, _, rw = median_run([args.python, os.path.join(HERE, "reference.py"), fab] + thresholds,
                                       args.runs, stdout_path=ref_json)
            ref = reference_findings(json.load(open(ref_json)))
            row.update(ref=rt, ref_rss=rr, ref_walls=rw, allot_vs_ref=agree(mine, ref))
            if not row["allot_vs_ref"]:
                failures.append(f"{kind} {n}: allot disagrees with the reference")
            cov_json = os.path.join(args.workdir, f"coverage-{kind}-{n}.json")
            ct, cr, _, cw = median_run([args.python, os.path.join(HERE, "coverage_pipeline.py"), fab], args.runs,
                                       stdout_path=cov_json)
            cov = json.load(open(cov_json))
            # CoverageValidator flags a parcel with an edge that matches no neighbour: for a parcel
            # strictly inside another it flags the inner one only, so each injected pair needs one
            # flagged parcel; parcels flagged outside every injected pair are counted.
            overlapping = {p for pair in want[0] for p in pair}
            flagged = set(cov["flagged"])
            row.update(geos=ct, geos_rss=cr, geos_walls=cw, geos_extra=len(flagged - overlapping),
                       geos_vs_truth=cov["invalid"] == want[2]
                       and all(a in flagged or b in flagged for a, b in want[0]))
            if not row["geos_vs_truth"]:
                failures.append(f"{kind} {n}: the GEOS pipeline disagrees with the truth")
        if args.plan and n <= 200_000 and kind == "quad":  # plan refuses > 750k parcels (memory); 1M is not a plan size
            # Plan zones of 5% and 20% of the fabric (in acres) on the fabric without injections.
            clean = os.path.join(args.workdir, f"clean-{kind}-{n}.geojson")
            subprocess.run([ALLOT, "generate", "--parcels", str(n), "--seed", "7", "-o", clean], check=True)
            acres = truth["total_area_m2"] / M2_PER_ACRE
            plan_out = os.path.join(args.workdir, f"plan-{n}.geojson")
            pt, pr, _, _ = median_run([ALLOT, "plan", clean, "-o", plan_out, "--quiet",
                                       "--zone", f"a={acres * 0.05:.0f}", "--zone", f"b={acres * 0.2:.0f}",
                                       "--tolerance", f"{max(1.0, acres * 0.001):.0f}"], args.runs,
                                      ok_codes=(0, 1))
            row.update(plan=pt, plan_rss=pr)
        if args.map:
            svg = os.path.join(args.workdir, f"map-{kind}-{n}.svg")
            mt, mr, _, _ = median_run([ALLOT, "map", fab, "-o", svg, "--quiet"], args.runs)
            row.update(map=mt, map_rss=mr, svg_mb=os.path.getsize(svg) / 1e6)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

    def cell(wall, w):
        return "—" if wall != wall else f"{wall:.2f} s / {w['cpu_median']:.2f} s"

    lines = [
        f"Machine: {os.cpu_count()} cores; runs per cell: {args.runs}; each cell is the median wall time / "
        "the median CPU time (user + system); peak RSS is the largest of the runs.",
        "",
        "| fabric | parcels | GeoJSON MB | allot before | allot, 2 threads | allot, 1 thread | shapely+pyproj "
        "| GEOS coverage | allot faster than shapely+pyproj / GEOS, wall; CPU | peak RSS allot before / allot / "
        "shapely+pyproj / GEOS | agreement |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        before = cell(r["before"], r["before_walls"]) if "before" in r else "—"
        ref = cell(r["ref"], r["ref_walls"]) if "ref" in r else "—"
        geos = cell(r["geos"], r["geos_walls"]) if "geos" in r else "—"
        speed = "—"
        if "ref" in r:
            c2 = r["walls2"]["cpu_median"]
            speed = (f"{r['ref'] / r['allot2']:.1f}× / {r['geos'] / r['allot2']:.1f}×; "
                     f"{r['ref_walls']['cpu_median'] / c2:.1f}× / {r['geos_walls']['cpu_median'] / c2:.1f}×")
        rss = (f"{r['before_rss']:.0f} / " if "before" in r else "— / ") + f"{r['rss2']:.0f}"
        if "ref" in r:
            rss += f" / {r['ref_rss']:.0f} / {r['geos_rss']:.0f}"
        rss += " MB"
        ok = "truth ✓" if r["allot_vs_truth"] else "truth ✗"
        if "allot_vs_ref" in r:
            ok += ", shapely+pyproj ✓" if r["allot_vs_ref"] else ", shapely+pyproj ✗"
            ok += ", GEOS ✓" if r["geos_vs_truth"] else ", GEOS ✗"
            if r["geos_extra"]:
                ok += f" (GEOS also flags {r['geos_extra']} other parcels)"
        if "before_identical" in r:
            ok += ", before = after (cmp)" if r["before_identical"] else ", before ≠ after"
        lines.append(f"| {r['kind']} | {r['n']:,} | {r['mb']:.0f} | {before} | {cell(r['allot2'], r['walls2'])} "
                     f"| {cell(r['allot1'], r['walls1'])} | {ref} | {geos} | {speed} | {rss} | {ok} (injected "
                     f"{r['injected'][0]} overlapping pairs, {r['injected'][1]} gaps, {r['injected'][2]} invalid) |")
    if any("plan" in r or "map" in r for r in rows):
        lines += ["", "| fabric | parcels | allot plan | plan peak RSS | allot map | map peak RSS | SVG MB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            p = f"{r['plan']:.2f} s | {r['plan_rss']:.0f} MB" if "plan" in r else "— | —"
            m = f"{r['map']:.2f} s | {r['map_rss']:.0f} MB | {r['svg_mb']:.1f}" if "map" in r else "— | — | —"
            lines.append(f"| {r['kind']} | {r['n']:,} | {p} | {m} |")
    table = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(table)
    print(table)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
