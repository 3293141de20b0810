#!/usr/bin/env bash
# Routes that answer from crmhostd's own store, without a CRM call, with the Redtail user:
# GET /user/settings (JWT, sealed user record, settings merge), GET /calldown (a per-user range
# scan) and POST /messageLog for messages already logged (the exactly-once check).
#   bench/routes_wrk.sh [duration=10s] [connections=4] [threads=1]
duration=${1:-10s}
conns=${2:-4}
threads=${3:-1}
source "$(dirname "$0")/common.sh"
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $jwt"

for i in 1 2 3 4 5; do
  curl -s -X POST "$base/calldown" -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"contactId\":20$i,\"scheduledAt\":\"2026-12-0${i}T09:00:00.000Z\"}" > /dev/null
done
message='{"logInfo":{"conversationId":"c1","conversationLogId":"c1-20261124","messages":[{"id":"m1","type":"SMS","direction":"Inbound","subject":"hi","creationTime":"2026-11-24T15:30:00.000Z"}],"correspondents":[{"phoneNumber":"+14155555678"}]},"contactId":201,"contactName":"Redtail Contact"}'
curl -s -X POST "$base/messageLog" -H "$auth" -H 'Content-Type: application/json' -d "$message" |
  grep -q '"logIds":\["m1"\]' || { echo "message log failed" >&2; exit 1; }
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$message'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $jwt"
LUA
cat > "$work/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $jwt"
LUA

echo "== GET /user/settings"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$work/get.lua" "$base/user/settings"
echo "== GET /calldown (5 entries)"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$work/get.lua" "$base/calldown"
echo "== POST /messageLog (already logged: no CRM call)"
wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$work/post.lua" "$base/messageLog"
echo "RSS after runs: $(awk '/VmRSS/ {print $2, $3}' /proc/$daemon_pid/status)"
