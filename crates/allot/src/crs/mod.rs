//! Coordinate reference systems: naming a CRS (an EPSG code, a WKT text, a GeoJSON `crs`
//! name) and moving coordinates between it and WGS84 longitude/latitude, both ways.
//!
//! Pure Rust: the EPSG table is the `crs-definitions` crate (about 6,000 codes, each with its
//! PROJ.4 string and WKT) and the arithmetic is `proj4rs`, a port of PROJ's projections.
//! proj4rs applies the `+towgs84` Helmert shift a definition carries and never chooses a datum
//! transformation by itself, so allot states the one it applies ([`DatumShift`]):
//!
//! - **Kalianpur 1962** (EPSG:4145; projected 24312/24313 UTM 42N/43N, 24376/24377 India zones
//!   I and IIa): inside the area of EPSG transformation 15703 "Kalianpur 1962 to WGS 84 (4)"
//!   (Karachi licence area, 66.83–68.00° E, 24.69–25.76° N; stated accuracy 3 m;
//!   +towgs84=271.905,669.593,231.495) that one, elsewhere EPSG:1247 "Kalianpur 1962 to WGS 84
//!   (1)" (all onshore Pakistan; accuracy unknown; +towgs84=283,682,231). The two differ by
//!   about 9 m at the Pakistan Steel Mills site. PROJ (and so GDAL's `ogr2ogr`) picks the same
//!   operation for points in the Karachi licence area; elsewhere PROJ may pick another regional
//!   one (Badin, Gambat, East Sind), which allot does not.
//! - Any other CRS: the `+towgs84` of its EPSG definition, or none when the datum is WGS84.
//!
//! The choice is made per point, as PROJ does: a point is first shifted with the country-wide
//! parameters, and shifted again with the regional ones when it lands in the regional area.
//! As in PROJ, the regional shift is a candidate only for systems whose EPSG area of use
//! overlaps the Karachi licence area: 4145, 24312 (UTM 42N) and 24377 (India zone IIa). For
//! 24311, 24313 and 24376, whose areas lie elsewhere, the country-wide shift is used
//! everywhere.
//!
//! UTM systems (WGS84 326xx/327xx, GRS80, Kalianpur 1962 24312/24313 and others whose
//! definitions the `utm` module reproduces) are moved to WGS84 by its direct route, which gives
//! every point the same `f64`s as proj4rs without its per-stage dispatch, and projects a
//! Kalianpur point once for both candidate datum shifts. A system uses it only after it
//! agreed with proj4rs bit for bit on probe points across its zone; any point it cannot move
//! goes through proj4rs, which names the problem.

mod esri_params;
mod memo;
mod utm;
mod wkt;

pub use wkt::{epsg_from_wkt, root_name};

use std::fmt;

use geo::Coord;
use proj4rs::proj::Proj;

/// The WGS84 geographic CRS as proj4rs sees it (longitude, latitude in radians).
const WGS84_PROJ: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// Why a CRS could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// An EPSG code absent from allot's table.
    #[error(
        "EPSG:{0} is not a CRS allot knows (its table has the EPSG projected and geographic 2D systems); reproject first, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.shp`"
    )]
    UnknownCode(u32),
    /// A text naming a CRS that could not be matched to an EPSG code.
    #[error(
        "unknown CRS {0}; declare it with --crs EPSG:N if you know its code, or reproject first, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.shp`"
    )]
    Unknown(String),
    /// A definition proj4rs cannot set up.
    #[error("EPSG:{code} ({definition}) cannot be set up: {reason}")]
    Setup {
        /// The EPSG code.
        code: u32,
        /// Its PROJ.4 definition.
        definition: String,
        /// What proj4rs said.
        reason: String,
    },
    /// A point that cannot be transformed (outside the projection's domain).
    #[error("({x}, {y}) cannot be transformed from {crs}: {reason}")]
    Point {
        /// The input x.
        x: f64,
        /// The input y.
        y: f64,
        /// The CRS, e.g. `EPSG:24312 (Kalianpur 1962 / UTM zone 42N)`.
        crs: String,
        /// What went wrong.
        reason: String,
    },
}

/// A datum transformation to WGS84 applied in a bounded area, with where it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatumShift {
    /// The EPSG transformation code, e.g. 15703.
    pub epsg: u32,
    /// Its EPSG name, e.g. `Kalianpur 1962 to WGS 84 (4)`.
    pub name: &'static str,
    /// Where it applies, as named by EPSG.
    pub area: &'static str,
    /// The stated accuracy in metres (`None`: unknown).
    pub accuracy_m: Option<f64>,
    /// `+towgs84` parameters (three translations in metres).
    pub towgs84: [f64; 3],
    /// Area of use: west, south, east, north in degrees (WGS84).
    pub bounds: [f64; 4],
}

/// The country-wide Kalianpur 1962 shift, as carried by the EPSG definitions of 24312 etc.
pub const KALIANPUR_1962_PAKISTAN: DatumShift = DatumShift {
    epsg: 1247,
    name: "Kalianpur 1962 to WGS 84 (1)",
    area: "Pakistan - onshore",
    accuracy_m: None,
    towgs84: [283.0, 682.0, 231.0],
    bounds: [60.86, 23.64, 77.83, 37.07],
};

/// The Karachi licence-area Kalianpur 1962 shift (3 m), used inside its bounds.
pub const KALIANPUR_1962_KARACHI: DatumShift = DatumShift {
    epsg: 15703,
    name: "Kalianpur 1962 to WGS 84 (4)",
    area: "Pakistan - Karachi licence area",
    accuracy_m: Some(3.0),
    towgs84: [271.905, 669.593, 231.495],
    bounds: [66.83, 24.69, 68.0, 25.76],
};

/// Kalianpur 1962 systems whose EPSG area of use overlaps the Karachi licence area
/// (geographic 4145: 60.86–77.83° E, 21.05–37.07° N; 24312: 66–72.01° E, 23.64–36.56° N;
/// 24377: 61.59–71.91° E, 23.64–28.01° N).
const KARACHI_AREA_SYSTEMS: [u32; 3] = [4145, 24312, 24377];

impl DatumShift {
    fn towgs84_param(&self) -> String {
        let [x, y, z] = self.towgs84;
        format!("+towgs84={x},{y},{z},0,0,0,0")
    }

    fn contains(&self, lon: f64, lat: f64) -> bool {
        let [w, s, e, n] = self.bounds;
        (w..=e).contains(&lon) && (s..=n).contains(&lat)
    }
}

/// How many points [`Crs::to_wgs84_in_place`] hands proj4rs at a time.
const BATCH: usize = 64;

/// How far (degrees) inside the regional area a point moved with the regional shift must be
/// for the country-wide shift to be skipped: the two Kalianpur shifts differ by a fixed
/// geocentric translation of 16.7 m, so the country-wide result of the same point lies within
/// about 2e-4° of the regional one (tested), and is inside the area too.
const REGIONAL_MARGIN_DEG: f64 = 1e-3;

/// [`utm`]'s direct route for a UTM system: the projection with its own (country-wide) datum
/// shift, and the regional shift with its area, if any.
struct Fast {
    utm: utm::Utm,
    regional: Option<(DatumShift, utm::Helmert)>,
}

/// Points for one proj4rs call: each stage is applied to every point in turn, with the third
/// coordinate zero (as proj4rs' own `(f64, f64)` adaptor does for a single point). Stops at
/// the first point a stage fails on.
struct Batch<'a>(&'a mut [(f64, f64)]);

impl proj4rs::transform::Transform for Batch<'_> {
    fn transform_coordinates<F: proj4rs::transform::TransformClosure>(
        &mut self,
        f: &mut F,
    ) -> proj4rs::errors::Result<()> {
        for p in self.0.iter_mut() {
            let (x, y, _) = f(p.0, p.1, 0.0)?;
            *p = (x, y);
        }
        Ok(())
    }
}

/// A coordinate reference system allot can move coordinates out of and back into.
pub struct Crs {
    code: u32,
    name: String,
    definition: String,
    proj: Proj,
    latlong: bool,
    /// A regional datum shift that replaces the default inside its area, with its own setup.
    regional: Option<(DatumShift, Proj)>,
    wgs84: Proj,
    /// The direct route to WGS84, for systems it reproduces exactly.
    fast: Option<Fast>,
    /// Unique among the `Crs` values of this process: names it to [`memo`].
    id: u64,
}

/// The next [`Crs::id`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl fmt::Debug for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crs")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("definition", &self.definition)
            .finish()
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPSG:{} ({})", self.code, self.name)
    }
}

fn setup(code: u32, definition: &str) -> Result<Proj, CrsError> {
    Proj::from_proj_string(definition).map_err(|e| CrsError::Setup {
        code,
        definition: definition.to_string(),
        reason: e.to_string(),
    })
}

impl Crs {
    /// WGS84 longitude/latitude (EPSG:4326 in GIS axis order, as GeoJSON and most files use).
    pub fn wgs84() -> Crs {
        Crs::from_epsg(4326).expect("EPSG:4326 is in the table")
    }

    /// The CRS with this EPSG code.
    ///
    /// ```
    /// let utm = allot::crs::Crs::from_epsg(32642).unwrap();
    /// assert_eq!(utm.to_string(), "EPSG:32642 (WGS 84 / UTM zone 42N)");
    /// assert!(allot::crs::Crs::from_epsg(99999).is_err());
    /// ```
    pub fn from_epsg(code: u32) -> Result<Crs, CrsError> {
        let def = u16::try_from(code)
            .ok()
            .and_then(crs_definitions::from_code)
            .ok_or(CrsError::UnknownCode(code))?;
        let name = root_name(def.wkt).unwrap_or_default();
        let definition = def.proj4.to_string();
        let proj = setup(code, &definition)?;
        let latlong = proj.is_latlong();
        let default_shift = KALIANPUR_1962_PAKISTAN.towgs84_param();
        let regional_def = (definition.contains(&default_shift)
            && KARACHI_AREA_SYSTEMS.contains(&code))
        .then(|| definition.replace(&default_shift, &KALIANPUR_1962_KARACHI.towgs84_param()));
        let regional = match &regional_def {
            Some(d) => Some((KALIANPUR_1962_KARACHI, setup(code, d)?)),
            None => None,
        };
        let fast = utm::Utm::from_definition(&definition).and_then(|utm| {
            let regional = match &regional_def {
                Some(d) => {
                    let r = utm::Utm::from_definition(d)?;
                    Some((KALIANPUR_1962_KARACHI, *r.shift()?))
                }
                None => None,
            };
            Some(Fast { utm, regional })
        });
        let mut crs = Crs {
            code,
            name,
            definition,
            proj,
            latlong,
            regional,
            wgs84: setup(4326, WGS84_PROJ)?,
            fast,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        if crs.fast.is_some() && !crs.fast_agrees_on_probes() {
            crs.fast = None;
        }
        Ok(crs)
    }

    /// True when the direct route gives exactly proj4rs' result (or fails where it fails) on
    /// a grid across the zone and, for a regional shift, on both sides of each edge of its area.
    fn fast_agrees_on_probes(&self) -> bool {
        let mut probes: Vec<Coord<f64>> = (0..5)
            .flat_map(|i| {
                (0..6).map(move |j| Coord {
                    x: 160_000.0 + 170_000.0 * f64::from(i) + 0.37,
                    y: 100_000.0 + 1_840_000.0 * f64::from(j) + 0.61,
                })
            })
            .collect();
        if let Some((area, _)) = &self.regional {
            let [w, s, e, n] = area.bounds;
            let (mx, my) = ((w + e) / 2.0, (s + n) / 2.0);
            for (lon, lat) in [(w, my), (e, my), (mx, s), (mx, n), (mx, my)] {
                for d in [-2e-4, -1e-5, 0.0, 1e-5, 2e-4] {
                    for p in [(lon + d, lat), (lon, lat + d)] {
                        if let Ok(c) = self.from_wgs84(Coord { x: p.0, y: p.1 }) {
                            probes.push(c);
                        }
                    }
                }
            }
        }
        probes.iter().all(|&c| {
            let fast = self.fast_one(c).map(|p| (p.x.to_bits(), p.y.to_bits()));
            let slow = self
                .slow_to_wgs84(c)
                .ok()
                .map(|p| (p.x.to_bits(), p.y.to_bits()));
            fast == slow
        })
    }

    /// One point by the direct route, or `None` when the system has none or the point
    /// cannot be moved by it (proj4rs then decides).
    #[inline]
    fn fast_one(&self, c: Coord<f64>) -> Option<Coord<f64>> {
        let f = self.fast.as_ref()?;
        let (lam, phi) = f.utm.geographic(c.x, c.y)?;
        let country = || match f.utm.shift() {
            Some(h) => utm::degrees(h.apply(lam, phi)?),
            None => utm::degrees((lam, phi)),
        };
        let (x, y) = match &f.regional {
            None => country()?,
            Some((area, h)) => {
                // As `slow_to_wgs84`: the regional shift where the country-wide one lands
                // inside its area. Deep inside, the country-wide result need not be computed.
                let regional = utm::degrees(h.apply(lam, phi)?)?;
                let [w, s, e, n] = area.bounds;
                let m = REGIONAL_MARGIN_DEG;
                let deep =
                    (w + m..=e - m).contains(&regional.0) && (s + m..=n - m).contains(&regional.1);
                if deep {
                    regional
                } else {
                    let c = country()?;
                    if area.contains(c.0, c.1) { regional } else { c }
                }
            }
        };
        Some(Coord { x, y })
    }

    /// The CRS a WKT text (a `.prj` file, a GeoPackage `definition`) describes: its EPSG
    /// authority when it states one, else the EPSG system of the same name (ESRI spellings
    /// such as `WGS_1984_UTM_Zone_42N` included).
    ///
    /// ```
    /// let prj = r#"PROJCS["Kalianpur_1962_UTM_Zone_42N",GEOGCS["GCS_Kalianpur_1962"]]"#;
    /// assert_eq!(allot::crs::Crs::from_wkt(prj).unwrap().code(), 24312);
    /// ```
    pub fn from_wkt(wkt: &str) -> Result<Crs, CrsError> {
        match epsg_from_wkt(wkt) {
            Some(code) => Crs::from_epsg(code),
            None => Err(CrsError::Unknown(format!("(WKT: {})", wkt.trim()))),
        }
    }

    /// The CRS a user or a GeoJSON `crs` member names: `EPSG:N`, `EPSG::N`,
    /// `urn:ogc:def:crs:EPSG::N`, `http://www.opengis.net/def/crs/EPSG/0/N`, `CRS84`.
    ///
    /// ```
    /// use allot::crs::Crs;
    /// assert_eq!(Crs::from_name("EPSG:24312").unwrap().code(), 24312);
    /// assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::32642").unwrap().code(), 32642);
    /// assert!(Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap().is_wgs84());
    /// ```
    pub fn from_name(name: &str) -> Result<Crs, CrsError> {
        let n = name.trim().to_ascii_uppercase();
        if n.ends_with("CRS84") || n == "WGS84" {
            return Ok(Crs::wgs84());
        }
        let code = ["EPSG::", "EPSG:", "EPSG/0/", "EPSG/"]
            .iter()
            .find_map(|p| n.rfind(p).map(|i| &n[i + p.len()..]))
            .and_then(|rest| rest.trim().parse::<u32>().ok());
        match code {
            Some(code) => Crs::from_epsg(code),
            None => Err(CrsError::Unknown(format!("{name:?}"))),
        }
    }

    /// The EPSG code.
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The EPSG name, e.g. `Kalianpur 1962 / UTM zone 42N`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The PROJ.4 definition in use (with the country-wide datum shift).
    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// True for WGS84 longitude/latitude, where no transformation is needed.
    pub fn is_wgs84(&self) -> bool {
        self.code == 4326
    }

    /// True when coordinates are degrees rather than metres (or feet).
    pub fn is_geographic(&self) -> bool {
        self.latlong
    }

    /// The regional datum shift used where it applies, if this CRS has one.
    pub fn regional_shift(&self) -> Option<&DatumShift> {
        self.regional.as_ref().map(|(s, _)| s)
    }

    fn one(&self, from: &Proj, to: &Proj, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        let mut p = if from.is_latlong() {
            (c.x.to_radians(), c.y.to_radians())
        } else {
            (c.x, c.y)
        };
        let fail = |reason: String| CrsError::Point {
            x: c.x,
            y: c.y,
            crs: self.to_string(),
            reason,
        };
        proj4rs::transform::transform(from, to, &mut p).map_err(|e| fail(e.to_string()))?;
        if to.is_latlong() {
            p = (p.0.to_degrees(), p.1.to_degrees());
        }
        if !(p.0.is_finite() && p.1.is_finite()) {
            return Err(fail("outside the projection's domain".into()));
        }
        Ok(Coord { x: p.0, y: p.1 })
    }

    /// Moves one point from this CRS to WGS84 longitude/latitude in degrees.
    ///
    /// ```
    /// let utm = allot::crs::Crs::from_epsg(32642).unwrap();
    /// let p = utm.to_wgs84(geo::coord! { x: 333228.8046979406, y: 2744917.3971734177 }).unwrap();
    /// assert!((p.x - 67.35).abs() < 1e-9 && (p.y - 24.81).abs() < 1e-9);
    /// ```
    pub fn to_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        if self.is_wgs84() {
            return Ok(c);
        }
        match self.fast_one(c) {
            Some(p) => Ok(p),
            None => self.slow_to_wgs84(c),
        }
    }

    /// [`Crs::to_wgs84`] through proj4rs alone: the reference the direct route must equal.
    fn slow_to_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        let p = self.one(&self.proj, &self.wgs84, c)?;
        match &self.regional {
            Some((shift, proj)) if shift.contains(p.x, p.y) => self.one(proj, &self.wgs84, c),
            _ => Ok(p),
        }
    }

    /// Moves every point of `coords` from this CRS to WGS84 longitude/latitude in place,
    /// exactly as [`Crs::to_wgs84`] moves each (nothing is allocated per point). On failure
    /// returns the 0-based index of the first point that cannot be moved, and why; the points
    /// before it are already moved, the rest are not.
    ///
    /// ```
    /// let utm = allot::crs::Crs::from_epsg(32642).unwrap();
    /// let mut ring = [geo::coord! { x: 333228.8046979406, y: 2744917.3971734177 }; 3];
    /// utm.to_wgs84_in_place(&mut ring).unwrap();
    /// assert!(ring.iter().all(|p| (p.x - 67.35).abs() < 1e-9 && (p.y - 24.81).abs() < 1e-9));
    /// ```
    pub fn to_wgs84_in_place(&self, coords: &mut [Coord<f64>]) -> Result<(), (usize, CrsError)> {
        if self.is_wgs84() {
            return Ok(());
        }
        if self.fast.is_some() {
            // Shared vertices are moved once ([`memo`]), each by the direct route.
            return memo::move_all(self.id, coords, |k, c| match self.fast_one(c) {
                Some(p) => Ok(p),
                None => self.slow_to_wgs84(c).map_err(|e| (k, e)),
            });
        }
        for (b, chunk) in coords.chunks_mut(BATCH).enumerate() {
            if self.batch_to_wgs84(chunk).is_none() {
                // A point of this batch cannot be moved: point by point, to name the first.
                for (k, c) in chunk.iter_mut().enumerate() {
                    *c = self.to_wgs84(*c).map_err(|e| (b * BATCH + k, e))?;
                }
            }
        }
        Ok(())
    }

    /// Moves up to [`BATCH`] points to WGS84 in one call of proj4rs (which then runs each of
    /// its stages over all of them), giving every point exactly the value [`Crs::to_wgs84`]
    /// gives it: the same arithmetic on each point, stage by stage, with the third
    /// coordinate zero at every stage as for a single point. Leaves `chunk` untouched and
    /// returns `None` when any point fails or is not finite.
    fn batch_to_wgs84(&self, chunk: &mut [Coord<f64>]) -> Option<()> {
        let mut buf = [(0.0, 0.0); BATCH];
        let points = &mut buf[..chunk.len()];
        let radians = self.proj.is_latlong();
        for (p, c) in points.iter_mut().zip(chunk.iter()) {
            *p = if radians {
                (c.x.to_radians(), c.y.to_radians())
            } else {
                (c.x, c.y)
            };
        }
        proj4rs::transform::transform(&self.proj, &self.wgs84, &mut Batch(points)).ok()?;
        let mut out = [Coord { x: 0.0, y: 0.0 }; BATCH];
        for (o, p) in out.iter_mut().zip(points.iter()) {
            let (x, y) = (p.0.to_degrees(), p.1.to_degrees());
            if !(x.is_finite() && y.is_finite()) {
                return None;
            }
            *o = Coord { x, y };
        }
        // The regional datum shift, point by point where it applies (as `to_wgs84`).
        if let Some((shift, proj)) = &self.regional {
            for (o, c) in out.iter_mut().zip(chunk.iter()) {
                if shift.contains(o.x, o.y) {
                    *o = self.one(proj, &self.wgs84, *c).ok()?;
                }
            }
        }
        chunk.copy_from_slice(&out[..chunk.len()]);
        Some(())
    }

    /// Moves one point from WGS84 longitude/latitude in degrees into this CRS (the inverse
    /// of [`Crs::to_wgs84`], with the same choice of datum shift).
    ///
    /// ```
    /// let k = allot::crs::Crs::from_epsg(24312).unwrap();
    /// let p = geo::coord! { x: 67.35, y: 24.81 };
    /// let back = k.to_wgs84(k.from_wgs84(p).unwrap()).unwrap();
    /// // Round trip through the Helmert shift and back: within 1e-8° (about 1 mm).
    /// assert!((back.x - p.x).abs() < 1e-8 && (back.y - p.y).abs() < 1e-8, "{back:?}");
    /// ```
    pub fn from_wgs84(&self, c: Coord<f64>) -> Result<Coord<f64>, CrsError> {
        if self.is_wgs84() {
            return Ok(c);
        }
        match &self.regional {
            Some((shift, proj)) if shift.contains(c.x, c.y) => self.one(&self.wgs84, proj, c),
            _ => self.one(&self.wgs84, &self.proj, c),
        }
    }

    /// Moves a multipolygon from WGS84 longitude/latitude into this CRS, point by point with
    /// [`Crs::from_wgs84`]: the one place an output's CRS is applied (every writer, and any
    /// output that lists coordinates, goes through it or through [`Crs::from_wgs84`]).
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// let utm = allot::crs::Crs::from_epsg(32642).unwrap();
    /// let lonlat = MultiPolygon(vec![polygon![(x: 67.35, y: 24.81), (x: 67.36, y: 24.81), (x: 67.36, y: 24.82), (x: 67.35, y: 24.81)]]);
    /// let m = utm.multipolygon_from_wgs84(&lonlat).unwrap();
    /// let first = m.0[0].exterior().0[0];
    /// assert!((first.x - 333228.8046979406).abs() < 1e-6 && (first.y - 2744917.3971734177).abs() < 1e-6);
    /// ```
    pub fn multipolygon_from_wgs84(
        &self,
        m: &geo::MultiPolygon<f64>,
    ) -> Result<geo::MultiPolygon<f64>, CrsError> {
        if self.is_wgs84() {
            return Ok(m.clone());
        }
        let ring = |r: &geo::LineString<f64>| -> Result<geo::LineString<f64>, CrsError> {
            r.0.iter()
                .map(|c| self.from_wgs84(*c))
                .collect::<Result<Vec<_>, _>>()
                .map(geo::LineString)
        };
        m.0.iter()
            .map(|p| {
                let shell = ring(p.exterior())?;
                let holes = p.interiors().iter().map(ring).collect::<Result<_, _>>()?;
                Ok(geo::Polygon::new(shell, holes))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(geo::MultiPolygon)
    }

    /// The OGC WKT (version 1) of this CRS, as the EPSG table gives it (for `.prj` files and
    /// GeoPackage `gpkg_spatial_ref_sys`).
    ///
    /// ```
    /// let wkt = allot::crs::Crs::from_epsg(24312).unwrap().wkt();
    /// assert!(wkt.starts_with("PROJCS[\"Kalianpur 1962 / UTM zone 42N\"") && wkt.contains("AUTHORITY[\"EPSG\",\"24312\"]"));
    /// ```
    pub fn wkt(&self) -> &'static str {
        u16::try_from(self.code)
            .ok()
            .and_then(crs_definitions::from_code)
            .map_or("", |d| d.wkt)
    }

    /// Moves every point of a slice to WGS84 (see [`Crs::to_wgs84`]); on failure the slice
    /// is left partly transformed and the error names the first bad point.
    pub fn slice_to_wgs84(&self, points: &mut [Coord<f64>]) -> Result<(), CrsError> {
        if self.is_wgs84() {
            return Ok(());
        }
        for p in points {
            *p = self.to_wgs84(*p)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Batches of every length up to two [`BATCH`]es, in projected and geographic systems,
    /// with and without the regional Kalianpur shift (points on both sides of its border):
    /// every point bit for bit as [`Crs::to_wgs84`] moves it alone, all by the batch route;
    /// a point that cannot be moved is named by its index, as point by point.
    #[test]
    fn batches_move_each_point_as_alone() {
        for (code, x0, y0, step) in [
            (32642, 300_000.0, 2_700_000.0, 997.0),
            (24312, 300_000.0, 2_700_000.0, 4_999.0),
            (24313, 300_000.0, 2_700_000.0, 4_999.0),
            (3857, 7_400_000.0, 2_800_000.0, 991.0),
            (4145, 66.5, 24.5, 0.013),
        ] {
            let crs = Crs::from_epsg(code).unwrap();
            for n in [1, 5, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH] {
                let pts: Vec<Coord<f64>> = (0..n)
                    .map(|i| Coord {
                        x: x0 + step * (i % 11) as f64,
                        y: y0 + step * 1.7 * (i / 11) as f64,
                    })
                    .collect();
                let mut chunk = pts[..n.min(BATCH)].to_vec();
                assert!(crs.batch_to_wgs84(&mut chunk).is_some(), "EPSG:{code} {n}");
                let mut moved = pts.clone();
                crs.to_wgs84_in_place(&mut moved).unwrap();
                for (i, (m, p)) in moved.iter().zip(&pts).enumerate() {
                    let one = crs.to_wgs84(*p).unwrap();
                    assert_eq!(
                        (m.x.to_bits(), m.y.to_bits()),
                        (one.x.to_bits(), one.y.to_bits()),
                        "EPSG:{code} point {i} of {n}"
                    );
                    if i < BATCH {
                        assert_eq!(chunk[i], one, "EPSG:{code} point {i} of {n}");
                    }
                }
            }
        }
        let utm = Crs::from_epsg(32642).unwrap();
        let mut pts = vec![
            Coord {
                x: 333_000.0,
                y: 2_744_000.0
            };
            100
        ];
        pts[70] = Coord { x: 1e30, y: 1e30 };
        let want = utm.to_wgs84(pts[70]).unwrap_err();
        assert_eq!(utm.to_wgs84_in_place(&mut pts), Err((70, want)));
    }

    /// The direct route is taken for the UTM systems allot's users have, and gives exactly
    /// proj4rs' result on a dense grid over the Karachi licence area's edges (where the
    /// Kalianpur shift switches) and across Pakistan, or fails where proj4rs fails.
    #[test]
    fn the_direct_route_equals_proj4rs_across_the_regional_border() {
        for code in [32642, 32742, 24312, 24313] {
            assert!(Crs::from_epsg(code).unwrap().fast.is_some(), "EPSG:{code}");
        }
        for code in [4326, 4145, 3857, 28992, 24376, 24377] {
            assert!(Crs::from_epsg(code).unwrap().fast.is_none(), "EPSG:{code}");
        }
        let wgs84 = Crs::wgs84();
        for code in [24312, 24313, 32642] {
            let crs = Crs::from_epsg(code).unwrap();
            let [w, s, e, n] = KALIANPUR_1962_KARACHI.bounds;
            let mut lonlat = Vec::new();
            // Across each edge of the regional area, 2 m apart, and over all of Pakistan.
            for k in 0..400 {
                let t = f64::from(k) / 400.0;
                let d = (f64::from(k % 41) - 20.0) * 2e-5;
                lonlat.push((w + d, s + (n - s) * t));
                lonlat.push((e + d, s + (n - s) * t));
                lonlat.push((w + (e - w) * t, s + d));
                lonlat.push((w + (e - w) * t, n + d));
            }
            for i in 0..60 {
                for j in 0..40 {
                    lonlat.push((60.9 + 0.28 * f64::from(i), 23.7 + 0.33 * f64::from(j)));
                }
            }
            for (lon, lat) in lonlat {
                let p = wgs84.to_wgs84(Coord { x: lon, y: lat }).unwrap();
                let Ok(c) = crs.from_wgs84(p) else { continue };
                let fast = crs.to_wgs84(c);
                let slow = crs.slow_to_wgs84(c);
                assert_eq!(
                    fast.map(|p| (p.x.to_bits(), p.y.to_bits())),
                    slow.map(|p| (p.x.to_bits(), p.y.to_bits())),
                    "EPSG:{code} at {lon}, {lat}"
                );
            }
        }
    }

    /// The premise of [`REGIONAL_MARGIN_DEG`]: the country-wide and the regional Kalianpur
    /// results of the same point lie well within the margin of each other, over all of
    /// Pakistan and beyond.
    #[test]
    fn the_two_kalianpur_shifts_differ_by_far_less_than_the_margin() {
        let k = Crs::from_epsg(24312).unwrap();
        let fast = k.fast.as_ref().unwrap();
        let (_, regional) = fast.regional.unwrap();
        let country = *fast.utm.shift().unwrap();
        let mut worst: f64 = 0.0;
        for i in 0..=50 {
            for j in 0..=50 {
                let lon = (58.0 + 22.0 * f64::from(i) / 50.0).to_radians();
                let lat = (20.0 + 20.0 * f64::from(j) / 50.0).to_radians();
                let a = country.apply(lon, lat).unwrap();
                let b = regional.apply(lon, lat).unwrap();
                worst = worst.max((a.0 - b.0).abs().max((a.1 - b.1).abs()).to_degrees());
            }
        }
        assert!(worst < REGIONAL_MARGIN_DEG / 4.0, "{worst}°");
        assert!(worst > 1e-5, "{worst}°: the shifts should differ by metres");
    }

    #[test]
    fn every_wgs84_utm_zone_and_the_named_systems_are_known() {
        for zone in 1..=60 {
            for base in [32600, 32700] {
                let c = Crs::from_epsg(base + zone).unwrap();
                assert!(c.name().contains("UTM zone"), "{c}");
            }
        }
        for code in [4326, 3857, 24312, 24313, 24376, 24377, 28992, 4145] {
            Crs::from_epsg(code).unwrap();
        }
        assert_eq!(Crs::from_epsg(1).unwrap_err(), CrsError::UnknownCode(1));
    }

    #[test]
    fn kalianpur_systems_carry_the_regional_shift_and_others_do_not() {
        for code in [24312, 24377, 4145] {
            let c = Crs::from_epsg(code).unwrap();
            assert_eq!(c.regional_shift().map(|s| s.epsg), Some(15703), "{c}");
        }
        for code in [32642, 24311, 24313, 24376] {
            assert!(
                Crs::from_epsg(code).unwrap().regional_shift().is_none(),
                "{code}"
            );
        }
    }

    #[test]
    fn the_regional_shift_is_used_inside_its_area_only() {
        // The same projected point read with and without the regional shift: inside the
        // Karachi licence area the result must differ from the country-wide one by the
        // difference of the two shifts (about 9 m); far outside, not at all.
        let k = Crs::from_epsg(24312).unwrap();
        let country = Proj::from_proj_string(k.definition()).unwrap();
        let near = Coord {
            x: 333244.0015515,
            y: 2744653.4217084,
        };
        let a = k.to_wgs84(near).unwrap();
        let b = k.one(&country, &k.wgs84, near).unwrap();
        let dx = (a.x - b.x) * 111_320.0 * 24.81f64.to_radians().cos();
        let dy = (a.y - b.y) * 110_800.0;
        let d = dx.hypot(dy);
        assert!((5.0..15.0).contains(&d), "{d} m");
        // Quetta (30.2 N, 67.0 E) is outside the Karachi area.
        let quetta = k.from_wgs84(Coord { x: 67.0, y: 30.2 }).unwrap();
        let a = k.to_wgs84(quetta).unwrap();
        let b = k.one(&country, &k.wgs84, quetta).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn names_resolve_and_garbage_is_named() {
        assert_eq!(
            Crs::from_name("http://www.opengis.net/def/crs/EPSG/0/3857")
                .unwrap()
                .code(),
            3857
        );
        assert_eq!(Crs::from_name("EPSG:4326").unwrap().code(), 4326);
        let e = Crs::from_name("LOCAL_CS[\"mine\"]").unwrap_err();
        assert!(e.to_string().contains("mine"), "{e}");
    }

    #[test]
    fn an_impossible_point_is_an_error_not_a_nan() {
        let utm = Crs::from_epsg(32642).unwrap();
        let e = utm.to_wgs84(Coord {
            x: f64::NAN,
            y: 0.0,
        });
        assert!(e.is_err(), "{e:?}");
    }
}
