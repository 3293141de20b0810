#!/usr/bin/env bash
# POST /callLog, a new call session every request: the exactly-once reservation, the Redtail
# plugin's activity create + complete (three Redtail calls) and the synced link, through crmhostd
# against the fake Redtail on loopback.
#   bench/calllog_wrk.sh [duration=10s] [connections=4] [threads=1]
duration=${1:-10s}
conns=${2:-4}
threads=${3:-1}
source "$(dirname "$0")/common.sh"
base="http://127.0.0.1:$port"
echo "== POST /callLog (a new session each request)"
CRMHOST_JWT=$jwt wrk -t"$threads" -c"$conns" -d"$duration" --latency -s bench/calllog.lua "$base/callLog"
echo "RSS after run: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status)"
echo "store: $(metric crmhost_store_durable_writes_total) durable writes in $(metric crmhost_store_log_syncs_total) log syncs"
