#!/usr/bin/env bash
# Bulkheads: one plugin's CRM is slow (Redtail, every answer `slow_delay_ms` late, hammered by
# `slow_connections` connections) while a second plugin's CRM (Insightly) answers at once. Prints
# Insightly's GET /contact throughput at -c4 alone and during the slow load, and the ratio
# (target >= 0.9).
#   bench/isolation.sh [duration=10s] [slow_delay_ms=5000] [slow_connections=500]
duration=${1:-10s}
export FAKE_DELAY_MS=${2:-5000}
slow_conns=${3:-500}
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# The second CRM's fake, wired before crmhostd starts (common.sh starts the daemon).
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
tmp_fake=$(mktemp)
"$build/bin/bench_fake_crm" --crm insightly > "$tmp_fake" &
insightly_pid=$!
for _ in $(seq 200); do grep -q port "$tmp_fake" 2>/dev/null && break; sleep 0.05; done
insightly_port=$(awk '/port/ {print $2}' "$tmp_fake")
export DAEMON_ARGS="--outbound-override https://api.na1.insightly.com=http://127.0.0.1:$insightly_port --outbound-timeout-ms 60000"
source "$(dirname "$0")/common.sh"
pids+=("$insightly_pid")
rm -f "$tmp_fake"

ins_jwt=$(curl -s -X POST "http://127.0.0.1:$port/apiKeyLogin" -H 'Content-Type: application/json' \
  -d '{"platform":"insightly","apiKey":"ins-api-key-0c4f9e2a71","additionalInfo":{"apiUrl":"https://api.na1.insightly.com/v3.1"}}' |
  sed -n 's/.*"jwtToken":"\([^"]*\)".*/\1/p')
[ -n "$ins_jwt" ] || { echo "insightly login failed" >&2; exit 1; }
fast="http://127.0.0.1:$port/contact?jwtToken=$ins_jwt&phoneNumber=%2B14155550642"
slow="http://127.0.0.1:$port/contact?jwtToken=$jwt&phoneNumber=%2B14155555678"
curl -s "$fast" | grep -q '"successful":true' || { echo "insightly lookup failed" >&2; exit 1; }

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
echo "== Insightly alone, -c4"
wrk -t1 -c4 -d"$duration" --latency "$fast" > "$work/alone.txt"; cat "$work/alone.txt"
echo "== Insightly -c4 while Redtail's CRM takes ${FAKE_DELAY_MS} ms under ${slow_conns} connections"
wrk -t1 -c"$slow_conns" -d"$(( ${duration%s} + 6 ))s" --timeout 30s "$slow" > "$work/slow.txt" &
slow_wrk=$!
sleep 3
wrk -t1 -c4 -d"$duration" --latency "$fast" > "$work/with.txt"; cat "$work/with.txt"
wait $slow_wrk || true
echo "== Redtail (slow) during that run"; grep -E "Requests/sec|Non-2xx|Socket" "$work/slow.txt" || true
awk -v a="$(rps "$work/alone.txt")" -v b="$(rps "$work/with.txt")" \
  'BEGIN { printf "Insightly throughput with the slow CRM / alone: %.3f\n", b / a }'
echo "RSS after: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status), threads: $(ls /proc/$daemon_pid/task | wc -l)"
