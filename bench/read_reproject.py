#!/usr/bin/env python3
"""The GDAL + PROJ side of the format benchmark: read a parcel file and reproject it to WGS84.

GeoPackage and FlatGeobuf are read with pyogrio (GDAL, `pyogrio.raw.read`: WKB geometry and
attribute arrays, no pandas), GeoParquet with pyarrow (pyogrio's GDAL has no Parquet driver);
the WKB is decoded with shapely 2 (GEOS) and every coordinate moved to EPSG:4326 with a pyproj
Transformer (always_xy), vectorised through `shapely.transform`. It does not compute areas
(allot's `summary`, timed against it, does: geodesic areas of every parcel).

Prints JSON: parcel count, the lon/lat bounding box (to check both sides read the same
coordinates), and seconds per stage.

Usage: python3 bench/read_reproject.py FILE
"""

import json
import sys
import time

import numpy as np
import pyproj
import shapely


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        geo = json.loads(table.schema.metadata[b"geo"])
        column = geo["columns"][geo["primary_column"]]
        crs_id = (column.get("crs") or {}).get("id")
        crs = pyproj.CRS.from_epsg(crs_id["code"]) if crs_id else pyproj.CRS.from_epsg(4326)
        wkb = table.column(geo["primary_column"]).to_numpy()
        n_fields = table.num_columns - 1
    else:
        import pyogrio.raw

        meta, _fids, wkb, fields = pyogrio.raw.read(path)
        crs = pyproj.CRS.from_user_input(meta["crs"])
        n_fields = len(fields)
    t_read = time.perf_counter()
    geoms = shapely.from_wkb(wkb)
    t_decode = time.perf_counter()
    tr = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def move(c):
        x, y = tr.transform(c[:, 0], c[:, 1])
        return np.column_stack([x, y])

    wgs84 = shapely.transform(geoms, move)
    t_proj = time.perf_counter()
    b = shapely.total_bounds(wgs84)
    print(json.dumps({
        "parcels": len(wgs84),
        "fields": n_fields,
        "bbox": [float(v) for v in b],
        "seconds": {"read": t_read - t0, "decode": t_decode - t_read, "reproject": t_proj - t_decode},
    }))


if __name__ == "__main__":
    main()
