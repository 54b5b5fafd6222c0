-- POST /api/v1/scene-uses/identity with a fresh ecard QR code per request, each request signed
-- ahead of the load by its own terminal (benchmarks/ecards.py writes one file per client:
-- token, X-Sscard-Timestamp, X-Sscard-Signature and the exact body, tab-separated).
-- Run with as many threads as connections: each connection then has its own Lua state and its
-- own file, so no two clients send one code. An answer that is not an allowed use (a code
-- refused, a 4xx/5xx) is counted and printed at the end as "refused: N".
local all_threads = {}
local next_id = 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(all_threads, thread)
end

lines, at, refused, sample = {}, 0, 0, ""

function init(args)
  local path = string.format("%s/client-%02d.tsv", os.getenv("REQ_DIR"), tid)
  for line in io.lines(path) do lines[#lines + 1] = line end
end

request = function()
  at = at % #lines + 1 -- past the last line the codes come round again: refused as used
  local token, stamp, signature, body = lines[at]:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)$")
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["X-Sscard-Timestamp"] = stamp,
    ["X-Sscard-Signature"] = signature,
  }
  return wrk.format("POST", "/api/v1/scene-uses/identity", headers, body)
end

response = function(status, headers, body)
  if status ~= 200 or not body:find('"allowed":%s*true') then
    refused = refused + 1
    if sample == "" then sample = status .. " " .. body:sub(1, 300) end
  end
end

done = function(summary, latency, requests)
  local total, first = 0, ""
  for _, thread in ipairs(all_threads) do
    total = total + thread:get("refused")
    local s = thread:get("sample")
    if first == "" and s ~= nil then first = s end
  end
  io.write(string.format("refused: %d\n", total))
  if first ~= "" then io.write("first refused: " .. first .. "\n") end
end
