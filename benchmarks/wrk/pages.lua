-- GET a console page with a signed-in staff member's session cookie (COOKIE): PAGE, or the
-- counter's person page of a random id from IDS_FILE (persons who presented their document).
local ids = {}
local ids_file = os.getenv("IDS_FILE")
if ids_file then
  for line in io.lines(ids_file) do ids[#ids + 1] = line end
end
local page = os.getenv("PAGE")
wrk.headers["Cookie"] = "sscard_session=" .. os.getenv("COOKIE")
math.randomseed(os.time())

request = function()
  if #ids > 0 then
    return wrk.format("GET", "/counter/persons/" .. ids[math.random(#ids)])
  end
  return wrk.format("GET", page)
end
