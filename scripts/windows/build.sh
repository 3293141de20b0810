#!/usr/bin/env bash
# Cross-builds crmhostd.exe, crmhostctl.exe and every plugin .dll for Windows x64 into
# ./build-windows (or $BUILD_DIR), after the dependencies (scripts/windows/build-deps.sh, cached
# by version). Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/../.."
deps=$(scripts/windows/build-deps.sh | tail -1)
build_dir=${BUILD_DIR:-build-windows}
# -O2 as the Linux build (GCC 12's -O3 warns falsely in std::string, -Wrestrict); warnings are
# errors; the C++ runtime linked in (these flags replace the toolchain file's -static) and symbols
# stripped (there is no debug info to keep in a Release build).
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_EXE_LINKER_FLAGS="-static -s" -DCMAKE_MODULE_LINKER_FLAGS="-static -s" \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/mingw-w64-x86_64.cmake" \
  -DCMAKE_PREFIX_PATH="$deps" -DCRMHOST_BUILD_TESTS=OFF -DCRMHOST_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
echo "windows build: $(ls "$build_dir"/bin/*.exe "$build_dir"/plugins-out/*.dll | wc -l) files in $build_dir"
