-- POST /api/v1/cases with a new slug every request, for write capacity. Usage:
--   wrk -s create-case.lua <url> -- <api key>
-- (the X-Api-Key header must be an editor's or an admin's).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

local key
local count = 0

function init(args)
  key = args[1]
end

function request()
  count = count + 1
  local slug = string.format("bench-write-%d-%d-%d", seed or 0, count, os.time())
  local body = '{"slug":"' .. slug .. '","title":"A benchmark case","activityTypes":["economic-espionage"],'
    .. '"collectorType":"private-company-employee","sectors":["aerospace"],"outcome":"convicted"}'
  return wrk.format("POST", "/api/v1/cases", { ["Content-Type"] = "application/json", ["X-Api-Key"] = key }, body)
end
