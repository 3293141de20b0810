#!/usr/bin/env bash
# GET /contact throughput and latency through crmhostd + the Redtail plugin against the fake
# Redtail on loopback (every lookup is two Redtail calls: contact search and categories).
#   bench/contact_wrk.sh [duration=10s] [connections=4] [threads=1]
# Prints wrk's summary, crmhostd's start time and its RSS idle and after the run.
duration=${1:-10s}
conns=${2:-4}
threads=${3:-1}
source "$(dirname "$0")/common.sh"
url="http://127.0.0.1:$port/contact?jwtToken=$jwt&phoneNumber=%2B14155555678"
curl -s "$url" | grep -q '"successful":true' || { echo "lookup failed" >&2; exit 1; }

wrk -t"$threads" -c"$conns" -d"$duration" --latency "$url"
echo "RSS after run: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status)"
