#!/usr/bin/env bash
# GET /contact throughput and p99 with and without continuous hot upgrades of the Redtail plugin
# (a new build dropped every 0.5 s, alternating two versions), through crmhostd against the fake
# Redtail on loopback.
#   bench/swap_wrk.sh [duration=10s] [connections=4]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conns=${2:-4}
build=${BUILD_DIR:-build}
v1="$build/plugins-out/redtail.so"
v2="$build/test-plugins/redtail-1.0.1.so"
[ -x "$build/bin/bench_fake_crm" ] && [ -f "$v2" ] || { echo "build first (scripts/build.sh)" >&2; exit 1; }

work=$(mktemp -d)
cleanup() { kill "${swapper:-}" "${fake_pid:-}" "${daemon_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/plugins" && cp "$v1" "$work/plugins/redtail.so"

"$build/bin/bench_fake_crm" > "$work/fake.out" &
fake_pid=$!
for _ in $(seq 100); do grep -q port "$work/fake.out" 2>/dev/null && break; sleep 0.05; done
fake_port=$(awk '/port/ {print $2}' "$work/fake.out")
"$build/bin/crmhostd" --listen 127.0.0.1:0 --ops-listen 127.0.0.1:0 --data-dir "$work/data" \
  --plugin-dir "$work/plugins" --plugin-setting redtail.api_key=rt-integration-key-5f1e2d3c --log-level warn \
  --outbound-override "https://smf.crm3.redtailtechnology.com/api/public/v1=http://127.0.0.1:$fake_port/api/public/v1" \
  > "$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 400); do grep -q "listening on" "$work/daemon.log" 2>/dev/null && break; sleep 0.01; done
port=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$')
jwt=$(curl -s -X POST "http://127.0.0.1:$port/apiKeyLogin" -H 'Content-Type: application/json' \
  -d '{"platform":"redtail","apiKey":"apiKey","additionalInfo":{"username":"jdoe","password":"s3cret-pass-word"}}' |
  sed -n 's/.*"jwtToken":"\([^"]*\)".*/\1/p')
url="http://127.0.0.1:$port/contact?jwtToken=$jwt&phoneNumber=%2B14155555678"

run() { wrk -t1 -c"$conns" -d"$duration" --latency "$url" > "$work/$1.txt"; }
rps() { awk '/Requests\/sec/ {print $2}' "$work/$1.txt"; }
p99() { awk '$1 == "99%" {print $2}' "$work/$1.txt"; }
errors() { grep -E "Non-2xx|Socket errors" "$work/$1.txt" || echo "none"; }

run steady
( i=0; while true; do
    src=$v1; [ $((i % 2)) -eq 0 ] && src=$v2
    cp "$src" "$work/plugins/.redtail.so.tmp" && mv "$work/plugins/.redtail.so.tmp" "$work/plugins/redtail.so"
    i=$((i + 1)); sleep 0.5
  done ) &
swapper=$!
run swapping
kill $swapper; wait $swapper 2>/dev/null || true
ops_port=$(grep -o 'ops API on http://[0-9.]*:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$')
generation=$(curl -s -H "Authorization: Bearer $(cat "$work/data/ops.token")" "http://127.0.0.1:$ops_port/plugins" |
  sed -n 's/.*"generation":\([0-9]*\).*/\1/p')

printf '%-10s %12s %10s  %s\n' "" "requests/s" "p99" "errors"
printf '%-10s %12s %10s  %s\n' steady "$(rps steady)" "$(p99 steady)" "$(errors steady)"
printf '%-10s %12s %10s  %s\n' swapping "$(rps swapping)" "$(p99 swapping)" "$(errors swapping)"
echo "swaps published during the run: $((generation - 1))"
awk -v a="$(rps steady)" -v b="$(rps swapping)" 'BEGIN { printf "throughput ratio swapping/steady: %.3f\n", b / a }'
