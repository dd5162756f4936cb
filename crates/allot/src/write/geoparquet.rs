//! The GeoParquet writer (GeoParquet 1.1): one Parquet file per layer with the `parquet`
//! crate's low-level API (no Arrow), one row group, uncompressed.
//!
//! Columns: each property as typed by [`Column::infer`] (BOOLEAN, INT64, DOUBLE, or a UTF-8
//! BYTE_ARRAY; all optional), then `geometry`, WKB. The `geo` key-value metadata names
//! `geometry` the primary column, encoding `WKB`, with its geometry types, bounding box and
//! CRS: none for WGS84 (the specification's default, OGC:CRS84), else a PROJJSON object
//! naming the system and its EPSG `id` (`{"type": "ProjectedCRS", "name": …, "id":
//! {"authority": "EPSG", "code": N}}`), by which allot's reader and GDAL identify it.

use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde_json::{Value, json};

use super::layer::{ColumnType, Layer, cell};
use super::wkb::{envelope, wkb};
use crate::crs::Crs;

/// The `geo` metadata of a layer.
fn geo_metadata(layer: &Layer, crs: &Crs, multi: bool) -> String {
    let points = layer.is_points();
    let kind = match (points, multi) {
        (true, _) => "Point",
        (false, true) => "MultiPolygon",
        (false, false) => "Polygon",
    };
    let mut b = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for f in &layer.features {
        let e = envelope(&f.geometry);
        b = [
            b[0].min(e[0]),
            b[1].max(e[1]),
            b[2].min(e[2]),
            b[3].max(e[3]),
        ];
    }
    let mut column = json!({"encoding": "WKB", "geometry_types": [kind]});
    if b.iter().all(|v| v.is_finite()) {
        column["bbox"] = json!([b[0], b[2], b[1], b[3]]);
    }
    if !crs.is_wgs84() {
        let kind = if crs.is_geographic() {
            "GeographicCRS"
        } else {
            "ProjectedCRS"
        };
        column["crs"] = json!({
            "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
            "type": kind,
            "name": crs.name(),
            "id": {"authority": "EPSG", "code": crs.code()},
        });
    }
    json!({"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}})
        .to_string()
}

/// The GeoParquet bytes of a layer whose geometry is already in `crs`.
pub fn bytes(layer: &Layer, crs: &Crs) -> Result<Vec<u8>, parquet::errors::ParquetError> {
    let multi = layer.is_multipolygons();
    let columns = layer.columns();
    let mut fields = Vec::new();
    for c in &columns {
        let t = match c.kind {
            ColumnType::Bool => Type::primitive_type_builder(&c.name, Physical::BOOLEAN),
            ColumnType::Integer => Type::primitive_type_builder(&c.name, Physical::INT64),
            ColumnType::Real => Type::primitive_type_builder(&c.name, Physical::DOUBLE),
            ColumnType::Text => Type::primitive_type_builder(&c.name, Physical::BYTE_ARRAY)
                .with_logical_type(Some(LogicalType::String)),
        };
        fields.push(Arc::new(t.with_repetition(Repetition::OPTIONAL).build()?));
    }
    fields.push(Arc::new(
        Type::primitive_type_builder("geometry", Physical::BYTE_ARRAY)
            .with_repetition(Repetition::REQUIRED)
            .build()?,
    ));
    let schema = Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    );
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "geo".to_string(),
            geo_metadata(layer, crs, multi),
        )]))
        .build();
    let mut out = Vec::new();
    let mut writer = SerializedFileWriter::new(&mut out, schema, Arc::new(props))?;
    let mut group = writer.next_row_group()?;
    for c in &columns {
        let Some(mut col) = group.next_column()? else {
            break;
        };
        let cells: Vec<Option<Value>> = layer
            .features
            .iter()
            .map(|f| cell(&f.properties, c))
            .collect();
        let defs: Vec<i16> = cells.iter().map(|v| i16::from(v.is_some())).collect();
        let present = cells.iter().flatten();
        match c.kind {
            ColumnType::Bool => {
                let v: Vec<bool> = present.map(|v| v.as_bool().unwrap_or(false)).collect();
                col.typed::<BoolType>().write_batch(&v, Some(&defs), None)?;
            }
            ColumnType::Integer => {
                let v: Vec<i64> = present.map(|v| v.as_i64().unwrap_or(0)).collect();
                col.typed::<Int64Type>()
                    .write_batch(&v, Some(&defs), None)?;
            }
            ColumnType::Real => {
                let v: Vec<f64> = present.map(|v| v.as_f64().unwrap_or(0.0)).collect();
                col.typed::<DoubleType>()
                    .write_batch(&v, Some(&defs), None)?;
            }
            ColumnType::Text => {
                let v: Vec<ByteArray> = present
                    .map(|v| ByteArray::from(v.as_str().unwrap_or_default()))
                    .collect();
                col.typed::<ByteArrayType>()
                    .write_batch(&v, Some(&defs), None)?;
            }
        }
        col.close()?;
    }
    if let Some(mut col) = group.next_column()? {
        let v: Vec<ByteArray> = layer
            .features
            .iter()
            .map(|f| ByteArray::from(wkb(&f.geometry, multi)))
            .collect();
        col.typed::<ByteArrayType>().write_batch(&v, None, None)?;
        col.close()?;
    }
    group.close()?;
    writer.close()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::formats::SourceGeometry;
    use crate::write::layer::{LayerFeature, LayerGeometry};

    #[test]
    fn the_reader_reads_back_rows_types_nulls_and_crs() {
        let square = |x: f64| {
            geo::MultiPolygon(vec![geo::Polygon::new(
                geo::LineString(
                    [(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 0.0)]
                        .iter()
                        .map(|&(x, y)| geo::Coord { x, y })
                        .collect(),
                ),
                vec![],
            )])
        };
        let layer = Layer {
            name: "t".into(),
            features: vec![
                LayerFeature {
                    geometry: LayerGeometry::Polygons(square(0.0)),
                    properties:
                        json!({"id": "A", "n": 1, "x": 0.5, "ok": true, "access": ["port", "rail"]})
                            .as_object()
                            .unwrap()
                            .clone(),
                },
                LayerFeature {
                    geometry: LayerGeometry::Polygons(square(5.0)),
                    properties: json!({"id": "B", "n": null}).as_object().unwrap().clone(),
                },
            ],
            declared: Vec::new(),
        };
        let crs = Crs::from_epsg(24312).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        std::fs::write(&p, bytes(&layer, &crs).unwrap()).unwrap();
        let back = crate::read::formats::geoparquet_read(&p, "t.parquet").unwrap();
        assert_eq!(back.crs, crate::read::formats::DeclaredCrs::Epsg(24312));
        assert_eq!(back.features.len(), 2);
        let a = &back.features[0].properties;
        assert_eq!(
            Value::Object(a.clone()),
            json!({"id": "A", "n": 1, "x": 0.5, "ok": true, "access": "port,rail"})
        );
        let b = &back.features[1].properties;
        assert_eq!(b["n"], Value::Null);
        assert_eq!(b["ok"], Value::Null);
        let SourceGeometry::Polygon(rings) = &back.features[1].geometry else {
            panic!("not a polygon")
        };
        assert_eq!(rings[0], square(5.0).0[0].exterior().0);
    }
}
