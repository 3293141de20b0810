#!/usr/bin/env bash
# What a plugin author does: install crmhost into a prefix, copy examples/plugin-template, build
# it against the installed plugin API with its own CMake project, drop the .so into a plugin
# directory, and see crmhostd load and serve it.
#   tests/out_of_tree_plugin.sh <crmhost build dir> <crmhost source dir>
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cp -r "$src/examples/plugin-template" "$work/plugin"
cmake -S "$work/plugin" -B "$work/plugin/build" -DCRMHOST_PREFIX="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/plugin/build" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
exports=$(nm -D --defined-only "$work/plugin/build/hello.so" | awk '{print $3}')
[ "$exports" = "crmh_plugin_entry" ] || { echo "hello.so exports: $exports" >&2; exit 1; }
echo "built hello.so outside the tree; it exports only crmh_plugin_entry"

mkdir "$work/plugins"
cp "$work/plugin/build/hello.so" "$work/plugins/"
"$build/bin/crmhostd" --listen 127.0.0.1:0 --ops-listen off --data-dir "$work/data" \
  --plugin-dir "$work/plugins" > "$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -q "listening on" "$work/daemon.log" && break; sleep 0.05; done
port=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$') ||
  { cat "$work/daemon.log"; exit 1; }
interfaces=$(curl -s "http://127.0.0.1:$port/implementedInterfaces?platform=hello")
echo "$interfaces" | grep -q '"findContact":true' || { echo "interfaces: $interfaces" >&2; cat "$work/daemon.log"; exit 1; }
curl -s "http://127.0.0.1:$port/crmManifest" | grep -q '"displayName":"Hello CRM"' ||
  { echo "hello missing from /crmManifest" >&2; exit 1; }
echo "crmhostd loaded the out-of-tree plugin and serves it"
