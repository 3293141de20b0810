#!/usr/bin/env bash
# Installs the Debian 12 packages crmhost needs to build and run it; with --for-tests also what
# the tests and benchmarks use (the .deb and its checks, the Windows cross-compile, wrk, clang for
# the fuzz targets); with --for-windows also Wine, msitools and what building the Windows
# dependencies from Debian's sources needs (scripts/windows/).
# Idempotent: packages already present are skipped, so running it twice costs ~1 s.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev          # Asio, Beast, JSON, URL (header-only use)
  libboost-context1.81-dev  # the stack switch under the fibers plugin operations run on
  librocksdb-dev            # the store
  libpq-dev                 # the PostgreSQL store (several instances on one database)
  libsqlite3-dev            # crmhostctl import-reference reads a reference server's SQLite database
  libssl-dev openssl        # AES-GCM, HMAC, TLS; `openssl` makes test certificates
  libspdlog-dev libfmt-dev  # logging
  libcli11-dev              # command line
  libtomlplusplus-dev       # the configuration file
  libphonenumber8 libprotobuf-dev libabsl-dev  # phone numbers (headers: see below)
  catch2                    # tests (v2; the build compiles them)
  libvalijson-dev           # tests: JSON Schema validation of responses against docs/openapi.json
  ca-certificates
)
for_windows=false
if [ "${1:-}" = "--for-windows" ]; then
  # The Windows build (scripts/windows/) and its tests under Wine, on top of --for-tests.
  for_windows=true
  set -- --for-tests
  packages+=(
    wine64 wixl msitools          # crmhostd.exe under Wine, the MSI
    bison protobuf-compiler dpkg-dev googletest  # building the dependencies
  )
fi
if [ "${1:-}" = "--for-tests" ]; then
  packages+=(
    wrk                         # benchmarks (bench/), never tests
    dpkg-dev fakeroot lintian   # the .deb (cpack -G DEB) and its test
    g++-mingw-w64-x86-64-posix  # the Windows build (scripts/windows/)
    systemd                     # systemd-analyze verify/security for the unit
    curl                        # the out-of-tree plugin test and benchmarks
    clang-14 libclang-rt-14-dev # libFuzzer targets (scripts/fuzz.sh, tests/fuzz/)
    postgresql-15               # a real PostgreSQL the store tests start in a temp dir
    sqlite3                     # bench/import_reference.sh generates a reference database
  )
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# The Windows dependencies are built from Debian's source packages: apt needs a deb-src entry
# for the archive this machine already uses.
if $for_windows && ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  for f in /etc/apt/sources.list.d/debian.sources; do
    [ -f "$f" ] || continue
    sed 's/^Types: deb$/Types: deb-src/' "$f" | $SUDO tee /etc/apt/sources.list.d/crmhost-deb-src.sources >/dev/null
    echo "setup-deps: added deb-src entries (/etc/apt/sources.list.d/crmhost-deb-src.sources)"
    $SUDO apt-get update -qq
  done
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
else
  echo "setup-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libphonenumber's headers. Debian 12's libphonenumber-dev depends on the default Boost (1.74)
# thread package, which conflicts with the Boost 1.81 we build with, so it cannot be installed;
# its headers (all we need of it: the library is libphonenumber8) are unpacked from the package
# into a cache directory named for its version, where cmake/FindPhoneNumber.cmake looks.
if [ ! -f /usr/include/phonenumbers/phonenumberutil.h ]; then
  version=$(dpkg-query -W -f='${Version}' libphonenumber8)
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/crmhost/libphonenumber-dev-$version"
  if [ ! -f "$cache/usr/include/phonenumbers/phonenumberutil.h" ]; then
    echo "setup-deps: unpacking libphonenumber-dev $version headers into $cache"
    tmp=$(mktemp -d)
    chmod 0777 "$tmp"  # apt's download user (_apt) writes the .deb there
    (cd "$tmp" && apt-get download -qq "libphonenumber-dev=$version" 2>/dev/null ||
       { $SUDO apt-get update -qq && apt-get download -qq "libphonenumber-dev=$version"; })
    mkdir -p "$cache"
    dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$cache"
    rm -rf "$tmp"
  fi
fi
