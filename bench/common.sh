# Sourced by the wrk benchmarks: starts the fake Redtail and crmhostd with the Redtail plugin,
# logs in, and leaves $port, $jwt, $daemon_pid and $work set (cleaned up on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
[ -x "$build/bin/fake_redtail_server" ] || { echo "build first (scripts/build.sh)" >&2; exit 1; }

work=$(mktemp -d)
cleanup() { kill "${fake_pid:-}" "${daemon_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$build/bin/fake_redtail_server" > "$work/fake.out" &
fake_pid=$!
for _ in $(seq 100); do grep -q port "$work/fake.out" 2>/dev/null && break; sleep 0.05; done
fake_port=$(awk '/port/ {print $2}' "$work/fake.out")

start_ns=$(date +%s%N)
"$build/bin/crmhostd" --listen 127.0.0.1:0 --data-dir "$work/data" --plugin-dir "$build/plugins-out" \
  --plugin-setting redtail.api_key=rt-integration-key-5f1e2d3c --log-level warn \
  --outbound-override "https://smf.crm3.redtailtechnology.com/api/public/v1=http://127.0.0.1:$fake_port/api/public/v1" \
  > "$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 400); do grep -q "listening on" "$work/daemon.log" 2>/dev/null && break; sleep 0.005; done
ready_ns=$(date +%s%N)
port=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$')
echo "crmhostd ready in $(( (ready_ns - start_ns) / 1000000 )) ms (spawn to listening)"
sleep 0.5
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status)"

jwt=$(curl -s -X POST "http://127.0.0.1:$port/apiKeyLogin" -H 'Content-Type: application/json' \
  -d '{"platform":"redtail","apiKey":"apiKey","additionalInfo":{"username":"jdoe","password":"s3cret-pass-word"}}' |
  sed -n 's/.*"jwtToken":"\([^"]*\)".*/\1/p')
[ -n "$jwt" ] || { echo "login failed" >&2; cat "$work/daemon.log" >&2; exit 1; }
