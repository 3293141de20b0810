#!/usr/bin/env bash
# Builds crmhostd's dependencies for Windows x64 with mingw-w64, from Debian's source packages,
# into a cache directory keyed by their versions (and the recipe number below), so a second build
# reuses them. Prints the prefix on its last line.
#
#   scripts/windows/build-deps.sh            # build what is missing, print the prefix
#   CRMHOST_WIN_DEPS=/some/dir scripts/...   # use another prefix
#
# Every package is built static: the .exe and the plugin .dlls then need nothing but Windows' own
# DLLs. Each step leaves a stamp file, so a build that was stopped resumes where it stopped.
# Cold on 2 cores: see docs/WINDOWS.md (RocksDB and ICU are most of it).
set -euo pipefail
shopt -s inherit_errexit  # a failure inside $(...) (unpack) stops the script too
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# The versions this was tested with; Debian 12's archive (a fixed snapshot here) has them all.
pkgs=(
  "fmtlib=9.1.0+ds1-2"
  "spdlog=1:1.10.0+ds-0.4"
  "cli11=2.1.2+ds-1"
  "boost1.81=1.81.0-5+deb12u1"
  "openssl=3.0.17-1~deb12u2"
  "rocksdb=7.8.3-2"
  "abseil=20220623.1-1+deb12u2"
  "protobuf=3.21.12-3+deb12u1"
  "icu=72.1-3+deb12u1"
  "libphonenumber=8.12.57+ds-3"
)

triple=x86_64-w64-mingw32
for tool in $triple-g++-posix $triple-gcc-posix dpkg-source protoc bison cmake ninja ccache; do
  command -v "$tool" >/dev/null || {
    echo "build-deps: $tool is missing (scripts/setup-deps.sh --for-windows installs it)" >&2
    exit 1
  }
done

cache=${XDG_CACHE_HOME:-$HOME/.cache}/crmhost
# Bump when a step below builds something differently: the cache key is the recipe, the
# versions, the compilers and the toolchain file.
recipe=1
key=$( (echo "$recipe"; printf '%s\n' "${pkgs[@]}"; $triple-g++-posix --version | head -1
        protoc --version; cat "$root/cmake/toolchains/mingw-w64-x86_64.cmake") | sha256sum | cut -c1-12)
prefix=${CRMHOST_WIN_DEPS:-$cache/win-deps-$key}
src=$cache/win-src
work=$prefix.work
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"
  exit 0
fi
mkdir -p "$prefix" "$src" "$work"

jobs=$(nproc)
toolchain=$root/cmake/toolchains/mingw-w64-x86_64.cmake
log() { echo "build-deps: $(date +%T) $*" >&2; }

# unpack NAME=VERSION -> prints the unpacked source directory (Debian's patches applied)
unpack() {
  local name=${1%%=*} version=${1#*=}
  local upstream=${version#*:}
  upstream=${upstream%-*}
  local dir=$work/src/$name-$upstream
  if [ ! -d "$dir" ]; then
    local dsc=$src/${name}_${upstream}-${version##*-}.dsc
    if [ ! -f "$dsc" ]; then
      (cd "$src" && apt-get source -qq --download-only "$name=$version" >&2) || return 1
    fi
    # Unpacked beside, then moved: a stopped unpack never passes for a complete source tree.
    mkdir -p "$work/src"
    rm -rf "$dir.partial"
    (cd "$work/src" && dpkg-source --no-check -x -q "$dsc" "$dir.partial" >&2) || return 1
    mv "$dir.partial" "$dir"
  fi
  echo "$dir"
}

stamp() { [ -f "$work/$1.done" ]; }
done_() { touch "$work/$1.done"; }

# cmake_dep NAME SOURCE_DIR [cmake args...]: configure, build and install a CMake project
# ($target: build only that target first)
cmake_dep() {
  local name=$1 dir=$2
  shift 2
  local only=()
  [ -z "${target:-}" ] || only=(--target "$target")
  cmake -S "$dir" -B "$work/build-$name" -G Ninja -Wno-dev \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF "$@" >"$work/$name.log" 2>&1 \
    || { tail -40 "$work/$name.log" >&2; exit 1; }
  cmake --build "$work/build-$name" -j "$jobs" "${only[@]}" >>"$work/$name.log" 2>&1 \
    || { tail -60 "$work/$name.log" >&2; exit 1; }
  cmake --install "$work/build-$name" >>"$work/$name.log" 2>&1 \
    || { tail -20 "$work/$name.log" >&2; exit 1; }
}

if ! stamp fmt; then
  log "fmt"
  cmake_dep fmt "$(unpack "${pkgs[0]}")" -DFMT_DOC=OFF -DFMT_TEST=OFF
  done_ fmt
fi
if ! stamp spdlog; then
  log "spdlog"
  cmake_dep spdlog "$(unpack "${pkgs[1]}")" -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_EXAMPLE=OFF \
    -DSPDLOG_BUILD_TESTS=OFF -DSPDLOG_BUILD_BENCH=OFF
  done_ spdlog
fi
if ! stamp cli11; then
  log "CLI11"
  cmake_dep cli11 "$(unpack "${pkgs[2]}")" -DCLI11_BUILD_TESTS=OFF -DCLI11_BUILD_EXAMPLES=OFF \
    -DCLI11_BUILD_DOCS=OFF
  done_ cli11
fi
if ! stamp tomlplusplus; then
  # toml++ is header-only and its Debian source is not in the archive mirror here: the headers of
  # the installed libtomlplusplus-dev are the same text on every platform.
  log "toml++ (headers)"
  [ -f /usr/include/toml++/toml.h ] || {
    echo "build-deps: /usr/include/toml++ missing (apt-get install libtomlplusplus-dev)" >&2
    exit 1
  }
  mkdir -p "$prefix/include" "$prefix/lib/cmake/tomlplusplus"
  cp -r /usr/include/toml++ "$prefix/include/"
  cat >"$prefix/lib/cmake/tomlplusplus/tomlplusplusConfig.cmake" <<'EOF'
# Written by scripts/windows/build-deps.sh: toml++ used header-only.
if(NOT TARGET tomlplusplus::tomlplusplus)
  add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)
  set_target_properties(tomlplusplus::tomlplusplus PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${CMAKE_CURRENT_LIST_DIR}/../../../include"
    INTERFACE_COMPILE_DEFINITIONS "TOML_HEADER_ONLY=1")
endif()
EOF
  done_ tomlplusplus
fi

if ! stamp boost; then
  log "Boost (headers, context)"
  dir=$(unpack "${pkgs[3]}")
  (
    cd "$dir"
    # Debian's source drops the generated parser of the b2 build engine: bison remakes it.
    [ -f tools/build/src/engine/jamgram.cpp ] \
      || (cd tools/build && bison -y -d -o src/engine/jamgram.cpp src/engine/jamgram.y)
    [ -x b2 ] || ./bootstrap.sh >"$work/boost-bootstrap.log" 2>&1 \
      || { tail -20 "$work/boost-bootstrap.log" >&2; exit 1; }
    echo "using gcc : mingw : $triple-g++-posix ;" >"$work/boost-user-config.jam"
    ./b2 --user-config="$work/boost-user-config.jam" --prefix="$prefix" --build-dir="$work/build-boost" \
      --with-context toolset=gcc-mingw target-os=windows binary-format=pe abi=ms architecture=x86 \
      address-model=64 link=static runtime-link=shared threading=multi variant=release -j "$jobs" \
      install >"$work/boost.log" 2>&1 || { tail -40 "$work/boost.log" >&2; exit 1; }
  )
  done_ boost
fi

if ! stamp openssl; then
  log "OpenSSL"
  dir=$(unpack "${pkgs[4]}")
  (
    cd "$dir"
    ./Configure mingw64 --cross-compile-prefix=$triple- --prefix="$prefix" --libdir=lib \
      no-shared no-tests no-module >"$work/openssl.log" 2>&1
    make -j "$jobs" build_libs >>"$work/openssl.log" 2>&1 || { tail -40 "$work/openssl.log" >&2; exit 1; }
    make install_dev >>"$work/openssl.log" 2>&1
  )
  done_ openssl
fi

if ! stamp rocksdb; then
  log "RocksDB"
  # No compression libraries: the store's options fall back to none without Snappy.
  cmake_dep rocksdb "$(unpack "${pkgs[5]}")" -DWITH_GFLAGS=OFF -DWITH_TESTS=OFF \
    -DWITH_BENCHMARK_TOOLS=OFF -DWITH_TOOLS=OFF -DWITH_CORE_TOOLS=OFF -DWITH_TRACE_TOOLS=OFF \
    -DROCKSDB_BUILD_SHARED=OFF -DPORTABLE=ON -DFAIL_ON_WARNINGS=OFF -DWITH_JNI=OFF \
    -DWITH_SNAPPY=OFF -DWITH_LZ4=OFF -DWITH_ZLIB=OFF -DWITH_ZSTD=OFF -DWITH_BZ2=OFF \
    -DWITH_XPRESS=OFF -DWITH_RUNTIME_DEBUG=OFF -DWITH_WINDOWS_UTF8_FILENAMES=ON \
    -DROCKSDB_INSTALL_ON_WINDOWS=ON
  done_ rocksdb
fi

if ! stamp abseil; then
  log "abseil"
  cmake_dep abseil "$(unpack "${pkgs[6]}")" -DCMAKE_CXX_STANDARD=17 -DABSL_PROPAGATE_CXX_STD=ON \
    -DABSL_BUILD_TESTING=OFF
  done_ abseil
fi

if ! stamp protobuf; then
  log "protobuf (lite)"
  dir=$(unpack "${pkgs[7]}")
  cmake -S "$dir" -B "$work/build-protobuf" -G Ninja -Wno-dev -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -Dprotobuf_BUILD_TESTS=OFF -Dprotobuf_BUILD_PROTOC_BINARIES=OFF -Dprotobuf_WITH_ZLIB=OFF \
    -Dprotobuf_BUILD_SHARED_LIBS=OFF >"$work/protobuf.log" 2>&1 || { tail -40 "$work/protobuf.log" >&2; exit 1; }
  # Only the lite runtime: libphonenumber's messages are LITE_RUNTIME.
  cmake --build "$work/build-protobuf" -j "$jobs" --target libprotobuf-lite >>"$work/protobuf.log" 2>&1 \
    || { tail -60 "$work/protobuf.log" >&2; exit 1; }
  mkdir -p "$prefix/lib" "$prefix/include"
  cp "$work/build-protobuf/libprotobuf-lite.a" "$prefix/lib/"
  (cd "$dir/src" && find google \( -name '*.h' -o -name '*.inc' \) -exec cp --parents -t "$prefix/include/" {} +)
  done_ protobuf
fi

if ! stamp icu; then
  # ICU cross-builds in two passes: a native build supplies the data tools the Windows one runs.
  log "ICU (native tools, then Windows)"
  dir=$(unpack "${pkgs[8]}")
  mkdir -p "$work/build-icu-native" "$work/build-icu"
  (
    cd "$work/build-icu-native"
    "$dir/source/configure" --disable-tests --disable-samples --disable-extras --disable-layoutex \
      --disable-icuio >"$work/icu-native.log" 2>&1
    make -j "$jobs" >>"$work/icu-native.log" 2>&1 || { tail -40 "$work/icu-native.log" >&2; exit 1; }
  )
  (
    cd "$work/build-icu"
    "$dir/source/configure" --host=$triple --with-cross-build="$work/build-icu-native" \
      --prefix="$prefix" --enable-static --disable-shared --disable-tests --disable-samples \
      --disable-extras --disable-layoutex --disable-icuio --disable-tools \
      --with-data-packaging=static CC=$triple-gcc-posix CXX=$triple-g++-posix \
      CPPFLAGS=-DU_STATIC_IMPLEMENTATION >"$work/icu.log" 2>&1
    make -j "$jobs" >>"$work/icu.log" 2>&1 || { tail -40 "$work/icu.log" >&2; exit 1; }
    make install >>"$work/icu.log" 2>&1
  )
  done_ icu
fi

if ! stamp libphonenumber; then
  log "libphonenumber"
  dir=$(unpack "${pkgs[9]}")
  # ICU's regex engine (this version's RE2 adapter does not compile), no geocoder: only the core
  # library the host links. Its CMakeLists insists on finding gtest for its own tests, which are
  # never built here; static ICU's libraries are named sicu*, which it does not look for.
  target=phonenumber cmake_dep libphonenumber "$dir/cpp" \
    -DGTEST_INCLUDE_DIR=/usr/src/googletest/googletest/include \
    -DGTEST_SOURCE_DIR=/usr/src/googletest/googletest \
    -DICU_UC_INCLUDE_DIR="$prefix/include" -DICU_UC_LIB="$prefix/lib/libsicuuc.a" \
    -DICU_I18N_INCLUDE_DIR="$prefix/include" -DICU_I18N_LIB="$prefix/lib/libsicuin.a" -DBUILD_GEOCODER=OFF -DREGENERATE_METADATA=OFF \
    -DUSE_ICU_REGEXP=ON -DUSE_RE2=OFF -DUSE_BOOST=OFF -DUSE_STDMUTEX=ON -DUSE_PROTOBUF_LITE=ON \
    -DBUILD_SHARED_LIB=OFF -DBUILD_STATIC_LIB=ON -DBUILD_TESTING=OFF \
    -DCMAKE_CXX_STANDARD=17 -DCMAKE_CXX_FLAGS=-DU_STATIC_IMPLEMENTATION \
    -DPROTOC_BIN="$(command -v protoc)"
  done_ libphonenumber
fi

mkdir -p "$prefix/build-logs"
cp "$work"/*.log "$prefix/build-logs/" 2>/dev/null || true
touch "$prefix/.complete"
rm -rf "$work"
log "done"
echo "$prefix"
