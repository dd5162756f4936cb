#!/usr/bin/env python3
"""Format benchmark: read and reproject N parcels from GeoPackage, FlatGeobuf and GeoParquet,
allot against pyogrio (GDAL) / pyarrow + shapely + pyproj, in the same run.

For each size, fabric kind (`--kinds`: grid, nonconvex, cadastral) and CRS (`--crs`: EPSG codes,
default 32642 = WGS 84 / UTM 42N) it writes one synthetic fabric (`allot generate --seed 7
--kind KIND --out-crs EPSG:CODE`) as .gpkg, .fgb and .parquet (allot's own writers), then times,
each --runs times under /usr/bin/time -v (median wall time, largest peak RSS, CPU seconds kept):
  - `allot summary FILE --format json` (release build, all threads): read, reproject to WGS84,
    geodesic area of every parcel;
  - `bench/read_reproject.py FILE`: read (pyogrio.raw / pyarrow), decode WKB (shapely),
    reproject every coordinate (pyproj, vectorised), no areas.
Both must report the same parcel count and the same lon/lat bounding box (within 1e-7°), or
the run fails (exit 1). Prints a Markdown table for BENCHMARKS.md (also to --out).

Usage:
  python3 bench/formats.py [--sizes 100000] [--kinds grid] [--crs 32642] [--formats gpkg,fgb,parquet]
                           [--runs 3] [--python PY] [--workdir DIR] [--out FILE] [--allot PATH]
`--allot PATH` times that allot binary (e.g. another branch's release build) instead of
building this checkout's; the fabric files are still written by it.
The Python side needs `pip install pyogrio pyarrow shapely pyproj numpy`.
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


def timed(cmd):
    """(wall seconds, peak RSS MB, CPU seconds, stdout) of one run under /usr/bin/time -v."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True)
    wall = time.perf_counter() - t0
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {p.returncode}:\n{err[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", err))
    return wall, rss, cpu, p.stdout.decode()


def median_run(cmd, runs):
    rs = [timed(cmd) for _ in range(runs)]
    return {
        "wall": statistics.median(r[0] for r in rs),
        "cpu": statistics.median(r[2] for r in rs),
        "rss": max(r[1] for r in rs),
        "walls": [round(r[0], 3) for r in rs],
        "out": json.loads(rs[-1][3]),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--kinds", default="grid", help="fabric kinds, comma-separated")
    ap.add_argument("--crs", default="32642", help="EPSG codes of the files, comma-separated")
    ap.add_argument("--formats", default="gpkg,fgb,parquet")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--workdir", default="/tmp/allot-bench-formats")
    ap.add_argument("--out", default=os.path.join(HERE, "formats-results.md"))
    ap.add_argument("--allot", default=None, help="allot binary to time (default: build this checkout's)")
    args = ap.parse_args()
    allot = ALLOT
    if args.allot:
        allot = os.path.abspath(args.allot)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "allot-cli"], cwd=ROOT, check=True)
    os.makedirs(args.workdir, exist_ok=True)
    rows, failures = [], []
    cells = [(n, kind, code, ext)
             for n in [int(s) for s in args.sizes.split(",")]
             for kind in args.kinds.split(",")
             for code in [int(c) for c in args.crs.split(",")]
             for ext in args.formats.split(",")]
    for n, kind, code, ext in cells:
        path = os.path.join(args.workdir, f"fabric-{kind}-{code}-{n}.{ext}")
        if not os.path.exists(path):
            subprocess.run([allot, "generate", "--parcels", str(n), "--seed", "7", "--kind", kind,
                            "-o", path, "--out-crs", f"EPSG:{code}", "-q"], check=True)
        mb = os.path.getsize(path) / 1e6
        a = median_run([allot, "summary", path, "--format", "json", "-q"], args.runs)
        p = median_run([args.python, os.path.join(HERE, "read_reproject.py"), path], args.runs)
        same = a["out"]["parcels"] == p["out"]["parcels"] and all(
            abs(x - y) < 1e-7 for x, y in zip(a["out"]["bbox"], p["out"]["bbox"]))
        if not same:
            failures.append(f"{kind} {code} {ext} {n}: allot {a['out']['parcels']} {a['out']['bbox']} vs "
                            f"python {p['out']['parcels']} {p['out']['bbox']}")
        row = {"n": a["out"]["parcels"], "kind": kind, "crs": code, "ext": ext, "mb": mb,
               "allot": a, "python": p, "same": same}
        print(json.dumps({k: v for k, v in row.items()}, default=str), file=sys.stderr)
        rows.append(row)
    lines = [
        f"Machine: {os.cpu_count()} cores, shared; {args.runs} runs per cell (median wall and CPU "
        "seconds; peak RSS the largest run). Fabrics written by allot (`generate --seed 7`).",
        "",
        "| fabric | EPSG | format | parcels | MB | allot wall / CPU | pyogrio·pyarrow + shapely + pyproj wall / CPU "
        "| wall ratio | CPU ratio | peak RSS allot / Python | same count and bbox |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        a, p = r["allot"], r["python"]
        lines.append(
            f"| {r['kind']} | {r['crs']} | {r['ext']} | {r['n']:,} | {r['mb']:.0f} | {a['wall']:.2f} s / {a['cpu']:.2f} s "
            f"| {p['wall']:.2f} s / {p['cpu']:.2f} s | {p['wall'] / a['wall']:.1f}× "
            f"| {p['cpu'] / a['cpu']:.1f}× | {a['rss']:.0f} / {p['rss']:.0f} MB | {'✓' if r['same'] else '✗'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.out, "w") as f:
        f.write(text)
    if failures:
        sys.exit("bench: disagreement:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
