#!/usr/bin/env bash
# Runs allot's whole test suite on a fresh machine: installs the system tools the end-to-end
# tests use (GDAL's ogrinfo opens our GeoJSON like QGIS does; Chromium renders our SVG maps;
# shapely, i.e. GEOS, is the oracle for the validity wording), then runs `cargo test` on the
# whole workspace. Tests that need these tools fail, rather than skip, without them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
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

cargo test --workspace --all-targets "$@"
cargo test --workspace --doc "$@"
