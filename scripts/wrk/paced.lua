-- wrk script for scripts/load: POSTs JSON at a fixed total rate (or as fast as the connections go),
-- and prints one JSON line with the figures at the end.
--
-- Environment: LOAD_KEY (API key), LOAD_PATH, LOAD_KIND = "customer" (a new customer per request,
-- unique external ids) or "preview" (the same audience preview each time), LOAD_RATE (requests per
-- second in all; 0 = unpaced), LOAD_THREADS (the -t given to wrk), LOAD_RUN (makes ids unique
-- across runs).
--
-- Pacing: each thread keeps its own schedule (one slot every threads/rate seconds) and delay()
-- waits for the next slot, so a fixed rate is offered whatever the latency, up to what the
-- connections can carry. Latency is measured from each request's send, as wrk does.

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } minicrm_timeval;
int gettimeofday(minicrm_timeval *tv, void *tz);
]]
local tv = ffi.new("minicrm_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local threads = {}

local function json_text(text)
  return (text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

local function first_failure()
  for _, thread in ipairs(threads) do
    local text = thread:get("first_error")
    if text and text ~= "" then return text end
  end
  return ""
end
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local key, path, kind, run, interval, next_at, n

function init(args)
  key = os.getenv("LOAD_KEY")
  path = os.getenv("LOAD_PATH")
  kind = os.getenv("LOAD_KIND")
  run = os.getenv("LOAD_RUN") or "0"
  local rate = tonumber(os.getenv("LOAD_RATE") or "0")
  local nthreads = tonumber(os.getenv("LOAD_THREADS") or "1")
  interval = rate > 0 and (1000 * nthreads / rate) or 0
  next_at = nil
  n = 0
end

function delay()
  if interval == 0 then return 0 end
  local now = now_ms()
  if next_at == nil then next_at = now end
  next_at = next_at + interval
  local wait = next_at - now
  if wait < 0 then
    -- Behind schedule (the connections are all busy): catch up without piling up a backlog.
    if wait < -1000 then next_at = now end
    return 0
  end
  return wait
end

local preview = '{"rules":{"combinator":"and","rules":[' ..
  '{"field":"total_spend","operator":">","value":10000},' ..
  '{"field":"order_count","operator":">=","value":3},' ..
  '{"field":"last_order_at","operator":"within_last_days","value":180}]}}'

function request()
  n = n + 1
  local body
  if kind == "customer" then
    body = string.format(
      '{"external_id":"load-%s-%d-%d","name":"Load Test %d","email":"load%s.%d.%d@example.com","city":"Pune"}',
      run, id, n, n, run, id, n)
  else
    body = preview
  end
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }, body)
end

-- The first answer that was not a success, per thread, for the report.
first_error = ""

function response(status, headers, body)
  if status >= 300 and first_error == "" then
    first_error = status .. " " .. string.sub(body or "", 1, 200)
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rate":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"non_2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"first_error":"%s"}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout, json_text(first_failure())))
end
