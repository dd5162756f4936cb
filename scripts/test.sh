#!/usr/bin/env bash
# Runs allot's whole test suite on a fresh machine: installs the system tools the end-to-end
# tests use (GDAL's ogrinfo opens our GeoJSON like QGIS does and ogr2ogr makes the Shapefile,
# GeoPackage, KML, FlatGeobuf and CSV inputs; Chromium renders our SVG maps and drives the
# interactive HTML map; poppler-utils' pdftotext/pdftoppm/pdfinfo read our PDFs; pyproj checks our
# reprojection; shapely, i.e. GEOS, is the oracle for the validity wording) and the exact solver's
# build tools (cmake, and libclang-dev for bindgen: the `exact` feature builds HiGHS from source),
# then runs `cargo test` on the whole workspace with the `exact` feature off (the default build,
# where `--prove` must refuse), and the tests that need the feature (the library's `plan::exact`
# tests and tests/plan_prove.rs) with it on, in the release profile only, so HiGHS (a long C++
# build) is compiled once. Tests that need these tools fail, rather than skip, without them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
{ command -v pdftotext && command -v pdftoppm && command -v pdfinfo; } >/dev/null 2>&1 || need+=(poppler-utils)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/test.sh: installing ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The validity conformance test asks GEOS (through shapely 2) how it words each fixture.
command -v python3 >/dev/null 2>&1 || need_py=1
if [ -n "${need_py:-}" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null
fi
if ! python3 -c 'import shapely' >/dev/null 2>&1; then
  echo "scripts/test.sh: installing shapely (pip)" >&2
  python3 -m pip install --quiet shapely || python3 -m pip install --quiet --break-system-packages shapely
fi

# pyproj (PROJ) is the reference for allot's reprojection tests (tests/crs_pyproj.rs).
if ! python3 -c "import pyproj" >/dev/null 2>&1; then
  echo "scripts/test.sh: installing pyproj" >&2
  python3 -m pip install -q --break-system-packages pyproj 2>/dev/null || python3 -m pip install -q pyproj
fi

# pyarrow reads the GeoParquet allot writes (tests/writers_gdal.rs): GDAL 3.6 has no Parquet driver.
if ! python3 -c "import pyarrow" >/dev/null 2>&1; then
  echo "scripts/test.sh: installing pyarrow" >&2
  python3 -m pip install -q --break-system-packages pyarrow 2>/dev/null || python3 -m pip install -q pyarrow
fi

cargo test --workspace --all-targets "$@"
cargo test --workspace --doc "$@"
# With the exact feature (release profile: HiGHS is built once, here and for .ci/run's lint).
cargo test --release -p allot --features exact --lib plan::exact "$@"
cargo test --release --features exact --test plan_prove "$@"
