//! The FlatGeobuf writer, with the `flatgeobuf` crate the reader uses: one file per layer,
//! geometry type Polygon, MultiPolygon or Point, columns typed as [`Column::infer`] types them
//! (Bool, Long, Double, String), the CRS as its EPSG code and WKT in the header.
//!
//! No spatial index is written, so features keep their order (an index would re-sort them
//! along a Hilbert curve) and the file is byte-identical for the same input.

use flatgeobuf::geozero::{ColumnValue, GeomProcessor, GeozeroGeometry};
use flatgeobuf::{ColumnType as FgbType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use serde_json::Value;

use super::layer::{ColumnType, Layer, LayerGeometry, cell};
use crate::crs::Crs;

/// A geometry as geozero's processors walk it.
struct Geom<'a>(&'a LayerGeometry, bool);

impl GeozeroGeometry for Geom<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> flatgeobuf::geozero::error::Result<()> {
        let ring = |p: &mut P, r: &geo::LineString<f64>, i: usize| {
            p.linestring_begin(false, r.0.len(), i)?;
            for (k, c) in r.0.iter().enumerate() {
                p.xy(c.x, c.y, k)?;
            }
            p.linestring_end(false, i)
        };
        let polygon = |p: &mut P, poly: &geo::Polygon<f64>, tagged: bool, i: usize| {
            p.polygon_begin(tagged, 1 + poly.interiors().len(), i)?;
            ring(p, poly.exterior(), 0)?;
            for (k, h) in poly.interiors().iter().enumerate() {
                ring(p, h, k + 1)?;
            }
            p.polygon_end(tagged, i)
        };
        match self.0 {
            LayerGeometry::Point(c) => {
                p.point_begin(0)?;
                p.xy(c.x, c.y, 0)?;
                p.point_end(0)
            }
            LayerGeometry::Polygons(m) if m.0.len() == 1 && !self.1 => polygon(p, &m.0[0], true, 0),
            LayerGeometry::Polygons(m) => {
                p.multipolygon_begin(m.0.len(), 0)?;
                for (i, poly) in m.0.iter().enumerate() {
                    polygon(p, poly, false, i)?;
                }
                p.multipolygon_end(0)
            }
        }
    }
}

/// The FlatGeobuf bytes of a layer whose geometry is already in `crs`.
pub fn bytes(layer: &Layer, crs: &Crs) -> Result<Vec<u8>, String> {
    bytes_with(layer, crs, false)
}

/// [`bytes`] with a packed Hilbert R-tree spatial index (features re-sorted along the
/// curve), as GDAL writes by default: for the reader's tests.
#[cfg(test)]
pub(crate) fn bytes_with_index(layer: &Layer, crs: &Crs) -> Result<Vec<u8>, String> {
    bytes_with(layer, crs, true)
}

fn bytes_with(layer: &Layer, crs: &Crs, write_index: bool) -> Result<Vec<u8>, String> {
    let points = layer.is_points();
    let multi = layer.is_multipolygons();
    let kind = match (points, multi) {
        (true, _) => GeometryType::Point,
        (false, true) => GeometryType::MultiPolygon,
        (false, false) => GeometryType::Polygon,
    };
    let name = crs.name().to_string();
    let options = FgbWriterOptions {
        write_index,
        detect_type: false,
        promote_to_multi: multi,
        crs: FgbCrs {
            org: Some("EPSG"),
            code: crs.code() as i32,
            name: Some(&name),
            wkt: Some(crs.wkt()),
            ..Default::default()
        },
        ..Default::default()
    };
    let err = |e: flatgeobuf::Error| e.to_string();
    let mut w = FgbWriter::create_with_options(&layer.name, kind, options).map_err(err)?;
    let columns = layer.columns();
    for c in &columns {
        let t = match c.kind {
            ColumnType::Bool => FgbType::Bool,
            ColumnType::Integer => FgbType::Long,
            ColumnType::Real => FgbType::Double,
            ColumnType::Text => FgbType::String,
        };
        w.add_column(&c.name, t, |_, _| {});
    }
    for f in &layer.features {
        let values: Vec<Option<Value>> = columns.iter().map(|c| cell(&f.properties, c)).collect();
        w.add_feature_geom(Geom(&f.geometry, multi), |fw| {
            use flatgeobuf::geozero::PropertyProcessor;
            for (i, (c, v)) in columns.iter().zip(&values).enumerate() {
                let value = match (c.kind, v) {
                    (_, None) => continue,
                    (ColumnType::Bool, Some(v)) => ColumnValue::Bool(v.as_bool().unwrap_or(false)),
                    (ColumnType::Integer, Some(v)) => ColumnValue::Long(v.as_i64().unwrap_or(0)),
                    (ColumnType::Real, Some(v)) => ColumnValue::Double(v.as_f64().unwrap_or(0.0)),
                    (ColumnType::Text, Some(v)) => ColumnValue::String(v.as_str().unwrap_or("")),
                };
                let _ = fw.property(i, &c.name, &value);
            }
        })
        .map_err(|e| e.to_string())?;
    }
    let mut out = Vec::new();
    w.write(&mut out).map_err(err)?;
    Ok(out)
}
