#!/usr/bin/env bash
# Builds the Windows installer, crmhost-<version>-x64.msi, from a Windows build tree
# (scripts/windows/build.sh) with wixl and msibuild (Debian's wixl and msitools):
# packaging/windows/crmhost.wxs.in with the version, the plugin .dlls and the docs filled in,
# then the two things wixl 0.101 has no element for, set in the database directly. Prints the
# .msi's path.
#   scripts/windows/package.sh [build dir, default build-windows]
set -euo pipefail
build=$(realpath "${1:-$(dirname "$0")/../../build-windows}")
cd "$(dirname "$0")/../.."

for tool in wixl msibuild; do
  command -v $tool >/dev/null || { echo "package: $tool is missing (apt-get install wixl msitools)" >&2; exit 1; }
done
# CRMHOST_MSI_VERSION: another version number (the upgrade test builds a newer package).
version=${CRMHOST_MSI_VERSION:-$(sed -n 's/^project(crmhost VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)}
[ -n "$version" ] || { echo "package: no version in CMakeLists.txt" >&2; exit 1; }

# wixl takes sources relative to where it runs: stage everything in one folder.
stage=$build/msi-stage
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/plugins" "$stage/doc"
cp "$build"/bin/crmhostd.exe "$build"/bin/crmhostctl.exe "$stage/bin/"
cp "$build"/plugins-out/*.dll "$stage/plugins/"
cp README.md docs/*.md "$stage/doc/"
cp packaging/windows/crmhost.toml "$stage/"

files() {  # files <Id prefix> <folder>: one <File> per file in it, Ids made safe for MSI
  local prefix=$1 dir=$2
  for f in "$stage/$dir"/*; do
    local name id
    name=$(basename "$f")
    id=$prefix$(echo "$name" | tr -c 'A-Za-z0-9_.\n' '_')
    echo "              <File Id=\"$id\" Name=\"$name\" Source=\"$dir/$name\"/>"
  done
}
awk -v plugins="$(files plugin_ plugins)" -v docs="$(files doc_ doc)" '
  $0 == "@PLUGIN_FILES@" { print plugins; next }
  $0 == "@DOC_FILES@" { print docs; next }
  { print }' packaging/windows/crmhost.wxs.in | sed -e "s|@VERSION@|$version|g" >"$stage/crmhost.wxs"
out=$build/crmhost-$version-x64.msi
rm -f "$out"
(cd "$stage" && wixl -a x64 -o "$out" crmhost.wxs)

# The configuration is the admin's: never overwritten by an upgrade, kept on uninstall
# (msidbComponentAttributes 64-bit 256 + Permanent 16 + NeverOverwrite 128).
msibuild "$out" -q "UPDATE \`Component\` SET \`Attributes\` = 400 WHERE \`Component\` = 'Config'"
# Restart the service after a crash (5 s, 5 s, then 30 s; the count resets after a day), as
# crmhostd --install-service does: MsiConfigureServices reads this table.
msibuild "$out" \
  -q "CREATE TABLE \`MsiServiceConfigFailureActions\` (\`MsiServiceConfigFailureActions\` CHAR(72) NOT NULL, \`Name\` CHAR(255) NOT NULL, \`Event\` SHORT NOT NULL, \`ResetPeriod\` LONG, \`RebootMessage\` CHAR(255) LOCALIZABLE, \`Command\` CHAR(255) LOCALIZABLE, \`Actions\` CHAR(255), \`DelayActions\` CHAR(255), \`Component_\` CHAR(72) NOT NULL PRIMARY KEY \`MsiServiceConfigFailureActions\`)" \
  -q "INSERT INTO \`MsiServiceConfigFailureActions\` (\`MsiServiceConfigFailureActions\`, \`Name\`, \`Event\`, \`ResetPeriod\`, \`Actions\`, \`DelayActions\`, \`Component_\`) VALUES ('Restart', 'crmhost', 1, 86400, '1[~]1[~]1', '5000[~]5000[~]30000', 'Daemon')" \
  -q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('MsiConfigureServices', 5850)"
echo "$out"
