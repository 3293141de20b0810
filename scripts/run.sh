#!/usr/bin/env bash
# Sets up (Debian packages), builds, and starts crmhostd in the foreground on its embedded
# defaults: App Connect on 127.0.0.1:6066, data in ./crmhost-data, plugins from the build.
# Extra arguments go to crmhostd (try --help), e.g.
#   scripts/run.sh --plugin-setting redtail.api_key=@/etc/crmhost/redtail.key
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh
exec ./build/bin/crmhostd "$@"
