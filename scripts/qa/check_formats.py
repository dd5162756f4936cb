#!/usr/bin/env python3
"""Areas through every format and CRS, against pyproj's geodesic truth.

For each GeoJSON fabric given, gives every parcel its own zone (zone = its id, or `#N` for a
feature without one, as allot names it), converts that copy with GDAL's ogr2ogr into Shapefile
(file set and zip), GeoPackage, KML, FlatGeobuf and CSV with WKT, and with pyarrow into
GeoParquet (WKB), each in EPSG:4326, 32642 and 24312 (KML always 4326), and runs
`allot summary FILE --format json --units m2`. Each zone's area must equal the parcel's geodesic
area on WGS84 (pyproj.Geod.geometry_area_perimeter of the GeoJSON geometry) within 1e-6
relative (plus 1e-3 m²) for 4326 and 32642, and within 1e-4 relative for 24312 (ogr2ogr and allot
may pick Kalianpur datum shifts a few metres apart; a shift moves, not scales, a parcel).
Prints one line per file and a summary; exit 1 on any disagreement.

Usage: check_formats.py ALLOT_BIN WORK_DIR FABRIC.geojson...
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile

from pyproj import Geod
import shapely
from shapely.geometry import shape

GEOD = Geod(ellps="WGS84")


def truth(fabric):
    """{zone name: geodesic m²} of a fabric whose zones are the parcel ids."""
    d = json.load(open(fabric))
    out = {}
    for i, f in enumerate(d["features"], 1):
        g = shapely.geometry.polygon.orient(shape(f["geometry"]), 1.0) if f["geometry"]["type"] == "Polygon" else \
            shapely.geometry.MultiPolygon([shapely.geometry.polygon.orient(p, 1.0) for p in shape(f["geometry"]).geoms])
        # geometry_area_perimeter sums signed ring areas: shells counter-clockwise, holes clockwise.
        a = GEOD.geometry_area_perimeter(g)[0]
        out[f["properties"]["zone"]] = a
    return out


def zone_copy(src, dst):
    d = json.load(open(src))
    for i, f in enumerate(d["features"], 1):
        fid = f.get("id", (f.get("properties") or {}).get("id"))
        f["properties"]["zone"] = str(fid) if fid is not None else "#%d" % i
        if f["properties"].get("access") == "":
            del f["properties"]["access"]
    with open(dst, "w") as fh:
        json.dump(d, fh)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def to_parquet(src_geojson, dst, epsg):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyproj import CRS, Transformer
    import numpy as np

    d = json.load(open(src_geojson))
    tr = None if epsg == 4326 else Transformer.from_crs("EPSG:4326", "EPSG:%d" % epsg, always_xy=True)
    wkb, zones, ids = [], [], []
    for f in d["features"]:
        g = shape(f["geometry"])
        if tr:
            g = shapely.transform(g, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
        wkb.append(g.wkb)
        zones.append(f["properties"]["zone"])
        ids.append(str(f.get("id", (f.get("properties") or {}).get("id", ""))))
    geo = {"version": "1.1.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": []}}}
    if epsg != 4326:
        geo["columns"]["geometry"]["crs"] = json.loads(CRS.from_epsg(epsg).to_json())
    t = pa.table({"id": ids, "zone": zones, "geometry": pa.array(wkb, pa.binary())})
    t = t.replace_schema_metadata({"geo": json.dumps(geo)})
    pq.write_table(t, dst)


def main():
    binary, work = sys.argv[1], sys.argv[2]
    fabrics = sys.argv[3:]
    os.makedirs(work, exist_ok=True)
    bad = 0
    for fab in fabrics:
        stem = os.path.splitext(os.path.basename(fab))[0]
        zsrc = os.path.join(work, stem + "-zones.geojson")
        zone_copy(fab, zsrc)
        want = truth(zsrc)
        outs = []
        for epsg in (4326, 32642, 24312):
            base = os.path.join(work, "%s-%d" % (stem, epsg))
            srs = ["-t_srs", "EPSG:%d" % epsg]
            jobs = [
                ("shp", ["ogr2ogr", "-f", "ESRI Shapefile", base + ".shp", zsrc] + srs),
                ("gpkg", ["ogr2ogr", "-f", "GPKG", base + ".gpkg", zsrc] + srs),
                # GDAL's FlatGeobuf driver cannot write a list (the PSM site's `access`).
                ("fgb", ["ogr2ogr", "-f", "FlatGeobuf", base + ".fgb", zsrc,
                         "-mapFieldType", "StringList=String"] + srs),
                ("csv", ["ogr2ogr", "-f", "CSV", base + ".csv", zsrc, "-lco", "GEOMETRY=AS_WKT"] + srs),
            ]
            if epsg == 4326:
                jobs.append(("kml", ["ogr2ogr", "-f", "KML", base + ".kml", zsrc]))
            for ext, cmd in jobs:
                for e in ((".shp", ".shx", ".dbf", ".prj", ".cpg") if ext == "shp" else ("." + ext,)):
                    if os.path.exists(base + e):
                        os.remove(base + e)
                rc, _, err = run(cmd)
                if rc != 0:
                    print("ogr2ogr failed", cmd, err)
                    bad += 1
                    continue
                extra = ["--crs", "EPSG:%d" % epsg] if ext == "csv" and epsg != 4326 else []
                outs.append((base + "." + ext, extra, epsg))
            z = base + ".shp.zip"
            with zipfile.ZipFile(z, "w") as zf:
                for e in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    if os.path.exists(base + e):
                        zf.write(base + e, stem + e)
            outs.append((z, [], epsg))
            pq = base + ".parquet"
            to_parquet(zsrc, pq, epsg)
            outs.append((pq, [], epsg))
        outs.insert(0, (zsrc, [], 4326))
        for path, extra, epsg in outs:
            rc, out, err = run([binary, "summary", path, "--format", "json", "--units", "m2"] + extra)
            if rc != 0:
                print("FAIL %s: exit %d: %s" % (path, rc, err.strip()))
                bad += 1
                continue
            got = json.loads(out)["by_zone"]
            tol = 1e-4 if epsg == 24312 else 1e-6
            worst, worst_z, missing = 0.0, None, sorted(set(want) ^ set(got))
            for z, a in want.items():
                if z in got:
                    r = abs(got[z]["area"] - a) / max(a, 1e-9)
                    if abs(got[z]["area"] - a) > 1e-3 and r > worst:
                        worst, worst_z = r, z
            ok = not missing and worst <= tol
            bad += not ok
            print("%s %s: %d parcels, worst relative area error %.2e (%s)%s" % (
                "ok  " if ok else "FAIL", os.path.basename(path), len(got), worst, worst_z,
                "; zones differ: %s" % missing[:8] if missing else ""))
    print("%d failure(s)" % bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
