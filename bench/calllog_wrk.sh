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
cat > "$work/calllog.lua" <<LUA
-- Every request a new session id (unique per run and thread); answers that are not
-- {"successful":true} are counted and printed at the end.
local threads = {}
local run = tostring(os.time())
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
counter = 0
failed = 0
request = function()
  counter = counter + 1
  local session = run .. "-" .. tid .. "-" .. counter
  local body = '{"logInfo":{"sessionId":"' .. session .. '","telephonySessionId":"t-' .. session ..
    '","id":"l-' .. session .. '","direction":"Outbound","startTime":1732460000000,"duration":42,' ..
    '"result":"Call connected","from":{"phoneNumber":"+16505550100"},"to":{"phoneNumber":"+14155555678"}},' ..
    '"contactId":201,"contactName":"Redtail Contact","contactType":"contact","note":"bench"}'
  return wrk.format("POST", "/callLog", {["Content-Type"] = "application/json",
                                         ["Authorization"] = "Bearer $jwt"}, body)
end
response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"successful":true', 1, true) then
    failed = failed + 1
  end
end
done = function(summary, latency, requests)
  local f = 0
  for _, t in ipairs(threads) do f = f + t:get("failed") end
  print("calls not logged: " .. f)
end
LUA
echo "== POST /callLog (a new session each request)"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$work/calllog.lua" "$base/callLog"
echo "RSS after run: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status)"
echo "store: $(metric crmhost_store_durable_writes_total) durable writes in $(metric crmhost_store_log_syncs_total) log syncs"
