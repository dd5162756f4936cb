#!/usr/bin/env python3
"""The GEOS CoverageValidator pipeline: what a GIS user would run today to check a parcel fabric.

pyogrio (GDAL) reads the GeoJSON, shapely.is_valid finds invalid parcels, and
shapely.coverage_invalid_edges (GEOS CoverageValidator, shapely >= 2.1) flags, on the valid
parcels, every parcel with an edge that does not match a neighbour's edge exactly: overlaps,
misaligned or crossing edges. Detection only: no areas, no gaps (gap_width 0), no zones.

Usage: coverage_pipeline.py FILE
Prints {"parcels", "invalid": [ids], "flagged": [ids with invalid coverage edges],
"seconds": {"read", "is_valid", "coverage", "total"}, "versions": {...}}.
"""

import json
import sys
import time

import numpy as np
import pyogrio
import shapely


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[-1].split("\n")[0])
    t0 = time.perf_counter()
    _meta, _fids, wkb, fields = pyogrio.raw.read(sys.argv[1], columns=["id"])
    geoms = shapely.from_wkb(wkb)
    ids = np.asarray(fields[0], dtype=object)
    t1 = time.perf_counter()
    valid = shapely.is_valid(geoms)
    t2 = time.perf_counter()
    edges = shapely.coverage_invalid_edges(geoms[valid])
    flagged = ids[valid][~shapely.is_empty(edges)]
    t3 = time.perf_counter()
    print(json.dumps({
        "parcels": int(len(geoms)),
        "invalid": sorted(str(i) for i in ids[~valid]),
        "flagged": sorted(str(i) for i in flagged),
        "seconds": {"read": t1 - t0, "is_valid": t2 - t1, "coverage": t3 - t2, "total": t3 - t0},
        "versions": {"shapely": shapely.__version__, "geos": shapely.geos_version_string,
                     "pyogrio": pyogrio.__version__, "gdal": pyogrio.__gdal_version_string__},
    }))


if __name__ == "__main__":
    main()
