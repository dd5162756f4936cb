//! Times the stages of reading and measuring a parcel file (a profiling aid).
//!
//! `cargo run --release --example read_timing -- FILE [--no-areas]`
//!
//! `--no-areas` stops after parsing, so that an instruction count
//! (`valgrind --tool=callgrind`) covers the reader alone.
use std::time::Instant;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: read_timing FILE [--no-areas]");
    let no_areas = std::env::args().any(|a| a == "--no-areas");
    let t = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let t_read = t.elapsed();
    let t = Instant::now();
    let opts = allot::read::ReadOptions {
        keep_properties: false,
    };
    let set = allot::read::parse_parcels_with(&bytes, &path, opts).unwrap();
    eprintln!("size_of Parcel = {}", std::mem::size_of::<allot::Parcel>());
    let t_parse = t.elapsed();
    drop(bytes);
    if no_areas {
        println!(
            "{} parcels: read {:?} parse {:?}",
            set.parcels.len(),
            t_read,
            t_parse
        );
        return;
    }
    let t = Instant::now();
    let areas = allot::geodesy::parcel_areas_m2(&set.parcels);
    let t_area = t.elapsed();
    println!(
        "{} parcels: read {:?} parse {:?} areas {:?} (sum {:.1} acres)",
        set.parcels.len(),
        t_read,
        t_parse,
        t_area,
        areas.iter().sum::<f64>() / allot::geodesy::M2_PER_ACRE
    );
}
