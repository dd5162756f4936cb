#!/usr/bin/env python3
"""Independent high-precision geodesic areas on WGS84, the truth for src/geodesy.rs's tests.

Two methods that share no code with GeographicLib's area algorithm:

1. ODE (the truth pasted into the tests): every edge is the geodesic between its two vertices,
   found by shooting on the geodesic equations in (latitude, longitude) with mpmath at 40 digits
   (classical RK4, fixed steps, Newton on the initial velocity), and the area is
   -sum over edges of the integral of (F(phi) - F(phi_ref)) dlambda along that geodesic, where
   F(phi) = integral_0^phi M N cos = a^2 (1-e^2)/2 (u/(1-e^2 u^2) + atanh(e u)/e), u = sin phi
   (Green's theorem on the ellipsoid's area element M N cos phi dphi dlambda).
2. DENSE: each edge densified with pyproj Geod.npts, projected with an ellipsoidal Lambert
   azimuthal equal-area projection centred on the parcel (PROJ's closed form), shoelace in local
   metres. Only ~nanometre position noise, so it checks method 1 to about 1e-11 relative.

GeographicLib (pyproj Geod.polygon_area_perimeter, the C library) is printed alongside so its own
error can be reported; on 1-10 km parcels it agrees with the ODE truth to ~1e-12.

Usage (needs pyproj and mpmath):
  python bench/area_truth.py            # test table for geodesy.rs, plus the error summary
  python bench/area_truth.py --check    # also the DENSE cross-check and 1-10 km GeographicLib check
"""
import math
import sys

import mpmath as mp
from pyproj import Geod, Transformer

mp.mp.dps = 40
A = mp.mpf(6378137)
F_ = 1 / mp.mpf("298.257223563")
E2 = F_ * (2 - F_)
E = mp.sqrt(E2)
K = A * A * (1 - E2) / 2
DEG = mp.pi / 180
STEPS = 32


def authalic_f(phi):
    u = mp.sin(phi)
    return K * (u / (1 - E2 * u * u) + mp.atanh(E * u) / E)


def rhs(y, fref):
    phi, _lam, p, q, _s = y
    s, c = mp.sin(phi), mp.cos(phi)
    w = 1 - E2 * s * s
    dp = -(3 * E2 * s * c / w) * p * p - (s * c * w / (1 - E2)) * q * q
    dq = 2 * (1 - E2) * s / (c * w) * p * q
    ds = -(authalic_f(phi) - fref) * q
    return [p, q, dp, dq, ds]


def shoot(phi1, lam1, p0, q0, fref, steps=STEPS):
    y = [phi1, lam1, p0, q0, mp.mpf(0)]
    h = mp.mpf(1) / steps
    for _ in range(steps):
        k1 = rhs(y, fref)
        k2 = rhs([a + h / 2 * b for a, b in zip(y, k1)], fref)
        k3 = rhs([a + h / 2 * b for a, b in zip(y, k2)], fref)
        k4 = rhs([a + h * b for a, b in zip(y, k3)], fref)
        y = [a + h / 6 * (b1 + 2 * b2 + 2 * b3 + b4) for a, b1, b2, b3, b4 in zip(y, k1, k2, k3, k4)]
    return y


def edge_area(lon1, lat1, lon2, lat2, fref, steps=STEPS):
    """-integral of (F - F_ref) dlambda along the geodesic from vertex 1 to vertex 2 (degrees in)."""
    phi1, lam1 = mp.mpf(lat1) * DEG, mp.mpf(lon1) * DEG
    phi2, lam2 = mp.mpf(lat2) * DEG, mp.mpf(lon2) * DEG
    p0, q0 = phi2 - phi1, lam2 - lam1
    scale = max(abs(p0), abs(q0))

    def resid(p, q):
        y = shoot(phi1, lam1, p, q, fref, steps)
        return y, y[0] - phi2, y[1] - lam2

    y, r0, r1 = resid(p0, q0)
    hh = scale * mp.mpf("1e-18")
    _, a0, a1 = resid(p0 + hh, q0)
    _, b0, b1 = resid(p0, q0 + hh)
    j = mp.matrix([[(a0 - r0) / hh, (b0 - r0) / hh], [(a1 - r1) / hh, (b1 - r1) / hh]])
    for _ in range(12):
        d = mp.lu_solve(j, mp.matrix([r0, r1]))
        p0, q0 = p0 - d[0], q0 - d[1]
        y, r0, r1 = resid(p0, q0)
        if max(abs(r0), abs(r1)) < mp.mpf("1e-33"):
            break
    else:
        raise RuntimeError("shooting did not converge")
    return y[4]


def ring_area_ode(ring, steps=STEPS):
    """Unsigned area (m^2) of a closed ring [(lon, lat), ..., first] by method 1."""
    fref = authalic_f(mp.mpf(ring[0][1]) * DEG)
    s = mp.mpf(0)
    for (lo1, la1), (lo2, la2) in zip(ring, ring[1:]):
        s += edge_area(lo1, la1, lo2, la2, fref, steps)
    return abs(s)


GEOD = Geod(ellps="WGS84")


def ring_area_dense(ring, per_edge=400):
    """Unsigned area (m^2) by method 2 (densify, ellipsoidal LAEA at the ring's mean, shoelace)."""
    lon0 = sum(p[0] for p in ring[:-1]) / (len(ring) - 1)
    lat0 = sum(p[1] for p in ring[:-1]) / (len(ring) - 1)
    tr = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=laea +lat_0={lat0!r} +lon_0={lon0!r} +ellps=WGS84 +units=m",
        always_xy=True,
    )
    pts = []
    for (lo1, la1), (lo2, la2) in zip(ring, ring[1:]):
        pts.append((lo1, la1))
        pts.extend(GEOD.npts(lo1, la1, lo2, la2, per_edge))
    xs, ys = tr.transform([p[0] for p in pts], [p[1] for p in pts])
    n = len(xs)
    s = math.fsum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
    return abs(s) / 2


def ring_area_gl(ring):
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0])


# ---- the test table (mirrored exactly by geodesy.rs: same literals, same IEEE operations) ----
# Unit shapes as offsets (east, north) in units of the parcel size; rings closed by the builder.
SHAPES = {
    # irregular counter-clockwise quadrilateral
    "quad": [(0.0, 0.0), (1.0, -0.125), (1.125, 0.875), (0.25, 1.0)],
    # irregular clockwise pentagon
    "pent_cw": [(0.0, 0.0), (-0.25, 0.75), (0.5, 1.25), (1.0, 0.625), (0.75, -0.125)],
}
# A square shell with a clockwise triangular hole (polygon area = shell - hole).
HOLED_SHELL = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
HOLED_HOLE = [(0.25, 0.25), (0.5, 0.75), (0.75, 0.25)]
# (lon0, lat0, cos(lat0) rounded, used as an exact literal)
SITES = [
    (-120.5, 0.0, 1.0),
    (67.25, 24.8, 0.9078),
    (179.9, 45.0, 0.7071),
    (15.75, 70.0, 0.342),
]
SIZES = [5.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0]
M_PER_DEG = 111320.0


def build_ring(lon0, lat0, coslat, size, unit):
    dlat = size / M_PER_DEG
    dlon = size / (M_PER_DEG * coslat)
    ring = [(lon0 + u * dlon, lat0 + v * dlat) for u, v in unit]
    ring.append(ring[0])
    return ring


def cases():
    for lon0, lat0, coslat in SITES:
        for size in SIZES:
            for name in ["quad", "pent_cw", "holed"]:
                if name == "holed":
                    rings = [
                        build_ring(lon0, lat0, coslat, size, HOLED_SHELL),
                        build_ring(lon0, lat0, coslat, size, HOLED_HOLE),
                    ]
                else:
                    rings = [build_ring(lon0, lat0, coslat, size, SHAPES[name])]
                yield lon0, lat0, coslat, size, name, rings


def polygon_area(rings, f):
    return f(rings[0]) - sum(f(r) for r in rings[1:])


def main():
    check = "--check" in sys.argv
    rows = []
    worst = {}
    for lon0, lat0, coslat, size, name, rings in cases():
        truth = polygon_area(rings, ring_area_ode)
        gl = polygon_area(rings, ring_area_gl)
        rows.append((lon0, lat0, coslat, size, name, truth))
        rel = abs(gl - float(truth)) / float(truth)
        worst[size] = max(worst.get(size, 0.0), rel)
        line = f"{lon0:>7} {lat0:>5} {size:>6} {name:>8} truth {mp.nstr(truth, 20):>26} gl_rel_err {rel:.2e}"
        if check:
            dense = polygon_area(rings, ring_area_dense)
            line += f" dense_rel_err {abs(dense - float(truth)) / float(truth):.2e}"
        print(line, file=sys.stderr)
    print("GeographicLib (pyproj) worst relative error vs ODE truth, per size:", file=sys.stderr)
    for size in SIZES:
        print(f"  {size:>6} m: {worst[size]:.2e}", file=sys.stderr)
    print("// (lon0, lat0, cos_lat0, size_m, shape, truth_m2): bench/area_truth.py (mpmath ODE truth)")
    for lon0, lat0, coslat, size, name, truth in rows:
        print(f"({lon0!r}, {lat0!r}, {coslat!r}, {size!r}, {name.upper()}, {float(truth)!r}),")
    if check:
        large_check()


def large_check():
    """1-10 km parcels: ODE truth vs GeographicLib (accurate to ~1e-12 there) and vs DENSE."""
    print("ODE vs GeographicLib and DENSE on 1-10 km parcels:", file=sys.stderr)
    for lon0, lat0, coslat in SITES:
        for size in [1000.0, 5000.0, 10000.0]:
            ring = build_ring(lon0, lat0, coslat, size, SHAPES["quad"])
            t = float(ring_area_ode(ring))
            t16 = float(ring_area_ode(ring, steps=16))
            gl = ring_area_gl(ring)
            dense = ring_area_dense(ring)
            print(
                f"  lat {lat0:>5} {size:>7} m: gl {abs(gl - t) / t:.1e} dense {abs(dense - t) / t:.1e}"
                f" ode16-vs-32 {abs(t16 - t) / t:.1e}",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
