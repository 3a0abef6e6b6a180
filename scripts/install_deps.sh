#!/usr/bin/env bash
# Installs the Debian 12 packages cogr needs to build and test, only those that are missing.
# Idempotent: when everything is installed it changes nothing and needs no network or root.
# Usage: scripts/install_deps.sh   (as root, or as a user with sudo)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libdeflate-dev libzstd-dev libtiff-dev libcurl4-openssl-dev libproj-dev liblzma-dev
  libwebp-dev liblerc-dev libjpeg62-turbo-dev libpng-dev nlohmann-json3-dev
  libgtest-dev googletest libbenchmark-dev
  # Scene catalogs (GeoPackage files: cogr catalog).
  libsqlite3-dev
  # Test servers of the remote-read tests (tests/io): nginx serves tests/data over http(s),
  # python3 runs tests/servers/fault_server.py, openssl makes the TLS test certificate.
  nginx-light python3 openssl
  # The bench report test renders the HTML page in headless Chromium (tests/cli/trace_cli_test.cpp).
  chromium
  # Request signing of s3:// and az:// sources (SHA-256, HMAC-SHA256).
  libssl-dev
  # The Python package (python/, pybind11) and its tests (the python stage of scripts/test.sh).
  pybind11-dev python3-dev python3-numpy python3-pytest python3-affine python3-pyproj
  python3-xarray python3-dask python3-distributed python3-setuptools python3-pip python3-wheel
  python3-venv
  # The fuzz stage of scripts/test.sh: clang with libFuzzer and the sanitizer runtimes.
  clang libclang-rt-14-dev
  # The `format` test (scripts/format.sh --check against .clang-format).
  clang-format
)

# The S3 and Azure emulators of the cloud tests (tests/io/cloud_test.cpp) are npm packages
# (tests/servers/package.json: s3rver, azurite): they need node and npm. A machine that has
# node from elsewhere (e.g. NodeSource, which bundles npm) keeps it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

# Installs the pinned emulators (package-lock.json) into tests/servers/node_modules once; the
# test fixtures do the same when it is missing, and skip their tests if that fails.
install_test_servers() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/tests/servers"
  if [[ -x "$dir/node_modules/.bin/s3rver" && -x "$dir/node_modules/.bin/azurite-blob" ]]; then
    return 0
  fi
  echo "install_deps: npm ci in $dir (s3rver, azurite)"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts); then
    echo "install_deps: warning: npm ci failed; the s3rver/azurite tests will try again or skip" >&2
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_deps: all ${#packages[@]} packages present"
  install_test_servers
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install_deps: missing packages (${missing[*]}) and not root, no sudo: install them and rerun" >&2
  exit 1
fi

echo "install_deps: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
install_test_servers
