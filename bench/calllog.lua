-- wrk script: POST /callLog with a new call session every request (unique per run, wrk thread
-- and process: CRMHOST_RUN_TAG), the JWT from CRMHOST_JWT; answers that are not
-- {"successful":true} are counted and printed at the end.
local threads = {}
local run = tostring(os.time()) .. (os.getenv("CRMHOST_RUN_TAG") or "")
local jwt = os.getenv("CRMHOST_JWT")
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
                                         ["Authorization"] = "Bearer " .. jwt}, body)
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
