//! The corner list of zone boundaries as CSV (a surveyor's pillar list): one row per corner
//! with its coordinates and the bearing and length of the leg to the next corner.

use crate::crs::{Crs, CrsError};
use crate::plan::corners::Corner;
use crate::report::schedule::csv;

/// The corners as CSV, columns
/// `zone,part,ring,corner,lon,lat,crs,x,y,bearing_deg,length_m,next_corner`:
/// `ring` is `shell` or `hole K`; lon/lat in WGS84 degrees (8 decimals, about 1 mm); `x,y` in
/// `crs` (3 decimals) when one is given, empty otherwise; bearing in degrees clockwise from
/// true north (4 decimals); length in metres (3 decimals).
///
/// ```
/// use allot::plan::corners::Corner;
/// let c = Corner { zone: "mill".into(), part: 1, ring: 0, number: 1,
///     lonlat: geo::coord! { x: 67.0, y: 24.01 }, bearing_deg: 89.99796551959246,
///     length_m: 1017.4391076076297, next: 2 };
/// let csv = allot::report::corners::to_csv(&[c], None).unwrap();
/// assert_eq!(csv.lines().nth(1), Some("mill,1,shell,1,67.00000000,24.01000000,,,,89.9980,1017.439,2"));
/// ```
pub fn to_csv(corners: &[Corner], crs: Option<&Crs>) -> Result<String, CrsError> {
    let mut out =
        String::from("zone,part,ring,corner,lon,lat,crs,x,y,bearing_deg,length_m,next_corner\n");
    for c in corners {
        let (name, xy) = match crs {
            Some(crs) => {
                let p = crs.from_wgs84(c.lonlat)?;
                (
                    format!("EPSG:{}", crs.code()),
                    format!("{:.3},{:.3}", p.x, p.y),
                )
            }
            None => (String::new(), ",".to_string()),
        };
        let ring = if c.ring == 0 {
            "shell".to_string()
        } else {
            format!("hole {}", c.ring)
        };
        out.push_str(&format!(
            "{},{},{ring},{},{:.8},{:.8},{name},{xy},{},{:.3},{}\n",
            csv(&c.zone),
            c.part,
            c.number,
            c.lonlat.x,
            c.lonlat.y,
            bearing_text(c.bearing_deg),
            c.length_m,
            c.next
        ));
    }
    Ok(out)
}

/// A bearing with 4 decimals in [0, 360): 359.99999° is `0.0000`, not `360.0000`.
fn bearing_text(deg: f64) -> String {
    let r = ((deg * 1e4).round() / 1e4).rem_euclid(360.0);
    format!("{:.4}", r + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projected_columns_match_pyproj() {
        // pyproj Transformer.from_crs(4326, 32642, always_xy=True) of (67.0, 24.01):
        // (296565.7477831892, 2656778.799017534).
        let c = Corner {
            zone: "a,b".into(),
            part: 1,
            ring: 2,
            number: 7,
            lonlat: geo::coord! { x: 67.0, y: 24.01 },
            bearing_deg: 359.99999,
            length_m: 1.0,
            next: 5,
        };
        let crs = Crs::from_epsg(32642).unwrap();
        let text = to_csv(&[c], Some(&crs)).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "\"a,b\",1,hole 2,7,67.00000000,24.01000000,EPSG:32642,296565.748,2656778.799,0.0000,1.000,5"
        );
    }
}
