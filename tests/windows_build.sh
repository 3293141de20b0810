#!/usr/bin/env bash
# The Windows-only code (the SCM service entry point, the .dll loader, main's Windows branch)
# cross-compiled with mingw-w64 against the real Windows headers and import libraries, warnings
# as errors, and linked into an .exe. It cannot run here; this keeps it from rotting.
#   tests/windows_build.sh <crmhost source dir>
# Exit 77 (ctest: skipped) when mingw-w64 is not installed; CI installs it.
set -euo pipefail
src=$(realpath "$1")
cxx=$(command -v x86_64-w64-mingw32-g++-posix || true)
if [ -z "$cxx" ]; then
  echo "x86_64-w64-mingw32-g++-posix not installed (apt-get install g++-mingw-w64-x86-64-posix): skipped"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Header-only libraries the checked files include, exposed alone (not the Linux /usr/include).
mkdir -p "$work/inc"
for lib in boost spdlog fmt; do ln -s "/usr/include/$lib" "$work/inc/$lib"; done
flags=(-std=c++20 -Wall -Wextra -Wpedantic -Werror -D_WIN32_WINNT=0x0A00
       -DSPDLOG_HEADER_ONLY -DFMT_HEADER_ONLY
       -I"$src/host" -I"$src/common/include" -I"$src/plugin-api/include" -I"$src/store/include"
       -isystem "$work/inc")
for f in host/ops/windows_service.cpp host/ops/daemon_control.cpp host/plugins/dynlib.cpp \
         tests/windows/service_driver.cpp; do
  "$cxx" "${flags[@]}" -I"$src" -c "$src/$f" -o "$work/$(basename "$f" .cpp).o"
done
# Windows branches of files that need more of the host to link: compiled, not linked.
for f in host/main.cpp host/plugins/watcher.cpp host/runtime/logging.cpp; do
  "$cxx" "${flags[@]}" -fsyntax-only "$src/$f"
done
"$cxx" -static -o "$work/service_check.exe" "$work"/*.o -ladvapi32
file "$work/service_check.exe" 2>/dev/null || true
echo "windows build OK: $(stat -c %s "$work/service_check.exe") bytes"
