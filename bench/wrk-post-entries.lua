-- wrk script for `sigil-bench log http` and `sigil-bench ca`: every request POSTs a different body
-- (a signed entry, or a certificate request with a fresh key) to SIGIL_PATH.
-- SIGIL_ENTRIES names a file with one proposed entry (JSON) per line; SIGIL_THREADS is wrk's -t,
-- so each thread takes every SIGIL_THREADS-th line and no two requests repeat an entry.
local next_id = 1
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  bodies = {}
  count = 0
  local stride = tonumber(os.getenv("SIGIL_THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("SIGIL_ENTRIES")) do
    if i % stride == (id - 1) then
      count = count + 1
      bodies[count] = line
    end
    i = i + 1
  end
  position = 1
  wrk.method = "POST"
  wrk.path = os.getenv("SIGIL_PATH") or "/api/v1/log/entries"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = bodies[position]
  position = position + 1
  if position > count then position = 1 end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format('JSON {"requests":%d,"non2xx":%d,"p50":%d,"p90":%d,"p99":%d,"duration_us":%d}\n',
    summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), summary.duration))
end
