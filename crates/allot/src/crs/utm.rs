//! UTM to WGS84 longitude/latitude without proj4rs' per-stage dispatch: the same arithmetic,
//! bit for bit, in one pass per point.
//!
//! proj4rs moves a point through a chain of stages (axes, units, the inverse projection, the
//! prime meridian, the datum shift, …), each a closure over the whole batch that returns a
//! `Result`. For a UTM system (`+proj=utm`, the Poder/Engsager transverse Mercator PROJ and
//! proj4rs use) with no datum shift or a three-parameter (`+towgs84=dx,dy,dz`) one, almost
//! every stage is the identity, and [`Utm::to_lonlat`] does the rest directly: the same
//! operations in the same order as proj4rs 0.3's `etmerc` inverse, `adjlon`,
//! `geodetic_to_geocentric`, the translation and `geocentric_to_geodetic` (copied from
//! proj4rs, MIT or Apache-2.0; the series are Poder and Engsager's, ICC 2007), so each result
//! is the same `f64` proj4rs gives.
//!
//! A [`Utm`] is built only from definitions it understands ([`Utm::from_definition`]: zone,
//! hemisphere, the WGS84 or GRS80 ellipsoid or `+a`/`+b`, metres, `+datum=WGS84` or a
//! three-parameter `+towgs84`); anything else stays with proj4rs. The caller
//! ([`super::Crs`]) also checks it against proj4rs on probe points before using it.
//!
//! The datum shift is kept apart from the projection ([`Utm::geographic`], [`Helmert::apply`])
//! so that a system with two candidate shifts (Kalianpur 1962: country-wide and Karachi) pays
//! for the projection once.

#![allow(non_snake_case)]

use std::f64::consts::{FRAC_PI_2, PI, TAU};

/// proj4rs' constant for "is this longitude past ±π".
const EPS_12: f64 = 1.0e-12;
/// proj4rs' sphere test on `a - b`.
const EPS_10: f64 = 1.0e-10;
/// The largest normalised easting the inverse accepts (150°), as proj4rs.
const MAX_CE: f64 = 2.623395162778;

/// WGS84 as proj4rs' datum code holds it.
const WGS84_A: f64 = 6378137.0;
const WGS84_ES: f64 = 0.0066943799901413165;

const ORDER: usize = 6;
type Coeffs = [f64; ORDER];

/// proj4rs' Gaussian ↔ geodetic latitude series (Clenshaw).
#[inline]
fn gatg(c: &Coeffs, B: f64) -> f64 {
    let mut h2 = 0.;
    let cos_2B = 2. * (2. * B).cos();
    let mut h = c[0];
    for &p in &c[1..] {
        let h1 = h;
        h = -h2 + cos_2B * h1 + p;
        h2 = h1;
    }
    B + h * (2. * B).sin()
}

/// proj4rs' complex Clenshaw summation.
#[inline]
fn clens_cplx(a: &Coeffs, arg_r: f64, arg_i: f64) -> (f64, f64) {
    let (sin_arg_r, cos_arg_r) = arg_r.sin_cos();
    let sinh_arg_i = arg_i.sinh();
    let cosh_arg_i = arg_i.cosh();

    let mut r = 2. * cos_arg_r * cosh_arg_i;
    let mut i = -2. * sin_arg_r * sinh_arg_i;

    // proj4rs starts `hr2`, `hi2` at zero, but sets them before reading them.
    let (mut hi1, mut hr1) = (0., 0.);
    let (mut hi2, mut hr2): (f64, f64);
    let mut hi = 0.;
    let mut hr = a[0];
    for &p in &a[1..] {
        hr2 = hr1;
        hi2 = hi1;
        hr1 = hr;
        hi1 = hi;
        hi = -hi2 + i * hr1 + r * hi1;
        hr = -hr2 + r * hr1 - i * hi1 + p;
    }

    r = sin_arg_r * cosh_arg_i;
    i = cos_arg_r * sinh_arg_i;
    (r * hr - i * hi, r * hi + i * hr)
}

/// proj4rs' real Clenshaw summation.
#[inline]
fn clens(a: &Coeffs, arg_r: f64) -> f64 {
    let r = 2. * arg_r.cos();
    let mut hr1 = 0.;
    let mut hr2: f64;
    let mut hr = a[0];
    for &p in &a[1..] {
        hr2 = hr1;
        hr1 = hr;
        hr = -hr2 + r * hr1 + p;
    }
    arg_r.sin() * hr
}

/// proj4rs' longitude wrap to [-π, π] (with a slight overshoot allowed).
#[inline]
fn adjlon(mut lon: f64) -> f64 {
    if lon.abs() >= PI + EPS_12 {
        lon += PI;
        lon -= TAU * (lon / TAU).floor();
        lon -= PI;
    }
    lon
}

/// An ellipsoid as proj4rs derives it: semi-major axis, flattening, first eccentricity squared.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ellipsoid {
    a: f64,
    f: f64,
    es: f64,
}

impl Ellipsoid {
    /// From the semi-major axis and inverse flattening (`+ellps=`).
    fn from_rf(a: f64, rf: f64) -> Ellipsoid {
        let f = 1. / rf;
        Ellipsoid {
            a,
            f,
            es: 2. * f - f * f,
        }
    }

    /// From both semi-axes (`+a= +b=`).
    fn from_ab(a: f64, b: f64) -> Option<Ellipsoid> {
        if !(a > 0.0 && a.is_finite() && b > 0. && b <= a) || (a - b).abs() < EPS_10 {
            return None;
        }
        let (a2, b2) = (a * a, b * b);
        Some(Ellipsoid {
            a,
            f: (a - b) / a,
            es: (a2 - b2) / a2,
        })
    }
}

/// A three-parameter geocentric translation into WGS84 (`+towgs84=dx,dy,dz`), applied as
/// proj4rs applies it: geodetic → geocentric on the source ellipsoid, translate, geocentric →
/// geodetic on WGS84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Helmert {
    a: f64,
    es: f64,
    t: [f64; 3],
}

impl Helmert {
    /// Longitude and latitude (radians) on the source datum → on WGS84, or `None` where
    /// proj4rs fails (a latitude beyond the poles).
    #[inline]
    pub(super) fn apply(&self, lam: f64, phi: f64) -> Option<(f64, f64)> {
        let (x, y, z) = geodetic_to_geocentric(lam, phi, self.a, self.es)?;
        let (x, y, z) = (x + self.t[0], y + self.t[1], z + self.t[2]);
        Some(geocentric_to_geodetic(x, y, z, WGS84_A, WGS84_ES))
    }
}

/// proj4rs' `geodetic_to_geocentric` at height 0.
#[inline]
fn geodetic_to_geocentric(x: f64, y: f64, a: f64, es: f64) -> Option<(f64, f64, f64)> {
    const FRAC_PI_2_EPS: f64 = 1.001 * FRAC_PI_2;
    let z = 0.0;
    let mut lon = x;
    let mut lat = y;
    if lat < -FRAC_PI_2 && lat > -FRAC_PI_2_EPS {
        lat = -FRAC_PI_2
    } else if lat > FRAC_PI_2 && lat < FRAC_PI_2_EPS {
        lat = FRAC_PI_2
    } else if !(-FRAC_PI_2..=FRAC_PI_2).contains(&lat) {
        return None;
    };
    if lon > PI {
        lon -= TAU;
    }
    let (sin_lat, cos_lat) = lat.sin_cos();
    let rn = a / (1. - es * (sin_lat * sin_lat)).sqrt();
    Some((
        (rn + z) * cos_lat * lon.cos(),
        (rn + z) * cos_lat * lon.sin(),
        ((rn * (1. - es)) + z) * sin_lat,
    ))
}

/// proj4rs' `geocentric_to_geodetic` (Wenzel's iteration), longitude and latitude only (the
/// height, and the semi-minor axis proj4rs needs only for the height at the centre, dropped).
#[inline]
fn geocentric_to_geodetic(x: f64, y: f64, z: f64, a: f64, es: f64) -> (f64, f64) {
    const GENAU: f64 = 1.0e-12;
    const GENAU2: f64 = GENAU * GENAU;
    const MAXITER: usize = 30;
    let d2 = (x * x) + (y * y);
    let p = d2.sqrt();
    let rr = (d2 + z * z).sqrt();
    let lon = if p / a < GENAU {
        if rr / a < GENAU {
            return (0., FRAC_PI_2);
        }
        0.
    } else {
        y.atan2(x)
    };
    let ct = z / rr;
    let st = p / rr;
    let mut rx = 1.0 / (1.0 - es * (2.0 - es) * st * st).sqrt();
    let mut cphi0 = st * (1.0 - es) * rx;
    let mut sphi0 = ct * rx;
    let (mut rk, mut rn, mut cphi, mut sphi, mut sdphi, mut height);
    let mut iter = 0;
    loop {
        iter += 1;
        rn = a / (1.0 - es * sphi0 * sphi0).sqrt();
        height = p * cphi0 + z * sphi0 - rn * (1.0 - es * sphi0 * sphi0);
        if (rn + height) == 0. {
            return (lon, 0.);
        }
        rk = es * rn / (rn + height);
        rx = 1.0 / (1.0 - rk * (2.0 - rk) * st * st).sqrt();
        cphi = st * (1.0 - rk) * rx;
        sphi = ct * rx;
        sdphi = sphi * cphi0 - cphi * sphi0;
        cphi0 = cphi;
        sphi0 = sphi;
        if sdphi * sdphi <= GENAU2 || iter >= MAXITER {
            break;
        }
    }
    (lon, sphi.atan2(cphi.abs()))
}

/// One UTM zone (Poder/Engsager inverse) and its datum shift to WGS84, if any.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Utm {
    Qn: f64,
    Zb: f64,
    cgb: Coeffs,
    utg: Coeffs,
    lam0: f64,
    x0: f64,
    y0: f64,
    ra: f64,
    /// The translation to WGS84; `None` when the datum is WGS84 (or unstated).
    shift: Option<Helmert>,
}

/// The `+key=value` pairs of a PROJ.4 definition, or `None` for any other token.
fn tokens(def: &str) -> Option<Vec<(&str, Option<&str>)>> {
    def.split_whitespace()
        .map(|t| {
            let t = t.strip_prefix('+')?;
            Some(match t.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (t, None),
            })
        })
        .collect()
}

impl Utm {
    /// The UTM system of a PROJ.4 definition, when it is one this module reproduces exactly
    /// (see the module docs); `None` otherwise.
    pub(super) fn from_definition(def: &str) -> Option<Utm> {
        let mut zone = None;
        let mut south = false;
        let (mut ellps, mut datum, mut a, mut b, mut towgs84) = (None, None, None, None, None);
        for (k, v) in tokens(def)? {
            match (k, v) {
                ("proj", Some("utm")) | ("units", Some("m")) | ("no_defs", None) => {}
                ("vunits", Some("m")) => {}
                ("zone", Some(z)) => zone = Some(z.parse::<i32>().ok()?),
                ("south", None) => south = true,
                ("ellps", Some(e)) => ellps = Some(e),
                ("datum", Some(d)) => datum = Some(d),
                ("a", Some(x)) => a = Some(x.parse::<f64>().ok()?),
                ("b", Some(x)) => b = Some(x.parse::<f64>().ok()?),
                ("towgs84", Some(t)) => towgs84 = Some(t),
                _ => return None,
            }
        }
        let zone = f64::from(zone.filter(|z| (1..=60).contains(z))?);
        let named = |name: &str| match name {
            "WGS84" => Some(Ellipsoid::from_rf(6_378_137., 298.257_223_563)),
            "GRS80" => Some(Ellipsoid::from_rf(6_378_137., 298.257_222_101)),
            _ => None,
        };
        // proj4rs' precedence: `+ellps`, then the datum's ellipsoid, then `+a`/`+b`; allot
        // takes only definitions that give one of them alone.
        let ellipsoid = match (ellps, datum, a, b) {
            (Some(e), None, None, None) => named(e)?,
            (None, Some("WGS84"), None, None) => named("WGS84")?,
            (None, None, Some(a), Some(b)) => Ellipsoid::from_ab(a, b)?,
            _ => return None,
        };
        // The datum shift: `+towgs84` (3 values, or 7 whose rotations and scale are zero),
        // else `+datum=WGS84`, else none. proj4rs treats a zero shift on a WGS84-sized
        // ellipsoid as WGS84 itself.
        let shift = match (towgs84, datum) {
            (Some(t), _) => {
                let v = t
                    .split(',')
                    .map(|x| x.trim().parse::<f64>().ok())
                    .collect::<Option<Vec<f64>>>()?;
                let t = match v[..] {
                    [dx, dy, dz] => [dx, dy, dz],
                    [dx, dy, dz, rx, ry, rz, s] if [rx, ry, rz, s] == [0.0; 4] => [dx, dy, dz],
                    _ => return None,
                };
                let wgs84_like = t == [0., 0., 0.]
                    && ellipsoid.a == WGS84_A
                    && (ellipsoid.es - WGS84_ES).abs() < 0.000000000050;
                (!wgs84_like).then_some(Helmert {
                    a: ellipsoid.a,
                    es: ellipsoid.es,
                    t,
                })
            }
            (None, Some("WGS84") | None) => None,
            (None, Some(_)) => return None,
        };
        Some(Utm::new(ellipsoid, zone, south, shift))
    }

    /// proj4rs' `utm` and `etmerc` set-up.
    fn new(ellps: Ellipsoid, zone: f64, south: bool, shift: Option<Helmert>) -> Utm {
        let x0 = 500_000.;
        let y0 = if south { 10_000_000. } else { 0. };
        let lam0 = ((zone - 1.) + 0.5) * PI / 30. - PI;
        let k0 = 0.9996;
        let phi0 = 0.;
        let f = ellps.f;
        let n = f / (2. - f);
        let n2 = n * n;
        #[rustfmt::skip]
        let mut cgb: Coeffs = [
            n * ( 2. + n*(-2./3.0 + n*(-2. + n*(116./45.0 + n*(26./45.0 + n*(-2854./675.0 )))))),
            n2 * (7./3.0 + n*(-8./5.0 + n*(-227./45.0 + n*(2704./315.0 + n*(2323./945.0))))),
            n2 * n * (56./15.0 + n*(-136./35.0 + n*(-1262./105.0 + n*(73814./2835.0)))),
            n2 * n2 * (4279./630.0 + n*(-332./35.0 + n*(-399572./14175.0))),
            n2 * n2 * n * (4174./315.0 + n*(-144838./6237.0)),
            n2 * n2 * n2 * (601676./22275.0),
        ];
        #[rustfmt::skip]
        let mut cbg: Coeffs = [
            n * (-2. + n*( 2./3.0 + n*( 4./3.0  + n*(-82./45.0 + n*(32./45.0 + n*(4642./4725.0)))))),
            n2 * (5./3.0 + n*(-16./15.0 + n*(-13./9.0  + n*(904./315.0 + n*(-1522./945.0))))),
            n2 * n * (-26./15.0 + n*(34./21.0 + n*(8./5.0 + n*(-12686./2835.0)))),
            n2 * n2 * (1237./630.0 + n*(-12./5.0 + n*(-24832./14175.0))),
            n2 * n2 * n * (-734./315.0 + n*(109598./31185.0)),
            n2 * n2 * n2 * (444337./155925.0),
        ];
        cgb.reverse();
        cbg.reverse();
        let Qn = k0 / (1. + n) * (1. + n2 * (1. / 4.0 + n2 * (1. / 64.0 + n2 / 256.0)));
        #[rustfmt::skip]
        let mut utg: Coeffs = [
            n * (-0.5  + n*(2./3.0 + n*(-37./96.0 + n*(1./360.0 + n*(81./512.0 + n*(-96199./604800.0)))))),
            n2 * (-1./48.0 + n*(-1./15.0 + n*(437./1440.0 + n*(-46./105.0 + n*(1118711./3870720.0))))),
            n2 * n *(-17./480.0 + n*( 37./840.0 + n*(209./4480.0 + n*(-5569./90720.0)))),
            n2 * n2 *(-4397./161280.0 + n*(11./504.0 + n*( 830251./7257600.0))),
            n2 * n2 * n * (-4583./161280.0 + n*(108847./3991680.0)),
            n2 * n2 *n2 *(-20648693./638668800.0),
        ];
        #[rustfmt::skip]
        let mut gtu: Coeffs = [
            n *( 0.5 + n*(-2./3.0 + n*(5./16.0 + n*(41./180.0 + n*(-127./288.0 + n*(7891./37800.0)))))),
            n2 * (13./48.0 + n*(-3./5.0 + n*(557./1440.0 + n*(281./630.0 + n*(-1983433./1935360.0))))),
            n2 * n * (61./240.0 + n*(-103./140.0 + n*(15061./26880.0 + n*(167603./181440.0)))),
            n2 * n2 * (49561./161280.0 + n*(-179./168.0 + n*(6601661./7257600.0))),
            n2 * n2 * n * (34729./80640.0 + n*(-3418889./1995840.0)),
            n2 * n2 * n2 * (212378941./319334400.0),
        ];
        utg.reverse();
        gtu.reverse();
        let z = gatg(&cbg, phi0);
        let Zb = -Qn * (z + clens(&gtu, 2. * z));
        Utm {
            Qn,
            Zb,
            cgb,
            utg,
            lam0,
            x0,
            y0,
            ra: 1. / ellps.a,
            shift,
        }
    }

    /// The datum shift to WGS84 (`None`: the datum is WGS84, or none is stated).
    pub(super) fn shift(&self) -> Option<&Helmert> {
        self.shift.as_ref()
    }

    /// Easting and northing (metres) → longitude and latitude in radians on the system's own
    /// datum, or `None` where proj4rs fails (more than 150° of arc from the central meridian).
    #[inline]
    pub(super) fn geographic(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        // proj4rs: descale and de-offset (`to_meter` is 1 for metres), then the inverse.
        let x = (x * 1.0 - self.x0) * self.ra;
        let y = (y * 1.0 - self.y0) * self.ra;
        let mut Cn = (y - self.Zb) / self.Qn;
        let mut Ce = x / self.Qn;
        if Ce.abs() > MAX_CE {
            return None;
        }
        let (dCn, dCe) = clens_cplx(&self.utg, 2. * Cn, 2. * Ce);
        Cn += dCn;
        Ce += dCe;
        Ce = Ce.sinh().atan();
        let (sin_Cn, cos_Cn) = Cn.sin_cos();
        let (sin_Ce, cos_Ce) = Ce.sin_cos();
        Ce = sin_Ce.atan2(cos_Ce * cos_Cn);
        Cn = (sin_Cn * cos_Ce).atan2(sin_Ce.hypot(cos_Ce * cos_Cn));
        let phi = gatg(&self.cgb, Cn);
        Some((adjlon(Ce + self.lam0), phi))
    }

    /// Easting and northing (metres) → WGS84 longitude and latitude in degrees, exactly as
    /// proj4rs (with this system's own datum shift); `None` where proj4rs fails or the result
    /// is not finite.
    #[cfg(test)]
    pub(super) fn to_lonlat(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let (lam, phi) = self.geographic(x, y)?;
        match &self.shift {
            Some(h) => degrees(h.apply(lam, phi)?),
            None => degrees((lam, phi)),
        }
    }
}

/// Radians → degrees, `None` unless both are finite.
#[inline]
pub(super) fn degrees((lam, phi): (f64, f64)) -> Option<(f64, f64)> {
    let (x, y) = (lam.to_degrees(), phi.to_degrees());
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proj4rs::proj::Proj;

    /// proj4rs' own answer for one point (degrees), or `None` where it fails or is not finite.
    fn proj4rs(from: &Proj, to: &Proj, x: f64, y: f64) -> Option<(f64, f64)> {
        let mut p = (x, y);
        proj4rs::transform::transform(from, to, &mut p).ok()?;
        degrees(p)
    }

    /// Every UTM definition of the EPSG table that this module takes, over a grid reaching
    /// far past each zone (and past the projection's domain): the same `f64`s as proj4rs,
    /// and a failure exactly where proj4rs fails. The WGS84, GRS80 and Kalianpur 1962
    /// systems must all be among those taken.
    #[test]
    fn every_supported_utm_system_equals_proj4rs_bit_for_bit() {
        let wgs84 = Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs").unwrap();
        let mut taken = Vec::new();
        for code in 2000..=32766u16 {
            let Some(def) = crs_definitions::from_code(code) else {
                continue;
            };
            if !def.proj4.contains("+proj=utm") {
                continue;
            }
            let Some(utm) = Utm::from_definition(def.proj4) else {
                continue;
            };
            taken.push(code);
            let from = Proj::from_proj_string(def.proj4).unwrap();
            let south = def.proj4.contains("+south");
            // Coarse for most systems, dense for the ones allot's users have.
            let step = if [32642, 24312, 24313, 32643].contains(&code) {
                9
            } else {
                3
            };
            for i in 0..=step {
                for j in 0..=step * 3 {
                    let x = -2.0e7 + 4.05e7 * i as f64 / step as f64 + 0.123;
                    let y0 = if south { 1.0e7 } else { 0.0 };
                    let y = y0 - 9.9e6 + 1.99e7 * j as f64 / (step * 3) as f64 + 0.456;
                    let want = proj4rs(&from, &wgs84, x, y);
                    let got = utm.to_lonlat(x, y);
                    assert_eq!(
                        got.map(|(a, b)| (a.to_bits(), b.to_bits())),
                        want.map(|(a, b)| (a.to_bits(), b.to_bits())),
                        "EPSG:{code} ({x}, {y}): {got:?} vs proj4rs {want:?}"
                    );
                }
            }
        }
        for code in [
            32601, 32642, 32660, 32701, 32742, 32760, 24312, 24313, 25832,
        ] {
            assert!(taken.contains(&code), "EPSG:{code} not taken");
        }
        assert!(taken.len() > 300, "{}", taken.len());
    }

    #[test]
    fn definitions_it_does_not_reproduce_are_left_to_proj4rs() {
        for def in [
            "+proj=tmerc +zone=42 +datum=WGS84",
            "+proj=utm +zone=42 +datum=NAD27 +units=m",
            "+proj=utm +zone=42 +ellps=intl +units=m",
            "+proj=utm +zone=42 +ellps=WGS72 +towgs84=0,0,4.5,0,0,0.554,0.2263 +units=m",
            "+proj=utm +zone=42 +datum=WGS84 +units=us-ft",
            "+proj=utm +zone=61 +datum=WGS84",
            "+proj=utm +datum=WGS84",
            "+proj=utm +zone=42 +datum=WGS84 +over",
            "+proj=utm +zone=42 +a=6378137 +units=m",
        ] {
            assert!(Utm::from_definition(def).is_none(), "{def}");
        }
    }
}
