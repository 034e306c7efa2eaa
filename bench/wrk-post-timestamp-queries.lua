-- wrk script for `sigil-bench tsa`: every request POSTs a different DER TimeStampReq (its own
-- digest and nonce, certReq set, as sigstore-python sends them) to /api/v1/timestamp.
-- SIGIL_QUERIES names a file with one query per line, hex-encoded; SIGIL_THREADS is wrk's -t,
-- so each thread takes every SIGIL_THREADS-th line.
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
  for line in io.lines(os.getenv("SIGIL_QUERIES")) do
    if i % stride == (id - 1) then
      count = count + 1
      bodies[count] = line:gsub("..", function(pair) return string.char(tonumber(pair, 16)) end)
    end
    i = i + 1
  end
  position = 1
  wrk.method = "POST"
  wrk.path = "/api/v1/timestamp"
  wrk.headers["Content-Type"] = "application/timestamp-query"
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
