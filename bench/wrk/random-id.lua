-- GET {prefix}{id}{suffix} with ids drawn at random from a file (one a line), so lookups spread over the whole table
-- instead of hitting one cached row. Usage: wrk -s random-id.lua <url> -- <ids file> <path prefix> [<query suffix>]
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

local ids = {}
local prefix
local suffix

function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  prefix = args[2]
  suffix = args[3] or ""
  math.randomseed(7919 * (seed or 1))
end

function request()
  return wrk.format(nil, prefix .. ids[math.random(#ids)] .. suffix)
end
