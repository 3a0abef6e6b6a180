#!/usr/bin/env bash
# Installs the Debian 12 packages cogr needs to build and test, only those that are missing.
# Idempotent: when everything is installed it changes nothing and needs no network or root.
# Usage: scripts/install_deps.sh   (as root, or as a user with sudo)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libdeflate-dev libzstd-dev libtiff-dev libcurl4-openssl-dev libproj-dev liblzma-dev
  libwebp-dev liblerc-dev libjpeg62-turbo-dev nlohmann-json3-dev
  libgtest-dev googletest libbenchmark-dev
  # Test servers of the remote-read tests (tests/io): nginx serves tests/data over http(s),
  # python3 runs tests/servers/fault_server.py, openssl makes the TLS test certificate.
  nginx-light python3 openssl
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_deps: all ${#packages[@]} packages present"
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
