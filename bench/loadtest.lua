-- Rotates each connection over the paths given after `--`; prints one JSON line after
-- the run: rate, latency percentiles (ms), errors by kind. Status errors are answers
-- other than 2xx/3xx; the others are socket errors.
local paths = {}
local next_path = 1

function init(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
  -- Each thread starts elsewhere in the list, so all paths are asked from the start.
  next_path = math.random(#paths)
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "rps": %.1f, "p50": %.2f, "p90": %.2f, "p99": %.2f,'
      .. ' "max": %.2f, "bytes": %d, "status": %d, "connect": %d, "read": %d,'
      .. ' "write": %d, "timeout": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.bytes,
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end
