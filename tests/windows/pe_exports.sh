#!/usr/bin/env bash
# What the Windows build ships, checked in the files themselves: every plugin .dll exports
# exactly crmh_plugin_entry, and the .exe and .dlls import only Windows' own DLLs (the C++
# runtime, OpenSSL, RocksDB... are linked in: nothing to install beside them).
#   tests/windows/pe_exports.sh <windows build dir>
# Exit 77 (ctest: skipped) where the Windows build or mingw-w64's objdump is missing.
set -euo pipefail
build=$1
objdump=$(command -v x86_64-w64-mingw32-objdump || true)
[ -n "$objdump" ] || { echo "x86_64-w64-mingw32-objdump missing: skipped"; exit 77; }
[ -f "$build/bin/crmhostd.exe" ] || { echo "$build/bin/crmhostd.exe not built: skipped"; exit 77; }
system='^(ADVAPI32|CRYPT32|KERNEL32|MSWSOCK|RPCRT4|SHLWAPI|USER32|WS2_32|msvcrt|bcrypt|ole32)\.dll$'
failed=0
for f in "$build"/bin/*.exe "$build"/plugins-out/*.dll; do
  imports=$("$objdump" -p "$f" | sed -n 's/^\tDLL Name: //p' | sort -u)
  foreign=$(echo "$imports" | grep -Eiv "$system" || true)
  if [ -n "$foreign" ]; then
    echo "FAIL: $(basename "$f") imports $(echo $foreign)"
    failed=1
  fi
done
for f in "$build"/plugins-out/*.dll; do
  exports=$("$objdump" -p "$f" | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^\t\[ *[0-9]*\] //p')
  if [ "$exports" != "crmh_plugin_entry" ]; then
    echo "FAIL: $(basename "$f") exports: $(echo $exports | cut -c1-300)"
    failed=1
  fi
done
[ $failed = 0 ] && echo "$(ls "$build"/bin/*.exe "$build"/plugins-out/*.dll | wc -l) files: system imports only, plugins export crmh_plugin_entry alone"
exit $failed
