#!/usr/bin/env bash
# Slow CRMs: GET /contact through crmhostd + the Redtail plugin while the fake Redtail answers
# every call late (each lookup is two Redtail calls, so a 300 ms CRM makes a 600 ms lookup).
# Reports requests/s and latency at 256 and 1,000 connections, and crmhostd's peak thread count
# and RSS during each run (/proc/PID/task, VmRSS).
#   bench/slow_crm.sh [duration=15s] [delay_ms=300] [connections="256 1000"]
# Targets (issue 13): >= 400 req/s at 256 (ceiling 256 / 0.6 s = 427), >= 1,500 at 1,000
# (ceiling 1,667), at most 16 threads, RSS <= 64 MB.
duration=${1:-15s}
export FAKE_DELAY_MS=${2:-300}
conn_list=${3:-256 1000}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
source "$(dirname "$0")/common.sh"
url="http://127.0.0.1:$port/contact?jwtToken=$jwt&phoneNumber=%2B14155555678"
curl -s "$url" | grep -q '"successful":true' || { echo "lookup failed" >&2; exit 1; }
secs=${duration%s}

for c in $conn_list; do
  echo "== GET /contact, CRM answers in ${FAKE_DELAY_MS} ms, ${c} connections, ${duration}"
  sample_process "$daemon_pid" "$secs" "$work/sample.$c" &
  sampler=$!
  wrk -t2 -c"$c" -d"$duration" --timeout 10s --latency "$url"
  wait $sampler
  read -r threads rss anon < "$work/sample.$c"
  echo "crmhostd during the run: peak threads ${threads}, peak RSS $((rss / 1024)) MB (anonymous $((anon / 1024)) MB)"
done
echo "RSS after runs: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status), threads: $(ls /proc/$daemon_pid/task | wc -l)"
