-- POST /api/v1/cards/{n}/formal-loss, then /unlock of the same card, then the next card.
-- Run with as many threads as connections: each connection then has its own Lua state, sends
-- one request at a time, and owns its own block of cards, so no two clients touch one card and
-- every unlock follows its loss.
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local step = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

request = function()
  local per = math.floor(tonumber(os.getenv("CARDS")) / tonumber(os.getenv("THREADS")))
  local card = tid * per + math.floor(step / 2) % per + 1
  local action = (step % 2 == 0) and "/formal-loss" or "/unlock"
  return wrk.format(nil, string.format("/api/v1/cards/A%08d", card) .. action)
end

-- The step moves on an answer, not on request(): wrk also calls request() once on its own to
-- build a first request it never sends.
response = function(status, headers, body)
  step = step + 1
end
