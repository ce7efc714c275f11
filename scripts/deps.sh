#!/usr/bin/env bash
# Installs, with apt-get, every Debian package the project builds, tests and runs with.
# Idempotent: when everything is present it only checks and returns in well under a second.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3 tcl
  verilator yosys
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev
  curl
  nlohmann-json3-dev libexpat1-dev
  libsentencepiece-dev sentencepiece
  libxrt-dev
  clang-14 libclang-rt-14-dev libfuzzer-14-dev
)

# mmfree serve's client tests run Node's `openai` package (tests/serve/node, installed by
# `npm ci`). Any Node >= 18 with npm will do; Debian's nodejs and npm where there is none (a
# NodeSource nodejs brings its own npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
