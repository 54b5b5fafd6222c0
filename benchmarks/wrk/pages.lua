-- GET a console page as 8 staff members, one per wrk thread (-t8 -c8), each with their own
-- session cookie (COOKIES, comma-separated): PAGE, or the counter's person page of a random id
-- from IDS_FILE (persons who presented their document at the clerks' outlet).
local ids = {}
local ids_file = os.getenv("IDS_FILE")
if ids_file then
  for line in io.lines(ids_file) do ids[#ids + 1] = line end
end
local page = os.getenv("PAGE")
local cookies = {}
for cookie in string.gmatch(os.getenv("COOKIES"), "[^,]+") do cookies[#cookies + 1] = cookie end
local started = 0

function setup(thread)
  started = started + 1
  thread:set("cookie", cookies[(started - 1) % #cookies + 1])
end

function init(args)
  wrk.headers["Cookie"] = "sscard_session=" .. cookie
  math.randomseed(os.time() + #cookie)
end

request = function()
  if #ids > 0 then
    return wrk.format("GET", "/counter/persons/" .. ids[math.random(#ids)])
  end
  return wrk.format("GET", page)
end
