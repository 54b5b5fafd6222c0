-- POST /api/v1/applications, each request for a different generated person (ids are striped
-- over the threads so that no two requests apply for the same person).
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

request = function()
  local first = tonumber(os.getenv("FIRST_PERSON"))
  local stride = tonumber(os.getenv("THREADS"))
  local id = first + tid + counter * stride
  counter = counter + 1
  return wrk.format(nil, "/api/v1/applications", nil,
    '{"person_id":' .. id .. ',"bank_code":"ICBC"}')
end
