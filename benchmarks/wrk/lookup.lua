-- POST /api/v1/persons/lookup with a random generated social security number per request.
local ssns = {}
for line in io.lines(os.getenv("SSN_FILE")) do ssns[#ssns + 1] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
math.randomseed(os.time())

request = function()
  local ssn = ssns[math.random(#ssns)]
  return wrk.format(nil, "/api/v1/persons/lookup", nil,
    '{"social_security_number":"' .. ssn .. '"}')
end
