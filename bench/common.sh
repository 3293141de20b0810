# Sourced by the wrk benchmarks: starts a fake CRM (bench_fake_crm) and crmhostd with the Redtail
# plugin, logs in, and leaves $port, $jwt, $daemon_pid and $work set (cleaned up on exit).
#   FAKE_DELAY_MS=N   the fake Redtail answers N ms late (default 0)
#   DAEMON_ARGS="..." extra crmhostd flags
#   DAEMON_WRAPPER="..." a command crmhostd runs under (heaptrack, valgrind --tool=massif);
#                     $daemon_pid is then the wrapper's
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
[ -x "$build/bin/bench_fake_crm" ] || { echo "build first (scripts/build.sh)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" "${daemon_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# start_fake NAME ARGS...: starts bench_fake_crm, sets ${NAME}_port.
start_fake() {
  local name=$1; shift
  "$build/bin/bench_fake_crm" "$@" > "$work/$name.out" &
  pids+=($!)
  for _ in $(seq 200); do grep -q port "$work/$name.out" 2>/dev/null && break; sleep 0.05; done
  printf -v "${name}_port" '%s' "$(awk '/port/ {print $2}' "$work/$name.out")"
}
start_fake redtail --crm redtail --delay-ms "${FAKE_DELAY_MS:-0}"

start_ns=$(date +%s%N)
# shellcheck disable=SC2086  # DAEMON_ARGS and DAEMON_WRAPPER are lists of words
${DAEMON_WRAPPER:-} "$build/bin/crmhostd" --listen 127.0.0.1:0 --ops-listen 127.0.0.1:0 --data-dir "$work/data" \
  --plugin-dir "$build/plugins-out" \
  --plugin-setting redtail.api_key=rt-integration-key-5f1e2d3c --log-level warn \
  --outbound-override "https://smf.crm3.redtailtechnology.com/api/public/v1=http://127.0.0.1:$redtail_port/api/public/v1" \
  ${DAEMON_ARGS:-} > "$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 2000); do grep -q "listening on" "$work/daemon.log" 2>/dev/null && break; sleep 0.005; done
ready_ns=$(date +%s%N)
port=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$')
ops_port=$(grep -o 'ops API on http://[0-9.]*:[0-9]*' "$work/daemon.log" | grep -o '[0-9]*$')
# metric NAME: one unlabelled value from crmhostd's /metrics.
metric() { curl -s "http://127.0.0.1:$ops_port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
echo "crmhostd ready in $(( (ready_ns - start_ns) / 1000000 )) ms (spawn to listening)"
sleep 0.5
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status), threads: $(ls /proc/$daemon_pid/task | wc -l)"

jwt=$(curl -s -X POST "http://127.0.0.1:$port/apiKeyLogin" -H 'Content-Type: application/json' \
  -d '{"platform":"redtail","apiKey":"apiKey","additionalInfo":{"username":"jdoe","password":"s3cret-pass-word"}}' |
  sed -n 's/.*"jwtToken":"\([^"]*\)".*/\1/p')
[ -n "$jwt" ] || { echo "login failed" >&2; cat "$work/daemon.log" >&2; exit 1; }

# sample_process PID SECONDS OUTFILE: every 0.2 s, the thread count, RSS and its anonymous part
# (kB); writes the maxima. RSS also counts the shared libraries' file pages mapped (RssFile: how
# many depends on the kernel's fault-around and page-cache folio sizes); RssAnon is what the
# process itself allocated.
sample_process() {
  local pid=$1 secs=$2 out=$3 max_threads=0 max_rss=0 max_anon=0 t r a
  local end=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -lt "$end" ] && [ -d "/proc/$pid" ]; do
    t=$(ls "/proc/$pid/task" | wc -l)
    r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    a=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
    [ "$t" -gt "$max_threads" ] && max_threads=$t
    [ "$r" -gt "$max_rss" ] && max_rss=$r
    [ "$a" -gt "$max_anon" ] && max_anon=$a
    sleep 0.2
  done
  echo "$max_threads $max_rss $max_anon" > "$out"
}
