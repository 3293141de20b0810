#!/usr/bin/env bash
# The "windows: a Wine prefix" fixture: makes the WINEPREFIX the Windows tests run crmhostd.exe
# in (once per Windows build tree; wineboot takes 10-30 s the first time).
#   tests/windows/wine_prefix.sh <windows build dir>
# Exit 77 (ctest: skipped) where Wine or the Windows build is missing.
set -euo pipefail
build=$(realpath "$1")
command -v wine >/dev/null || { echo "wine is not installed (apt-get install wine64): skipped"; exit 77; }
[ -f "$build/bin/crmhostd.exe" ] || { echo "$build/bin/crmhostd.exe not built (scripts/windows/build.sh): skipped"; exit 77; }
export WINEPREFIX=$build/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  wineboot --init
  wineserver --wait
fi
wine cmd /c ver
