-- Requests no cache has seen: every query string is new. After `--`:
--   <path> <mode> <slot> <slots> <values>
-- mode "filters": a random combination of the directory's filters (values: the
-- Highlands' slugs, comma-separated); mode "search": a word from values
-- (comma-separated), perhaps with a sort order. Both add a random year_from/year_to
-- pair that makes the string
-- new: thread n draws only pairs whose index modulo `slots` is `slot` + n - 1, so the
-- threads of a run, and runs given other slots, never ask the same string; within a
-- thread, a string already asked is drawn again. Only filled parameters are sent,
-- each once, as the directory's own form sends them: the page cache stores them.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local FIRST_YEAR, LAST_YEAR = 1990, 2030
local SIZES = { "1-19", "20-49", "50-99", "100+" }
local STATUSES = { "active", "inactive" }
local UNIVERSITIES = { "yes", "no", "unknown" }
local SORTS = { "name", "-name", "year", "-year", "size", "-size" }

local path, mode, pairs_of_thread, values, asked

local function split(text)
  local items = {}
  for item in string.gmatch(text or "", "[^,]+") do
    items[#items + 1] = item
  end
  return items
end

local function url_encoded(text)
  return (string.gsub(text, "[^%w%-%._~]", function(char)
    return string.format("%%%02X", string.byte(char))
  end))
end

-- One of the choices, or nothing (the filter left at "any").
local function maybe(choices)
  local index = math.random(0, #choices)
  return index > 0 and choices[index] or nil
end

function init(args)
  path, mode = args[1], args[2]
  local slot, slots = tonumber(args[3]) + number - 1, tonumber(args[4])
  values = split(args[5])
  pairs_of_thread = {}
  local index = 0
  for first = FIRST_YEAR, LAST_YEAR do
    for last = first, LAST_YEAR do
      if index % slots == slot then
        pairs_of_thread[#pairs_of_thread + 1] = { first, last }
      end
      index = index + 1
    end
  end
  asked = {}
  math.randomseed(os.time() * 100 + slot)
end

local function candidate()
  local years = pairs_of_thread[math.random(#pairs_of_thread)]
  local parameters = {}
  if mode == "search" then
    parameters[#parameters + 1] = "q=" .. url_encoded(values[math.random(#values)])
    local sort = maybe(SORTS)
    if sort then
      parameters[#parameters + 1] = "sort=" .. sort
    end
  else
    for _, pair in ipairs({
      { "highland", maybe(values) },
      { "size", maybe(SIZES) },
      { "status", maybe(STATUSES) },
      { "has_universities", maybe(UNIVERSITIES) },
      { "sort", maybe(SORTS) },
    }) do
      if pair[2] then
        parameters[#parameters + 1] = pair[1] .. "=" .. url_encoded(pair[2])
      end
    end
  end
  parameters[#parameters + 1] = "year_from=" .. years[1]
  parameters[#parameters + 1] = "year_to=" .. years[2]
  return path .. "?" .. table.concat(parameters, "&")
end

function request()
  local address = candidate()
  -- Thousands of strings per thread: a run of a few seconds asks a few hundred.
  for _ = 1, 1000 do
    if not asked[address] then
      break
    end
    address = candidate()
  end
  asked[address] = true
  return wrk.format("GET", address)
end
