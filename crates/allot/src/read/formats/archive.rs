//! Zip archives: a zipped Shapefile (`.shp` with its `.dbf`, `.prj`, `.cpg`) or a KMZ (a
//! zipped KML, `doc.kml` by convention).
//!
//! One `.shp` is read; with several, `--layer NAME` picks one by its name (the file name
//! without `.shp`) and otherwise the error lists them. A zip with neither a `.shp` nor a `.kml`
//! is named with what it does hold. Entries are matched case-insensitively; macOS resource
//! forks (`__MACOSX/`) are ignored. Entries larger than allot's input limit are refused before
//! they are inflated.

use std::io::Read;
use std::path::Path;

use super::shp::Parts;
use super::{FormatError, SourceLayer, SourceOptions, kml, shp};
use crate::read::MAX_INPUT_BYTES;

/// Reads the Shapefile or KML inside a zip.
pub fn read_zip(path: &Path, file: &str, opts: &SourceOptions) -> Result<SourceLayer, FormatError> {
    let bad = |e: &dyn std::fmt::Display| {
        FormatError::file(
            file,
            format!("not a readable zip archive ({e}); is it complete?"),
        )
    };
    let f = std::fs::File::open(path)
        .map_err(|e| FormatError::file(file, format!("cannot read: {e}")))?;
    let mut zip = zip::ZipArchive::new(f).map_err(|e| bad(&e))?;
    let names: Vec<String> = zip
        .file_names()
        .filter(|n| !n.starts_with("__MACOSX/") && !n.ends_with('/'))
        .map(str::to_string)
        .collect();
    let lower = |n: &str| n.to_ascii_lowercase();
    let mut shps: Vec<&String> = names
        .iter()
        .filter(|n| lower(n).ends_with(".shp"))
        .collect();
    shps.sort();
    let kmls: Vec<&String> = names
        .iter()
        .filter(|n| lower(n).ends_with(".kml"))
        .collect();
    let mut entry = |name: &str| -> Result<Vec<u8>, FormatError> {
        let mut e = zip.by_name(name).map_err(|e| bad(&e))?;
        if e.size() > MAX_INPUT_BYTES {
            return Err(FormatError::file(
                file,
                format!(
                    "{name} inflates to {} bytes, more than allot reads",
                    e.size()
                ),
            ));
        }
        let mut buf = Vec::with_capacity(e.size() as usize);
        e.read_to_end(&mut buf)
            .map_err(|err| bad(&format!("{name}: {err}")))?;
        Ok(buf)
    };
    if shps.is_empty() {
        if !kmls.is_empty() {
            // doc.kml first, then the rest in name order (GDAL's LIBKML driver writes a
            // doc.kml that links to layers/NAME.kml).
            let mut order: Vec<String> = kmls.iter().map(|k| (*k).clone()).collect();
            order.sort_by_key(|k| (!lower(k).ends_with("doc.kml"), k.clone()));
            let mut features = Vec::new();
            for k in order {
                let bytes = entry(&k)?;
                let before = features.len();
                features.extend(kml::read_features(&bytes, &format!("{file}/{k}"), before)?);
            }
            kml::check_some(&features, file)?;
            return Ok(SourceLayer {
                layer: None,
                crs: super::DeclaredCrs::Wgs84,
                features,
            });
        }
        let held = if names.is_empty() {
            "nothing".to_string()
        } else {
            names.join(", ")
        };
        return Err(FormatError::file(
            file,
            format!("the zip holds no Shapefile (.shp) or KML; it holds: {held}"),
        ));
    }
    let stem = |n: &str| -> String {
        let base = n.rsplit('/').next().unwrap_or(n);
        base[..base.len() - 4].to_string()
    };
    let chosen = match (&opts.layer, shps.as_slice()) {
        (Some(layer), _) => shps
            .iter()
            .find(|s| stem(s) == *layer || s.as_str() == layer)
            .ok_or_else(|| {
                FormatError::file(
                    file,
                    format!(
                        "the zip has no Shapefile {layer:?}; it holds: {}",
                        shps.iter().map(|s| stem(s)).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?,
        (None, [one]) => one,
        (None, many) => {
            return Err(FormatError::file(
                file,
                format!(
                    "the zip holds {} Shapefiles ({}); choose one with --layer NAME",
                    many.len(),
                    many.iter().map(|s| stem(s)).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    };
    let chosen = (*chosen).clone();
    let base = lower(&chosen[..chosen.len() - 4]);
    let find = |ext: &str| {
        names
            .iter()
            .find(|n| lower(n) == format!("{base}.{ext}"))
            .cloned()
    };
    let layer = stem(&chosen);
    let dbf_name = find("dbf").ok_or_else(|| {
        FormatError::file(
            file,
            format!("the zip holds {chosen} but not its attribute table {}.dbf; a Shapefile needs its .dbf", &chosen[..chosen.len() - 4]),
        )
        .in_layer(&layer)
    })?;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let prj = find("prj");
    let cpg = find("cpg");
    let parts = Parts {
        shp: entry(&chosen)?,
        dbf: entry(&dbf_name)?,
        prj: prj.map(|n| entry(&n)).transpose()?.map(text),
        cpg: cpg.map(|n| entry(&n)).transpose()?.map(text),
    };
    shp::read_parts(parts, file, Some(&layer))
}
