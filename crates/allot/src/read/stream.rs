//! Streaming a GeoJSON file: read in chunks on one thread, cut into whole features on a second
//! while the features already cut are parsed on the others, so the file is never held whole (at a million parcels the file is
//! ~320 MB, a third of what reading it whole peaked at).
//!
//! The stream handles only what the fast path handles: a FeatureCollection whose `features`
//! array holds objects that [`fast_parcel`] reads, with no `crs` member and no `--crs`. On
//! anything else (a feature the fast path declines, malformed structure, invalid UTF-8, a
//! `crs` member, a file that is not a FeatureCollection) it answers `None` and the caller
//! reads the file whole as before, so every error message, and every parcel, is the one the
//! whole-file reader gives: the stream can only save memory, never change a result.
//!
//! Members other than `features` (before and after the array) are kept and read by
//! [`fast_top`] on the file with its `features` array emptied, so they come out exactly as
//! the whole-file scan gives them.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use super::*;

/// How many bytes one read takes: small, because at most three pieces and a buffer of about
/// two are alive at once, and larger pieces only add to the peak.
pub(crate) const CHUNK_BYTES: usize = 1 << 20;

/// The most bytes the stream reads looking for the `features` array before it leaves the file
/// to the whole-file reader (a file that is not GeoJSON at all, such as gigabytes of zeros, is
/// not buffered whole).
const MAX_PREFIX_BYTES: usize = 16 << 20;

/// The most features the stream reads: parcel positions are kept in 31 bits by the validation's
/// edge table (and in 32 bits by [`Parcel::index`]). A file with more (over 128 GiB of GeoJSON)
/// is left to the whole-file reader, which refuses it by size.
const MAX_FEATURES: usize = (1 << 31) - 1;

/// Where the scan of the buffered bytes is.
enum Phase {
    /// Before the `features` array's `[`.
    Prefix,
    /// Inside the array; `prefix` is the file up to (not including) its `[`.
    Elements { prefix: Vec<u8>, after: bool },
    /// After the array's `]`; `prefix` as above, the rest accumulates in the buffer.
    Suffix { prefix: Vec<u8> },
}

/// Reads the GeoJSON file at `path` in chunks of `chunk` bytes (see the module
/// documentation); `None` when the whole-file reader must read it instead.
pub(crate) fn stream_parcels(path: &Path, opts: ReadOptions, chunk: usize) -> Option<ParcelSet> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).ok()?;
    // No size limit here: the file is never held whole, so one over [`MAX_INPUT_BYTES`] is
    // read like any other (when the stream cannot read it, the whole-file reader refuses it).
    if !meta.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let total = meta.len() as usize;
    let (tx, rx) = sync_channel::<std::io::Result<Vec<u8>>>(1);
    // Set by the parser when a feature is not one the fast path reads.
    let failed = &AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(move || {
            loop {
                let mut piece = Vec::with_capacity(chunk);
                match (&mut file).take(chunk as u64).read_to_end(&mut piece) {
                    Ok(0) => break,
                    Ok(_) => {
                        if tx.send(Ok(piece)).is_err() {
                            break; // the parser gave up
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
        });
        // Whole elements are parsed on another thread (and from there on rayon's pool) while
        // this one looks for the next chunk's element boundaries, a scan of every byte that
        // would otherwise leave the pool idle between chunks. One chunk waits at most.
        let (jobs, queue) = sync_channel::<(Vec<u8>, ByteRanges, usize)>(1);
        let parser = s.spawn(move || {
            let mut parcels: Vec<Parcel> = Vec::new();
            for (bytes, ranges, estimate) in queue {
                if failed.load(Ordering::Relaxed) {
                    continue; // drained, so that the sender is never blocked
                }
                let base = parcels.len();
                let parsed = std::str::from_utf8(&bytes).ok().and_then(|text| {
                    ranges
                        .par_iter()
                        .enumerate()
                        .map(|(k, &(a, b))| {
                            let index = base + k;
                            if index >= MAX_FEATURES {
                                return None;
                            }
                            fast_parcel(index, &text[a..b], opts.keep_properties)
                        })
                        .collect::<Option<Vec<Parcel>>>()
                });
                match parsed {
                    Some(p) => {
                        if parcels.capacity() == 0 {
                            parcels.reserve(estimate);
                        }
                        parcels.extend(p);
                    }
                    None => failed.store(true, Ordering::Relaxed),
                }
            }
            parcels
        });
        // Owned here, so that returning early drops the receiver and the reader, blocked on a
        // full channel, stops instead of being waited for forever (and drops the job sender,
        // which ends the parser).
        let rx = rx;
        let mut buf: Vec<u8> = Vec::new();
        let mut phase = Phase::Prefix;
        let mut first = true;
        let mut read_so_far = 0usize;
        let mut eof = false;
        let mut first_job = true;
        while !eof {
            if failed.load(Ordering::Relaxed) {
                return None;
            }
            match rx.recv() {
                Ok(Ok(piece)) => {
                    read_so_far += piece.len();
                    buf.extend_from_slice(&piece);
                    // A byte-order mark may arrive split over the first pieces.
                    if first && buf.len() >= 3 {
                        first = false;
                        if buf.starts_with(b"\xEF\xBB\xBF") {
                            buf.drain(..3);
                        }
                    }
                }
                Ok(Err(_)) => return None,
                Err(_) => eof = true,
            }
            loop {
                match &mut phase {
                    Phase::Prefix => match find_features_array(&buf) {
                        Some(open) => {
                            let prefix = buf[..open].to_vec();
                            buf.drain(..open + 1);
                            phase = Phase::Elements {
                                prefix,
                                after: false,
                            };
                        }
                        None if eof || buf.len() > MAX_PREFIX_BYTES => return None,
                        None => break,
                    },
                    Phase::Elements { prefix, after } => {
                        let (ranges, consumed, closed) = complete_elements(&buf, *after)?;
                        *after |= !ranges.is_empty();
                        // The consumed bytes go (they are the job's); the rest stays.
                        let bytes = if consumed > 0 {
                            let rest = buf.split_off(consumed);
                            std::mem::replace(&mut buf, rest)
                        } else {
                            Vec::new()
                        };
                        if !ranges.is_empty() {
                            // Room for the whole file at this chunk's density (+5 %), so the
                            // parcels are not moved as they grow; no feature is shorter than
                            // 64 bytes, which bounds the guess.
                            let estimate = if first_job && read_so_far > 0 {
                                let e =
                                    ranges.len() as f64 * total as f64 / read_so_far as f64 * 1.05;
                                (e as usize).min(total / 64 + 1)
                            } else {
                                0
                            };
                            first_job = false;
                            jobs.send((bytes, ranges, estimate)).ok()?;
                        }
                        if closed {
                            let prefix = std::mem::take(prefix);
                            phase = Phase::Suffix { prefix };
                            continue;
                        }
                        if eof {
                            return None; // the array never closed
                        }
                        break;
                    }
                    Phase::Suffix { .. } => break,
                }
            }
        }
        drop(jobs);
        let parcels = parser.join().ok()?;
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let Phase::Suffix { mut prefix } = phase else {
            return None;
        };
        // The file with its features array emptied: read by the same top-level scan.
        prefix.extend_from_slice(b"[]");
        prefix.extend_from_slice(&buf);
        drop(buf);
        let skeleton = std::str::from_utf8(&prefix).ok()?;
        let top = fast_top(skeleton)?;
        if top.kind.as_deref() != Some("FeatureCollection") || top.crs.is_some() {
            return None;
        }
        Some(ParcelSet {
            source: name,
            parcels,
            members: top.members,
            // Only files without a `crs` member (and no --crs) are streamed: WGS84 lon/lat.
            crs: None,
        })
    })
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// The position of the `[` of the top-level `features` array, once the buffer holds it:
/// the top-level object's members before it are skipped as [`fast_top`] skips them (keys
/// without escapes). `None` until then, and for anything unusual (which the stream leaves to
/// the whole-file reader when the file ends without an answer).
fn find_features_array(b: &[u8]) -> Option<usize> {
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(b, i + 1);
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = i + 1 + b.get(i + 1..)?.iter().position(|&c| c == b'"')?;
        let key = &b[i + 1..key_end];
        if key.contains(&b'\\') {
            return None;
        }
        i = ws(b, key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        if key == b"features" {
            return (b.get(i) == Some(&b'[')).then_some(i);
        }
        i = ws(b, skip_value(b, i)?);
        if b.get(i) != Some(&b',') {
            return None;
        }
        i = ws(b, i + 1);
    }
}

/// Start and end byte offsets of whole elements in a chunk.
type ByteRanges = Vec<(usize, usize)>;

/// The complete elements at the start of `b`: their byte ranges, how many bytes they and
/// their separators use, and whether the array's `]` was reached (then `consumed` is just past
/// it). `b` starts just after the array's `[` (`after` false) or just after an element already
/// taken (`after` true); a separator split from its element is left for the next call. `None`
/// for a malformed array or an element that is not an object.
fn complete_elements(b: &[u8], mut after: bool) -> Option<(ByteRanges, usize, bool)> {
    let mut ranges = Vec::new();
    let mut consumed = 0;
    loop {
        let j = ws(b, consumed);
        let Some(&c) = b.get(j) else {
            return Some((ranges, consumed, false));
        };
        let start = match (c, after) {
            (b']', _) => return Some((ranges, j + 1, true)),
            (b'{', false) => j,
            (b',', true) => {
                let k = ws(b, j + 1);
                match b.get(k) {
                    None => return Some((ranges, consumed, false)),
                    Some(b'{') => k,
                    Some(_) => return None,
                }
            }
            _ => return None,
        };
        let Some(end) = skip_value(b, start) else {
            return Some((ranges, consumed, false)); // the element continues in the next chunk
        };
        ranges.push((start, end));
        consumed = end;
        after = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streams `text` from a file with chunks of `chunk` bytes.
    fn stream_text(text: &[u8], chunk: usize) -> Option<ParcelSet> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.geojson");
        std::fs::write(&path, text).unwrap();
        stream_parcels(&path, ReadOptions::default(), chunk)
    }

    /// The second method: the whole-file reader, on the same bytes.
    fn whole(text: &[u8]) -> Result<ParcelSet, ReadError> {
        parse_parcels_from(text, "in.geojson", ReadOptions::default(), None)
    }

    fn same(a: &ParcelSet, b: &ParcelSet) -> bool {
        format!("{:?}", a.parcels) == format!("{:?}", b.parcels)
            && format!("{:?}", a.members) == format!("{:?}", b.members)
            && a.crs == b.crs
    }

    fn fabric(kind: u8) -> Vec<u8> {
        let spec = match kind {
            0 => crate::synth::FabricSpec::nonconvex(300, 3),
            _ => crate::synth::FabricSpec::with_parcels(300, 5),
        };
        let spec = crate::synth::FabricSpec {
            overlaps: 2,
            gaps: 2,
            invalid: 2,
            zones: 3,
            ..spec
        };
        let mut out = Vec::new();
        crate::synth::write_fabric(&spec, &mut out).unwrap();
        out
    }

    #[test]
    fn streamed_parcels_are_the_whole_file_readers_at_every_chunk_size() {
        let site = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/psm-site.geojson"
        ))
        .unwrap();
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(&site);
        for (which, text) in [site.clone(), bom, fabric(0), fabric(1)]
            .into_iter()
            .enumerate()
        {
            let truth = whole(&text).unwrap();
            assert!(truth.parcels.len() > 100);
            for chunk in [1, 2, 7, 64, 1000, 65_536, CHUNK_BYTES] {
                let got = stream_text(&text, chunk)
                    .unwrap_or_else(|| panic!("text {which} at chunk {chunk} did not stream"));
                assert!(same(&got, &truth), "chunk {chunk}");
                assert!(got.source.ends_with("in.geojson"), "{}", got.source);
            }
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_whole_file_reader() {
        let poly = r#"{"type":"Feature","id":"A","properties":{"zone":"z"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#;
        let texts = [
            // Well-formed: members before and after, empty array, whitespace everywhere.
            (
                format!(
                    r#"{{"type":"FeatureCollection","name":"x","features":[{poly},{poly}],"bbox":[1,2,3,4]}}"#
                ),
                true,
            ),
            (
                format!(
                    " {{ \"features\" : [ {poly} ,\n {poly} ] , \"type\" : \"FeatureCollection\" }} \n"
                ),
                true,
            ),
            (
                r#"{"type":"FeatureCollection","features":[]}"#.to_string(),
                true,
            ),
            // Errors and unusual inputs.
            (
                format!(r#"{{"type":"FeatureCollection","features":[,{poly}]}}"#),
                false,
            ),
            (
                format!(r#"{{"type":"FeatureCollection","features":[{poly}{poly}]}}"#),
                false,
            ),
            (
                format!(r#"{{"type":"FeatureCollection","features":[{poly},]}}"#),
                false,
            ),
            (
                format!(r#"{{"type":"FeatureCollection","features":[{poly}"#),
                false,
            ),
            (
                format!(r#"{{"type":"FeatureCollection","features":[{poly}]}} x"#),
                false,
            ),
            (
                format!(r#"{{"type":"FeatureCollection","features":[{poly},1]}}"#),
                false,
            ),
            (
                format!(r#"{{"type":"Feature","features":[{poly}]}}"#),
                false,
            ),
            (
                format!(
                    r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:4326"}}}},"features":[{poly}]}}"#
                ),
                false,
            ),
            (poly.replace("67.01,24]", "67.01,24,]"), false),
            (poly.replace("[67,24]]", "[67,99]]"), false),
            (
                format!(
                    r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                    poly.replace("67.01,24.01", "67.01,\"x\"")
                ),
                false,
            ),
            // A feature the fast path declines after others were parsed (a later job of the
            // parser thread at small chunks).
            (
                format!(
                    r#"{{"type":"FeatureCollection","features":[{poly},{poly},{},{poly}]}}"#,
                    poly.replace("67.01,24.01", "67.01,\"x\"")
                ),
                false,
            ),
            (String::new(), false),
        ];
        for (text, streams) in &texts {
            for chunk in [1, 5, 64, CHUNK_BYTES] {
                let got = stream_text(text.as_bytes(), chunk);
                match whole(text.as_bytes()) {
                    Ok(truth) => {
                        if let Some(got) = &got {
                            assert!(same(got, &truth), "{text}");
                        }
                    }
                    Err(_) => assert!(got.is_none(), "{text} streamed but is an error"),
                }
                assert_eq!(got.is_some(), *streams, "{text} chunk {chunk}");
            }
        }
    }
}
