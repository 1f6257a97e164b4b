#!/usr/bin/env bash
# Installs what chview needs to build, test and run, and nothing that is already there.
# Debian packages via apt-get (as root, or through sudo), npm packages via `npm ci`.
# Idempotent: a second run on a ready machine does no network work.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake make pkg-config ccache clang-format
  libboost-dev libboost-program-options-dev
  protobuf-compiler libprotobuf-dev
  nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev
  liblz4-dev libzstd-dev libflatbuffers-dev libre2-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clickhouse-server clickhouse-client
  chromium
  curl ca-certificates
)
# Node.js and npm: keep an existing installation (e.g. a newer node), else Debian's.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: the viewer assets served by chview, the official clients used as
# oracles in tests, playwright-core for the browser test. Reinstall only when the
# lockfile changed since the last install.
if [ -f package-lock.json ]; then
  stamp=node_modules/.chview-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "install-deps: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
