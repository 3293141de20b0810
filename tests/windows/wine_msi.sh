#!/usr/bin/env bash
# The MSI under Wine's msiexec: builds it (scripts/windows/package.sh), installs it silently,
# and checks what an admin would: the service RUNNING and answering on the configured ports,
# crmhostctl talking to it, the data dir made; upgrades it with a newer package (configuration
# edits kept); then uninstalls it and checks the service and the program files are gone while the
# configuration and the data dir stay.
#   tests/windows/wine_msi.sh <windows build dir> <source dir>
# Exit 77 (ctest: skipped) where Wine, wixl or the Windows build is missing.
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
for tool in wine wixl msibuild curl; do
  command -v $tool >/dev/null || { echo "$tool is not installed: skipped"; exit 77; }
done
[ -f "$build/bin/crmhostd.exe" ] || { echo "$build/bin/crmhostd.exe not built: skipped"; exit 77; }
export WINEPREFIX=$build/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
[ -f "$WINEPREFIX/system.reg" ] || { echo "no Wine prefix (the fixture makes it): skipped"; exit 77; }

msi=$("$src/scripts/windows/package.sh" "$build" | tail -1)
echo "package: $msi ($(stat -c %s "$msi") bytes)"
programs="$WINEPREFIX/drive_c/Program Files/crmhost"
data="$WINEPREFIX/drive_c/ProgramData/crmhost"
fail() { echo "FAIL: $*"; tail -20 "$data/data/crmhostd.log" 2>/dev/null || true; exit 1; }
# Up to 20 s for /readyz on the configured ops port; up to 30 s for the service process to end.
wait_ready() {
  for _ in $(seq 100); do
    [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:6067/readyz)" = 200 ] && return
    sleep 0.2
  done
}
wait_exited() {
  for _ in $(seq 150); do
    pgrep -f 'crmhost.crmhostd.exe' >/dev/null || return 0
    sleep 0.2
  done
}
# Services live as long as the wineserver; it otherwise ends 3 s after its last client (and one
# still lingering after an earlier test would end under us: stop it first).
wineserver -k || true
wineserver -p
trap 'wine msiexec /x "$(winepath -w "$msi")" /qn >/dev/null 2>&1 || true; rm -rf "$data"; wineserver -k' EXIT
rm -rf "$data"

wine msiexec /i "$(winepath -w "$msi")" /qn || fail "msiexec /i exited $?"
[ -f "$programs/crmhostd.exe" ] && [ -f "$programs/crmhostctl.exe" ] || fail "program files missing"
[ "$(ls "$programs/plugins"/*.dll | wc -l)" -ge 9 ] || fail "plugins missing"
[ -f "$data/crmhost.toml" ] || fail "no configuration in ProgramData"
wine sc query crmhost | grep -q RUNNING || fail "the service is not RUNNING"
wait_ready
[ "$(curl -s -m 2 http://127.0.0.1:6067/readyz)" = ok ] || fail "/readyz on the configured ops port"
# The App Connect listener answers as the reference does (an unknown platform is refused).
body=$(curl -s -m 5 -X POST 'http://127.0.0.1:6066/apiKeyLogin' -H 'content-type: application/json' -d '{"apiKey":"x"}')
[ "$body" = "Missing platform name" ] || fail "POST /apiKeyLogin answered: $body"
status=$(wine 'C:\Program Files\crmhost\crmhostctl.exe' status 2>&1) || fail "crmhostctl status: $status"
echo "$status" | grep -q redtail || fail "crmhostctl status lists no redtail: $status"
[ -f "$data/data/secret.key" ] && [ -f "$data/data/store/CURRENT" ] || fail "no data dir"

# Upgraded: a newer package over this one replaces the program and restarts the service; the
# admin's edit of the configuration and the data stay, and one product remains registered.
version=$(sed -n 's/^project(crmhost VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
newer=$(echo "$version" | awk -F. '{ print $1 "." $2 "." $3 + 1 }')
newer_msi=$(CRMHOST_MSI_VERSION=$newer "$src/scripts/windows/package.sh" "$build" | tail -1)
echo "# edited by the admin" >>"$data/crmhost.toml"
wine msiexec /i "$(winepath -w "$newer_msi")" /qn || fail "msiexec /i of $newer exited $?"
msi=$newer_msi  # what the trap and the uninstall below remove
wine sc query crmhost | grep -q RUNNING || fail "the service is not RUNNING after the upgrade"
wait_ready
[ "$(grep -c "listening on" "$data/data/crmhostd.log")" = 2 ] || fail "the upgrade did not restart the service"
tail -1 "$data/crmhost.toml" | grep -q "edited by the admin" || fail "the upgrade overwrote the configuration"
products=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null |
  grep -c "DisplayName.*crmhost" || true)
[ "$products" = 1 ] || fail "$products crmhost products registered after the upgrade"
wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null |
  grep -q "DisplayVersion.*$newer" || fail "the registered product is not $newer"

# Started again on its data: the master key it created at the first start has a private DACL,
# so it is not reported as readable by others.
wine sc stop crmhost >/dev/null || fail "sc stop"
wait_exited
wine sc start crmhost >/dev/null || fail "sc start"
wait_ready
[ "$(grep -c "listening on" "$data/data/crmhostd.log")" = 3 ] || fail "the second start did not serve"
! grep -q "is readable by" "$data/data/crmhostd.log" || fail "the daemon's own key file is readable by others"

# Stopped first, and the process gone: an uninstall that stops the service itself can reach its
# RemoveFiles while the exiting process still maps crmhostd.exe, and the file is then only
# deleted at the next reboot (Windows does the same).
wine sc stop crmhost >/dev/null || fail "sc stop"
wait_exited
! pgrep -f 'crmhost.crmhostd.exe' >/dev/null || fail "crmhostd.exe still running 30 s after sc stop"
grep -q "crmhostd stopped" "$data/data/crmhostd.log" || fail "no clean stop in the log"
wine msiexec /x "$(winepath -w "$msi")" /qn || fail "msiexec /x exited $?"
if wine sc query crmhost >/dev/null 2>&1; then fail "the service is still registered"; fi
[ ! -e "$programs/crmhostd.exe" ] || fail "crmhostd.exe left behind"
[ -f "$data/crmhost.toml" ] || fail "uninstall removed the configuration"
[ -f "$data/data/secret.key" ] && [ -f "$data/data/store/CURRENT" ] || fail "uninstall removed the data"
echo "MSI installed, served, uninstalled; configuration and data kept"
