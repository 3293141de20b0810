#!/usr/bin/env bash
# Sets up (Debian packages), builds, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --for-tests
scripts/build.sh "$@"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --no-tests=error -j "$(nproc)"
