//! End-to-end tests of the map outputs beyond SVG: PNG (decoded with the png crate), PDF (read
//! with poppler's `pdftotext`, rasterised with `pdftoppm`), pages and their scale, the
//! interactive HTML map (driven in headless Chromium from `file://`, networking disabled),
//! labels on the PSM plan, and determinism. Fixtures: `tests/fixtures/map/` (README there).
//!
//! Tools: poppler-utils and chromium (`scripts/test.sh` installs them). A test that needs one
//! fails when it is missing.
//!
//! Independent truths (pyproj 3, `Geod(ellps="WGS84")`, as in tests/map_cli.rs): at latitude
//! 24.808°, 1° of longitude along the parallel is 101,106.40 m.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use roxmltree::{Document, Node};

mod common;

use common::{by_id, graticule, output as allot};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/map")
        .join(name)
}

/// `allot map FIXTURE -o DIR/OUT -q EXTRA…` with no findings drawn; returns the file's bytes.
fn map_to(dir: &Path, fixture_name: &str, out: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(out);
    let input = fixture(fixture_name);
    let none = fixture("no-findings.geojson");
    let mut args = vec![
        "map",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--findings",
        none.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = allot(&args);
    assert!(
        o.status.success(),
        "allot {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read(&out).unwrap()
}

/// The text of each entry of a map's call-out table (SVG elements of class `callout-entry`).
fn callout_entries<'a>(doc: &'a Document) -> impl Iterator<Item = String> + 'a {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("callout-entry"))
        .map(|n| {
            n.children()
                .filter(|c| c.is_text())
                .map(|c| c.text().unwrap())
                .collect::<String>()
                .trim()
                .to_string()
        })
}

/// Decoded RGB pixels of a PNG.
struct Image {
    w: u32,
    h: u32,
    px: Vec<[u8; 3]>,
}

impl Image {
    fn at(&self, x: f64, y: f64) -> [u8; 3] {
        self.px[(y.round() as usize) * self.w as usize + x.round() as usize]
    }
}

fn decode_png(bytes: &[u8]) -> Image {
    let mut r = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected colour type {other:?}"),
    };
    let px = buf[..info.buffer_size()]
        .chunks(step)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    Image {
        w: info.width,
        h: info.height,
        px,
    }
}

fn hex(c: &str) -> [u8; 3] {
    let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

fn near(p: [u8; 3], c: [u8; 3], tol: i32) -> bool {
    (0..3).all(|k| (i32::from(p[k]) - i32::from(c[k])).abs() <= tol)
}

/// Pixel position of a lon/lat from the SVG's graticule (two lines each way, fitted linearly).
fn lonlat_to_px(doc: &Document) -> impl Fn(f64, f64) -> (f64, f64) {
    let (lons, lats) = graticule(doc);
    let fit = |p: &[(f64, f64)]| {
        let (a, b) = (p[0], p[p.len() - 1]);
        let k = (b.1 - a.1) / (b.0 - a.0);
        (k, a.1 - k * a.0)
    };
    let ((kx, bx), (ky, by)) = (fit(&lons), fit(&lats));
    move |lon, lat| (kx * lon + bx, ky * lat + by)
}

/// Interior points of the zoned fixture's zones (cell centres; C1's centre is its hole, so
/// retained is sampled west of the hole) and the colours the palette gives them.
/// (Off round degrees, where graticule lines run.)
const ZONE_POINTS: [(&str, f64, f64, &str); 5] = [
    ("mill", 67.3472, 24.8064, "#77AADD"),
    ("mill", 67.3472, 24.8097, "#77AADD"),
    ("park", 67.3492, 24.8064, "#EE8866"),
    ("park", 67.3492, 24.8097, "#EE8866"),
    ("retained", 67.3503, 24.8071, "#BBBBBB"),
];

#[test]
fn png_has_each_zone_colour_at_its_interior_points_and_the_size_from_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let svg = String::from_utf8(map_to(
        dir.path(),
        "zoned.geojson",
        "z.svg",
        &["--width", "900"],
    ))
    .unwrap();
    let doc = Document::parse(&svg).unwrap();
    let h: f64 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    // The legend says which colour each zone has; the palette says the same.
    for (zone, _, _, colour) in ZONE_POINTS {
        let swatch = doc
            .descendants()
            .find(|n| n.has_tag_name("path") && n.attribute("data-category") == Some(zone))
            .unwrap();
        assert_eq!(swatch.attribute("fill"), Some(colour));
    }
    let to_px = lonlat_to_px(&doc);
    for dpi in [96.0, 192.0] {
        let png = map_to(
            dir.path(),
            "zoned.geojson",
            "z.png",
            &["--width", "900", "--dpi", &dpi.to_string()],
        );
        let img = decode_png(&png);
        let k = dpi / 96.0;
        assert_eq!((img.w, img.h), ((900.0 * k) as u32, (h * k).ceil() as u32));
        for (zone, lon, lat, colour) in ZONE_POINTS {
            let (x, y) = to_px(lon, lat);
            let p = img.at(x * k, y * k);
            assert!(
                near(p, hex(colour), 2),
                "{zone} at {lon},{lat}: {p:?} not {colour}"
            );
        }
        // C1's hole is background.
        let (x, y) = to_px(67.351, 24.807);
        assert!(near(img.at(x * k, y * k), [255, 255, 255], 2));
    }
    // A page's PNG is the page at the dpi: A4 portrait at 150 dpi is 1240 × 1754 px.
    let png = map_to(
        dir.path(),
        "zoned.geojson",
        "p.png",
        &["--page", "A4", "--dpi", "150"],
    );
    let img = decode_png(&png);
    assert!(
        (i64::from(img.w) - 1240).abs() <= 1 && (i64::from(img.h) - 1754).abs() <= 1,
        "{}×{}",
        img.w,
        img.h
    );
}

fn run_tool(tool: &str, args: &[&str]) -> Output {
    let o = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} not runnable ({e}); apt-get install poppler-utils"));
    assert!(
        o.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn pdf_page_has_real_text_renders_and_prints_at_its_scale() {
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--page",
        "A4",
        "--landscape",
        "--date",
        "2026-11-30",
        "--note",
        "Draft note",
    ];
    let pdf = map_to(dir.path(), "zoned.geojson", "z.pdf", &flags);
    assert!(pdf.starts_with(b"%PDF-"));
    let pdf_path = dir.path().join("z.pdf");
    let text = String::from_utf8(run_tool("pdftotext", &[pdf_path.to_str().unwrap(), "-"]).stdout)
        .unwrap();
    for want in [
        "Fixture: three zones",
        "mill",
        "park",
        "retained",
        "Illustrative",
        "Date: 2026-11-30",
        "Draft note",
        "Scale 1:",
    ] {
        assert!(text.contains(want), "pdftotext lacks {want:?}:\n{text}");
    }
    // Both shipped faces are embedded: the title, the legend's headings and the zone names are
    // set bold, the rest regular (pdffonts lists each embedded font by its PostScript name).
    let fonts =
        String::from_utf8(run_tool("pdffonts", &[pdf_path.to_str().unwrap()]).stdout).unwrap();
    let embedded = |name: &str| {
        fonts.lines().any(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.first()
                .is_some_and(|n| n.split('+').next_back() == Some(name))
                && cols.contains(&"yes")
        })
    };
    assert!(embedded("DejaVuSans-Bold"), "no bold face:\n{fonts}");
    assert!(embedded("DejaVuSans"), "no regular face:\n{fonts}");
    let n: f64 = text
        .split("Scale 1:")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    let info =
        String::from_utf8(run_tool("pdfinfo", &[pdf_path.to_str().unwrap()]).stdout).unwrap();
    let size_line = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    let pts: Vec<f64> = size_line
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // A4 landscape: 297 × 210 mm = 841.9 × 595.3 pt, to a pixel.
    assert!(
        (pts[0] - 841.89).abs() < 1.0 && (pts[1] - 595.28).abs() < 1.0,
        "{size_line}"
    );

    // Rasterise at 254 dpi (10 px per mm) and measure the printed scale bar: the row through
    // its middle, dark from its start to a quarter, light, dark from half to three quarters.
    let stem = dir.path().join("page");
    run_tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "254",
            "-singlefile",
            pdf_path.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    let img = decode_png(&std::fs::read(stem.with_extension("png")).unwrap());
    assert!((f64::from(img.w) - 2970.0).abs() < 3.0, "width {}", img.w);
    // Where the bar is (from the SVG, in mm) and its ground length.
    let svg = String::from_utf8(map_to(dir.path(), "zoned.geojson", "z.svg", &flags)).unwrap();
    let doc = Document::parse(&svg).unwrap();
    let bar = by_id(&doc, "scale-bar");
    let len_m: f64 = bar.attribute("data-length-m").unwrap().parse().unwrap();
    let outline = by_id(&doc, "scale-bar-length");
    let attr = |k: &str| outline.attribute(k).unwrap().parse::<f64>().unwrap();
    let mm = 25.4 / 96.0;
    let (bx, by) = (
        attr("x") * mm * 10.0,
        (attr("y") + attr("height") / 2.0) * mm * 10.0,
    );
    let row = by.round();
    let dark = |x: f64| img.at(x, row).iter().all(|&c| c < 100);
    let mut x = bx - 20.0;
    while !dark(x) {
        x += 1.0;
    }
    let start = x;
    while dark(x) {
        x += 1.0;
    }
    while !dark(x) {
        x += 1.0;
    }
    let half_px = x - start; // start of the third segment = half the bar
    let printed_mm = 2.0 * half_px / 10.0;
    let want_mm = len_m * 1000.0 / n;
    assert!(
        (printed_mm / want_mm - 1.0).abs() < 0.01,
        "bar {printed_mm} mm on paper, {len_m} m at 1:{n} should be {want_mm} mm"
    );
    // And the map itself is at 1:n: two graticule lines 0.001° of longitude apart are
    // 101.10640 m apart on the ground (pyproj) and that /n on paper.
    let to_px = lonlat_to_px(&doc);
    let dx_mm = (to_px(67.348, 24.808).0 - to_px(67.347, 24.808).0) * mm;
    let want = 101.10640 * 1000.0 / n;
    assert!(
        (dx_mm / want - 1.0).abs() < 0.005,
        "{dx_mm} mm vs {want} mm"
    );
    // The zones are drawn in their colours on the printed page.
    for (zone, lon, lat, colour) in ZONE_POINTS {
        let (x, y) = to_px(lon, lat);
        let p = img.at(x * mm * 10.0, y * mm * 10.0);
        assert!(near(p, hex(colour), 6), "{zone}: {p:?} not {colour}");
    }
}

#[test]
fn same_input_same_bytes_for_svg_pdf_html_and_png() {
    let dir = tempfile::tempdir().unwrap();
    for (out, extra) in [
        ("a.svg", vec!["--labels", "id"]),
        ("a.pdf", vec!["--labels", "id", "--page", "A3"]),
        ("a.html", vec!["--labels", "name"]),
        ("a.png", vec!["--labels", "id"]),
    ] {
        // Six runs: an order that depended on a per-run hash seed (svg2pdf's font map, with
        // two faces) would differ between some of them with probability 31/32.
        let one = map_to(dir.path(), "zoned.geojson", out, &extra);
        for _ in 0..5 {
            let again = map_to(dir.path(), "zoned.geojson", out, &extra);
            assert!(one == again, "{out} differs between runs");
        }
    }
}

#[test]
fn unknown_extension_and_unknown_property_exit_2_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("zoned.geojson");
    let out = dir.path().join("x.jpg");
    let o = allot(&["map", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("x.jpg") && err.contains(".svg, .png, .pdf, .html"),
        "{err}"
    );
    assert!(!out.exists());
    let out = dir.path().join("x.svg");
    let o = allot(&[
        "map",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--color-by",
        "landuse",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--color-by landuse")
            && err.contains("the data has: area, name, split_from, zone"),
        "{err}"
    );
    assert!(!out.exists());
}

/// Runs the HTML map in headless Chromium from file:// with networking off, with `harness`
/// (JS) appended to the page and an error/alert recorder prepended; returns the dumped DOM.
fn chromium_run(html_path: &Path, harness: &str) -> String {
    let page = std::fs::read_to_string(html_path).unwrap();
    let recorder = "<script>window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message))});\
        var __ce=console.error;console.error=function(){window.__errors.push(Array.from(arguments).join(' '));};\
        window.alert=function(m){window.__errors.push('alert '+m)};</script>";
    let page = page
        .replacen("<head>\n", &format!("<head>\n{recorder}\n"), 1)
        .replacen(
            "</body>",
            &format!("<script>{harness}</script>\n</body>"),
            1,
        );
    let test_path = html_path.with_extension("test.html");
    std::fs::write(&test_path, page).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--window-size=1280,900",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", test_path.display()))
        .output()
        .expect("chromium not runnable (apt-get install chromium)");
    assert!(
        o.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The JSON the harness wrote into `<pre id="harness-result">`.
fn harness_result(dom: &str) -> serde_json::Value {
    let start = dom
        .find("<pre id=\"harness-result\">")
        .expect("harness did not run")
        + 25;
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The pixel position (in the drawing's units) of a lon/lat on the map inside an HTML page,
/// from the inline SVG's graticule (independent of the page's parcel data).
fn html_lonlat_to_px(html: &str, lon: f64, lat: f64) -> (f64, f64) {
    let start = html.find("<svg").unwrap();
    let end = html.find("</svg>").unwrap() + 6;
    let doc = Document::parse(&html[start..end]).unwrap();
    lonlat_to_px(&doc)(lon, lat)
}

/// Moves the pointer to and clicks the point `(x, y)` of the drawing (real pointer and click
/// events at the screen position the page maps it to), checks the page finds parcel `id` there,
/// searches `query`, highlights the first zone, zooms, hides labels, and reports what the page
/// shows.
fn harness(id: &str, query: &str, (x, y): (f64, f64)) -> String {
    format!(
        r#"(function(){{
  var out = {{}};
  try {{
    var data = JSON.parse(document.getElementById('map-data').textContent);
    var i = data.parcels.findIndex(function(p){{ return p.id === {id}; }});
    var svg = document.querySelector('#map-box svg');
    var pt = svg.createSVGPoint();
    pt.x = {x}; pt.y = {y};
    var c = pt.matrixTransform(svg.getScreenCTM());
    var ev = {{bubbles: true, clientX: c.x, clientY: c.y}};
    out.found = window.allotMap.hit({x}, {y}) === i;
    svg.dispatchEvent(new PointerEvent('pointermove', ev));
    out.hover = document.getElementById('hover').textContent;
    out.hoverShape = document.getElementById('hover-shape').getAttribute('data-parcels');
    svg.dispatchEvent(new MouseEvent('click', ev));
    out.panelHidden = document.getElementById('panel').hidden;
    out.panelTitle = document.getElementById('panel-title').textContent;
    out.panel = document.getElementById('panel-table').textContent;
    out.selected = document.getElementById('sel-shape').getAttribute('data-parcels');
    document.getElementById('search').value = {query};
    document.getElementById('search-go').click();
    out.search = document.getElementById('search-result').textContent;
    out.searchPanel = document.getElementById('panel-title').textContent;
    var rows = document.querySelectorAll('#zones tr');
    out.zoneRows = rows.length;
    rows[0].click();
    out.highlighted = Number(document.getElementById('zone-hl').getAttribute('data-parcels'));
    var before = svg.getAttribute('viewBox');
    document.getElementById('zoom-in').click();
    out.zoomed = svg.getAttribute('viewBox') !== before;
    document.querySelector('#layers input[data-layer="labels"]').click();
    var lab = document.getElementById('labels');
    out.labelsHidden = lab ? getComputedStyle(lab).display === 'none' : null;
  }} catch (e) {{ window.__errors.push('harness: ' + e); }}
  out.errors = window.__errors;
  out.pwned = window.PWNED === undefined ? null : String(window.PWNED);
  out.scripts = document.scripts.length;
  var pre = document.createElement('pre');
  pre.id = 'harness-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}})();"#,
        id = js_string(id),
        query = js_string(query)
    )
}

/// A JS string literal safe inside the harness's `<script>`.
fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap().replace('<', "\\u003c")
}

#[test]
fn html_map_click_opens_the_panel_search_finds_and_nothing_errs() {
    let dir = tempfile::tempdir().unwrap();
    let html = String::from_utf8(map_to(
        dir.path(),
        "zoned.geojson",
        "z.html",
        &["--labels", "id"],
    ))
    .unwrap();
    // No URL but the SVG namespace name (an identifier, never fetched).
    let urls = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !urls.contains("http://") && !urls.contains("https://"),
        "the page refers to the network"
    );
    // A1 is the cell 67.346–67.348 E, 24.806–24.808 N (fixture README): click its middle.
    let at = html_lonlat_to_px(&html, 67.347, 24.807);
    let dom = chromium_run(&dir.path().join("z.html"), &harness("A1", "b2", at));
    let r = harness_result(&dom);
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(r["found"], true);
    assert_eq!(r["panelHidden"], false);
    assert_eq!(r["panelTitle"], "A1");
    // A1 is one 0.002° cell: 11.07 acres (pyproj), shown with 2 decimals.
    let panel = r["panel"].as_str().unwrap();
    assert!(panel.contains("11.07 ac"), "{panel}");
    assert!(panel.contains("zonemill"), "{panel}");
    assert!(
        r["hover"].as_str().unwrap().starts_with("A1 · 11.07 ac"),
        "{r}"
    );
    assert_eq!(r["hoverShape"], "1");
    assert_eq!(r["selected"], "1");
    assert_eq!(r["search"], "Found B2");
    assert_eq!(r["searchPanel"], "B2");
    assert_eq!(r["zoneRows"], 3);
    assert_eq!(r["highlighted"], 2, "mill has two parcels");
    assert_eq!(r["zoomed"], true);
    assert_eq!(r["labelsHidden"], true);
}

/// Hovers over the notch of a concave parcel (`L`, drawn on top) and over its arm: the page must
/// answer the parcel whose ring holds the point (`N` in the notch), not the one whose box does.
#[test]
fn html_map_hover_in_a_concave_parcels_notch_finds_the_neighbour() {
    let dir = tempfile::tempdir().unwrap();
    let html = String::from_utf8(map_to(dir.path(), "notch.geojson", "n.html", &[])).unwrap();
    // N is 67.348–67.350 E, 24.808–24.810 N; L's arms are the other three cells (README).
    let points = [
        ("N", html_lonlat_to_px(&html, 67.349, 24.809)),
        ("N", html_lonlat_to_px(&html, 67.3483, 24.8083)),
        ("L", html_lonlat_to_px(&html, 67.347, 24.809)),
        ("L", html_lonlat_to_px(&html, 67.349, 24.807)),
        ("L", html_lonlat_to_px(&html, 67.3477, 24.8077)),
    ];
    let list: Vec<String> = points
        .iter()
        .map(|(id, (x, y))| format!("[{}, {x}, {y}]", js_string(id)))
        .collect();
    let harness = format!(
        r#"(function(){{
  var out = {{hits: [], hovers: []}};
  try {{
    var data = JSON.parse(document.getElementById('map-data').textContent);
    var svg = document.querySelector('#map-box svg');
    [{list}].forEach(function (q) {{
      var i = window.allotMap.hit(q[1], q[2]);
      out.hits.push(i < 0 ? null : data.parcels[i].id);
      var pt = svg.createSVGPoint();
      pt.x = q[1]; pt.y = q[2];
      var c = pt.matrixTransform(svg.getScreenCTM());
      svg.dispatchEvent(new PointerEvent('pointermove', {{bubbles: true, clientX: c.x, clientY: c.y}}));
      out.hovers.push(document.getElementById('hover').textContent);
    }});
  }} catch (e) {{ window.__errors.push('harness: ' + e); }}
  out.errors = window.__errors;
  var pre = document.createElement('pre');
  pre.id = 'harness-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}})();"#,
        list = list.join(", ")
    );
    let dom = chromium_run(&dir.path().join("n.html"), &harness);
    let r = harness_result(&dom);
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    let want: Vec<&str> = points.iter().map(|p| p.0).collect();
    assert_eq!(r["hits"], serde_json::json!(want), "{r}");
    // The hover line names the same parcel: N is one cell, 11.07 ac, and L three, 33.21 ac
    // (pyproj: 11.0698 and 33.2097).
    let hovers: Vec<&str> = r["hovers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(hovers[0].starts_with("N · 11.07 ac"), "{r}");
    assert!(hovers[1].starts_with("N · "), "{r}");
    assert!(hovers[2].starts_with("L · 33.21 ac"), "{r}");
}

#[test]
fn hostile_names_run_no_script_in_the_html_map() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = map_to(dir.path(), "hostile-html.geojson", "h.html", &[]);
    let html = String::from_utf8(bytes).unwrap();
    // Our two scripts only: the data block and the map script.
    assert_eq!(html.matches("<script").count(), 2);
    let id = "</script><script>window.PWNED='id'</script>";
    // That parcel is the cell 67.346–67.348 E, 24.806–24.808 N.
    let at = html_lonlat_to_px(&html, 67.347, 24.807);
    let dom = chromium_run(&dir.path().join("h.html"), &harness(id, "onload", at));
    let r = harness_result(&dom);
    assert_eq!(r["pwned"], serde_json::Value::Null, "{r}");
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    // The hostile text is shown as text.
    assert_eq!(r["panelTitle"], id);
    assert!(
        r["panel"].as_str().unwrap().contains("<img src=x onerror="),
        "{r}"
    );
    assert_eq!(r["searchPanel"], "\"onload=\"window.PWNED='attr'");
    // 2 harness-added + our 2 = 4 script elements: none injected.
    assert_eq!(r["scripts"], 4);
}

/// DejaVu Sans ink extents of a string: `(left, right, top, bottom)` in em relative to the pen
/// start and baseline (y down), from the font file itself (an independent measurement).
fn ink_box(face: &ttf_parser::Face, text: &str) -> (f64, f64, f64, f64) {
    let em = f64::from(face.units_per_em());
    let (mut pen, mut l, mut r, mut t, mut b) = (
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for c in text.chars() {
        let g = face.glyph_index(c).unwrap();
        if let Some(bb) = face.glyph_bounding_box(g) {
            l = l.min(pen + f64::from(bb.x_min) / em);
            r = r.max(pen + f64::from(bb.x_max) / em);
            t = t.min(-f64::from(bb.y_max) / em);
            b = b.max(-f64::from(bb.y_min) / em);
        }
        pen += f64::from(face.glyph_hor_advance(g).unwrap()) / em;
    }
    // text-anchor="middle": the pen starts half the advance width left of x.
    (l - pen / 2.0, r - pen / 2.0, t, b)
}

type Quad = [(f64, f64); 4];

fn overlaps(a: &Quad, b: &Quad) -> bool {
    for poly in [a, b] {
        for k in 0..4 {
            let (p, q) = (poly[k], poly[(k + 1) % 4]);
            let axis = (q.1 - p.1, p.0 - q.0);
            let span = |s: &Quad| {
                s.iter()
                    .map(|v| v.0 * axis.0 + v.1 * axis.1)
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                        (lo.min(x), hi.max(x))
                    })
            };
            let ((a0, a1), (b0, b1)) = (span(a), span(b));
            if a1 <= b0 || b1 <= a0 {
                return false;
            }
        }
    }
    true
}

#[test]
fn psm_plan_at_a3_every_parcel_labelled_on_the_map_or_in_the_table_without_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/psm-site.geojson");
    let plan = dir.path().join("plan.geojson");
    let o = allot(&[
        "plan",
        site.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("plan.svg");
    let o = allot(&[
        "map",
        plan.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--labels",
        "id",
        "--page",
        "A3",
        "--landscape",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = Document::parse(&svg).unwrap();
    let geo: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let ids: BTreeSet<String> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 355);

    let font = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/allot/src/render/fonts/DejaVuSans.ttf"),
    )
    .unwrap();
    let bold = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("crates/allot/src/render/fonts/DejaVuSans-Bold.ttf"),
    )
    .unwrap();
    let face = ttf_parser::Face::parse(&font, 0).unwrap();
    let bold_face = ttf_parser::Face::parse(&bold, 0).unwrap();
    let num = |n: Node, k: &str| {
        n.attribute(k)
            .map(|v| v.trim_end_matches("em").parse::<f64>().unwrap())
    };
    // Every on-map label's ink box, rotated as drawn.
    let mut on_map: Vec<String> = Vec::new();
    let mut quads: Vec<(String, Quad)> = Vec::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let parent_zone = n
            .parent()
            .is_some_and(|p| p.attribute("class") == Some("zone-label"));
        let is_label = n.attribute("class") == Some("label");
        if !is_label && !parent_zone {
            continue;
        }
        let text = n.text().unwrap().to_string();
        let size = num(n, "font-size").unwrap();
        let (x, y) = (num(n, "x").unwrap(), num(n, "y").unwrap());
        let dy = num(n, "dy").unwrap_or(0.0) * size;
        let f = if n.attribute("font-weight") == Some("bold") {
            &bold_face
        } else {
            &face
        };
        let (l, r, t, b) = ink_box(f, &text);
        let angle = n
            .attribute("transform")
            .map(|t| {
                t.trim_start_matches("rotate(")
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse::<f64>()
                    .unwrap()
            })
            .unwrap_or(0.0);
        let (s, c) = angle.to_radians().sin_cos();
        let corner = |u: f64, v: f64| {
            let (u, v) = (u * size, v * size + dy);
            (x + u * c - v * s, y + u * s + v * c)
        };
        quads.push((
            text.clone(),
            [corner(l, t), corner(r, t), corner(r, b), corner(l, b)],
        ));
        if is_label {
            on_map.push(text);
        }
    }
    for i in 0..quads.len() {
        for j in i + 1..quads.len() {
            assert!(
                !overlaps(&quads[i].1, &quads[j].1),
                "labels {} and {} overlap",
                quads[i].0,
                quads[j].0
            );
        }
    }
    let table: Vec<String> = callout_entries(&doc).collect();
    let numbers: BTreeMap<usize, ()> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("callout"))
        .map(|n| (n.attribute("data-n").unwrap().parse().unwrap(), ()))
        .collect();
    assert_eq!(
        numbers.len(),
        table.len(),
        "one number on the map per table entry"
    );
    let on: BTreeSet<String> = on_map.iter().cloned().collect();
    let tab: BTreeSet<String> = table.iter().cloned().collect();
    assert_eq!(on.len(), on_map.len(), "a parcel labelled twice");
    assert!(on.is_disjoint(&tab));
    let all: BTreeSet<String> = on.union(&tab).cloned().collect();
    assert_eq!(
        all, ids,
        "every parcel's id on the map or in the call-out table"
    );
    let footer = format!(
        "Labels: {} on the map, {} in the call-out table.",
        on.len(),
        tab.len()
    );
    assert!(svg.contains(&footer), "footer lacks {footer:?}");
    let share = on.len() as f64 / ids.len() as f64;
    eprintln!(
        "PSM plan at A3: {} of 355 ids on the map ({:.0}%)",
        on.len(),
        share * 100.0
    );
    assert!(
        share >= MIN_ON_MAP_SHARE,
        "only {:.0}% on the map",
        share * 100.0
    );
    // Each zone is labelled once, with its area.
    for zone in ["sindh_mill", "industrial_park", "retained"] {
        let n = doc
            .descendants()
            .filter(|n| {
                n.attribute("class") == Some("zone-label")
                    && n.descendants().any(|t| t.text() == Some(zone))
            })
            .count();
        assert_eq!(n, 1, "{zone}");
    }
}

/// The same target on the PDF that `plan --map` writes at A3 (read back with `pdftotext`): the
/// footer's counts cover all 355 parcels with at least 80% on the map, the call-out table lists
/// as many distinct plan ids as the footer says, numbered 1, 2, …, and both agree with the SVG
/// the same command writes (whose labels the test above checks one by one; in the PDF, labels
/// rotated along roads come out of `pdftotext` in pieces, so they cannot be read back whole).
#[test]
fn psm_plan_pdf_at_a3_lists_every_parcel_on_the_map_or_in_its_call_out_table() {
    let dir = tempfile::tempdir().unwrap();
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/psm-site.geojson");
    let plan_to = |map: &str| {
        let plan = dir.path().join("plan.geojson");
        let map = dir.path().join(map);
        let o = allot(&[
            "plan",
            site.to_str().unwrap(),
            "-o",
            plan.to_str().unwrap(),
            "-q",
            "--map",
            map.to_str().unwrap(),
            "--page",
            "A3",
            "--landscape",
            "--labels",
            "id",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        map
    };
    let pdf = plan_to("plan.pdf");
    let text =
        String::from_utf8(run_tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    let geo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("plan.geojson")).unwrap()).unwrap();
    let ids: BTreeSet<String> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 355);
    // "Labels: N on the map, M in the call-out table."
    let at = text.find("Labels: ").expect("footer with the label counts");
    let nums: Vec<usize> = text[at + 8..]
        .split(['.', ','])
        .take(2)
        .map(|p| p.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    let (on_map, in_table) = (nums[0], nums[1]);
    assert_eq!(on_map + in_table, ids.len(), "{}", &text[at..at + 80]);
    assert!(
        on_map as f64 >= MIN_ON_MAP_SHARE * ids.len() as f64,
        "{on_map} of 355 on the map"
    );
    // The table: lines "n PSM-…", numbered in order, each a distinct id of the plan.
    let start = text
        .find("Labels that do not fit on the map")
        .expect("a call-out table");
    let entries: Vec<(usize, String)> = text[start..]
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let n = w.next()?.parse().ok()?;
            let id = w.next()?;
            (w.next().is_none() && ids.contains(id)).then(|| (n, id.to_string()))
        })
        .collect();
    let numbers: Vec<usize> = entries.iter().map(|e| e.0).collect();
    assert_eq!(numbers, (1..=in_table).collect::<Vec<_>>());
    let table: BTreeSet<String> = entries.iter().map(|e| e.1.clone()).collect();
    assert_eq!(table.len(), in_table);
    // The SVG of the same command: the same counts in its footer, the same table.
    let svg = std::fs::read_to_string(plan_to("plan.svg")).unwrap();
    let footer = format!("Labels: {on_map} on the map, {in_table} in the call-out table.");
    assert!(
        svg.contains(&footer),
        "the SVG's footer differs from the PDF's {footer:?}"
    );
    let doc = Document::parse(&svg).unwrap();
    let svg_table: BTreeSet<String> = callout_entries(&doc).collect();
    assert_eq!(svg_table, table);
}

/// The share of the PSM plan's ids that must be on the A3 map (the issue's target; the rest go
/// to the call-out table).
const MIN_ON_MAP_SHARE: f64 = 0.8;

/// A 4 × 4 grid of 0.002° cells (about 11.07 acres each) near the plant, with a title and
/// targets for `mill` and `park` in its metadata, for planning and mapping with the same zones.
fn grid_with_targets() -> String {
    let mut features = Vec::new();
    for row in 0..4 {
        for col in 0..4 {
            let id = format!("G{row}{col}");
            let props = format!(r#"{{"name":"cell {row}-{col}"}}"#);
            features.push(common::square(
                &id,
                67.346 + 0.002 * f64::from(col),
                24.806 + 0.002 * f64::from(row),
                0.002,
                &props,
            ));
        }
    }
    let refs: Vec<&str> = features.iter().map(String::as_str).collect();
    common::fc(&refs).replacen(
        "\"features\"",
        "\"metadata\":{\"title\":\"Grid\",\"targets\":{\"mill\":33.2,\"park\":44.3}},\"features\"",
        1,
    )
}

/// The map flags these tests pass to every command.
const MAP_FLAGS: [&str; 12] = [
    "--page",
    "A4",
    "--landscape",
    "--title",
    "Shared flags",
    "--note",
    "Note on every command",
    "--labels",
    "name",
    "--date",
    "2026-11-30",
    "--dpi",
];

#[test]
fn plan_and_validate_maps_take_the_map_flags_and_equal_allot_map_on_the_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    std::fs::write(d("grid.geojson"), grid_with_targets()).unwrap();
    let run = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = allot(&args);
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "allot {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let flags = |dpi: &str| -> Vec<String> {
        MAP_FLAGS
            .iter()
            .map(|s| s.to_string())
            .chain([dpi.to_string(), "-q".to_string()])
            .collect()
    };
    for ext in ["svg", "png", "pdf"] {
        // plan --map, then allot map on the plan it wrote.
        let mut a: Vec<String> = ["plan", &d("grid.geojson"), "-o", &d("plan.geojson")]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.extend(
            [
                "--zone",
                "mill=33.2",
                "--zone",
                "park=44.3",
                "--tolerance",
                "2",
                "--map",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        a.push(d(&format!("plan-map.{ext}")));
        a.extend(flags("120"));
        run(&a);
        let mut m: Vec<String> = vec![
            "map".into(),
            d("plan.geojson"),
            "-o".into(),
            d(&format!("map-of-plan.{ext}")),
        ];
        m.extend(flags("120"));
        run(&m);
        let via_plan = std::fs::read(d(&format!("plan-map.{ext}"))).unwrap();
        let via_map = std::fs::read(d(&format!("map-of-plan.{ext}"))).unwrap();
        assert!(
            via_plan == via_map,
            "plan --map and allot map on the written plan differ ({ext})"
        );

        // validate --map, then allot map with the findings validate wrote.
        let mut v: Vec<String> = vec![
            "validate".into(),
            d("plan.geojson"),
            "--target".into(),
            "mill=33.2".into(),
            "--target".into(),
            "park=44.3".into(),
            "--findings".into(),
            d("findings.geojson"),
            "--map".into(),
            d(&format!("validate-map.{ext}")),
        ];
        v.extend(flags("120"));
        run(&v);
        let mut m: Vec<String> = vec![
            "map".into(),
            d("plan.geojson"),
            "--findings".into(),
            d("findings.geojson"),
            "-o".into(),
            d(&format!("map-of-findings.{ext}")),
        ];
        m.extend(flags("120"));
        run(&m);
        let via_validate = std::fs::read(d(&format!("validate-map.{ext}"))).unwrap();
        let via_map = std::fs::read(d(&format!("map-of-findings.{ext}"))).unwrap();
        assert!(
            via_validate == via_map,
            "validate --map and allot map with its findings differ ({ext})"
        );
    }
    // The flags took effect: the title, the note and the names are printed on an A4
    // landscape page, and the PNG is that page at 120 dpi (297 mm → 1403 px).
    let text = String::from_utf8(run_tool("pdftotext", &[&d("plan-map.pdf"), "-"]).stdout).unwrap();
    for want in [
        "Shared flags",
        "Note on every command",
        "Date: 2026-11-30",
        "cell 0-0",
    ] {
        assert!(text.contains(want), "pdftotext lacks {want:?}:\n{text}");
    }
    let img = decode_png(&std::fs::read(d("validate-map.png")).unwrap());
    assert!(
        (i64::from(img.w) - 1403).abs() <= 1 && (i64::from(img.h) - 992).abs() <= 1,
        "{}×{}",
        img.w,
        img.h
    );
}

#[test]
fn map_flags_without_a_map_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("zoned.geojson");
    let out = dir.path().join("p.geojson");
    for (args, flag) in [
        (
            vec![
                "plan",
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--page",
                "A3",
            ],
            "--page",
        ),
        (
            vec!["validate", input.to_str().unwrap(), "--labels", "id"],
            "--labels",
        ),
    ] {
        let o = allot(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(flag) && err.contains("--map"), "{err}");
        assert!(!out.exists());
    }
}
