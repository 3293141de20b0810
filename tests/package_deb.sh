#!/usr/bin/env bash
# The .deb an admin installs: built with CPack from this build tree, then its contents, control
# fields, maintainer scripts and systemd unit checked (systemd-analyze verify must be clean and
# the security exposure low). Nothing is installed on this machine.
#   tests/package_deb.sh <crmhost build dir> <crmhost source dir>
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" > "$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/crmhost_*_amd64.deb)
echo "built $(basename "$deb"), $(stat -c %s "$deb") bytes"

dpkg-deb -c "$deb" | awk '{print $6}' > "$work/files"
for f in ./usr/sbin/crmhostd ./usr/bin/crmhostctl \
         ./usr/lib/crmhost/plugins/redtail.so ./usr/lib/crmhost/plugins/insightly.so \
         ./usr/lib/crmhost/plugins/pipedrive.so ./usr/lib/crmhost/plugins/clio.so \
         ./usr/lib/crmhost/plugins/bullhorn.so ./usr/lib/crmhost/plugins/netsuite.so \
         ./usr/lib/crmhost/plugins/vinsolutions.so ./usr/lib/crmhost/plugins/googlesheets.so \
         ./usr/lib/crmhost/plugins/proxy.so ./usr/lib/systemd/system/crmhost.service \
         ./usr/lib/systemd/system/crmhost.socket \
         ./usr/share/crmhost/crmhost.toml ./usr/share/crmhost/notify-reload.conf \
         ./usr/share/doc/crmhost/OPERATIONS.md ./usr/share/doc/crmhost/copyright \
         ./usr/share/doc/crmhost/changelog.gz ./usr/share/man/man8/crmhostd.8.gz \
         ./usr/share/man/man8/crmhostctl.8.gz ./usr/include/crmhost/plugin.h; do
  grep -qx "$f" "$work/files" || fail "missing $f"
done
# Test-only plugins and binaries stay out.
! grep -E 'testcrm|fake_|integration_tests|unit_tests' "$work/files" || fail "test files packaged"

dpkg-deb -f "$deb" Depends > "$work/depends"
for d in adduser openssl librocksdb libssl3 libtomlplusplus; do
  grep -q "$d" "$work/depends" || fail "Depends lacks $d: $(cat "$work/depends")"
done

mkdir "$work/control" "$work/root"
dpkg-deb -e "$deb" "$work/control"
dpkg-deb -x "$deb" "$work/root"
for s in postinst prerm; do
  [ -x "$work/control/$s" ] || fail "$s missing or not executable"
  sh -n "$work/control/$s" || fail "$s: shell syntax"
done
# postinst creates the user and the key but enables and starts nothing new.
grep -q "adduser --quiet --system" "$work/control/postinst" || fail "postinst does not create the user"
grep -q "openssl rand -hex 32" "$work/control/postinst" || fail "postinst does not make the key"
! grep -v "^ *#" "$work/control/postinst" | grep -Eq "(systemctl|deb-systemd-invoke) (enable|start)" || fail "postinst enables or starts"
cmp -s "$work/root/usr/lib/systemd/system/crmhost.service" "$src/packaging/crmhost.service" ||
  fail "packaged unit differs from packaging/crmhost.service"
# The packaged daemon reads the packaged default configuration.
"$work/root/usr/sbin/crmhostd" --check-config --config "$work/root/usr/share/crmhost/crmhost.toml" ||
  fail "default configuration refused"

if command -v systemd-analyze > /dev/null; then
  unit="$work/crmhost.service"
  sed -e "s|/usr/sbin/crmhostd|$work/root/usr/sbin/crmhostd|" \
      -e "s|/usr/bin/crmhostctl|$work/root/usr/bin/crmhostctl|" \
      "$work/root/usr/lib/systemd/system/crmhost.service" > "$unit"
  cp "$work/root/usr/lib/systemd/system/crmhost.socket" "$work/crmhost.socket"
  verify=$(systemd-analyze verify "$unit" "$work/crmhost.socket" 2>&1) || fail "systemd-analyze verify: $verify"
  [ -z "$verify" ] || fail "systemd-analyze verify: $verify"
  exposure=$(systemd-analyze security --offline=yes "$unit" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  echo "systemd-analyze security exposure: $exposure"
  awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' || fail "exposure $exposure > 2.0"
else
  echo "systemd-analyze not installed: unit checks skipped"
fi
# lintian: no error or warning (run as root it warns about that; not a package tag).
if command -v lintian > /dev/null; then
  lintian --tag-display-limit 0 "$deb" > "$work/lintian" 2>&1 || true
  grep -v "running with root privileges" "$work/lintian" || true
  ! grep -Eq "^(E|W): " "$work/lintian" || fail "lintian reports errors or warnings"
  echo "lintian: clean"
else
  echo "lintian not installed: its check skipped"
fi
echo "package OK"
