-- One wrk script for every phase of bench/load.py, chosen by environment
-- variables that load.py sets:
--
--   BENCH_PHASE  bare | start | save | submit
--   BENCH_DATA   per-thread input files BENCH_DATA.0, BENCH_DATA.1, ... (one
--                item a line, written by load.py; each thread reads its own,
--                so no two threads ever send the same item)
--   BENCH_ROUND  the round id (start)
--   BENCH_OUT    where done() writes what the threads saw (load.py parses it)
--
-- Input lines:
--   start:  <token>
--   save:   <token> <attempt_id> <question_id> <option_id>[,<option_id>...]
--   submit: <token> <attempt_id> <prediction>
--
-- Each thread walks its items in order and wraps around when they run out
-- (counted in `wrapped`), so the first `sent` items of each file are exactly
-- the ones that went out. Every phase, the bare one included, defines
-- response() so that wrk does the same client-side work (parse headers and
-- body) whatever it measures.

local phase = os.getenv("BENCH_PHASE") or "bare"
local data_prefix = os.getenv("BENCH_DATA")
local out_path = os.getenv("BENCH_OUT")
local round_id = os.getenv("BENCH_ROUND") or "0"

-- setup/done environment -------------------------------------------------

local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("tid", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

-- per-thread state (globals so that done() can read them with thread:get) -

tid = 0
sent = 0        -- requests built by request()
wrapped = 0     -- requests that reused an item because the file ran out
items_count = 0
statuses = {}   -- "s<status>" -> count
ids = {}        -- start: attempt ids read from 2xx bodies, in arrival order
error_bodies = {} -- the first few non-2xx bodies, for the report

local items = {}
local cursor = 0
local bare_request = nil

-- wrk (4.x, script_verify_request) calls request() once in thread 0's state
-- right after init(), before the run, only to count how many requests the
-- string holds; that request is never sent. It must not use up an item, or
-- the first item of thread 0 would count as sent and never reach the server.
local verify_pending = false

function init(args)
   verify_pending = (tid == 0)
   if phase == "bare" then
      bare_request = wrk.format("GET", nil)
      return
   end
   local path = data_prefix .. "." .. tid
   local f = assert(io.open(path, "r"))
   for line in f:lines() do
      if #line > 0 then
         items_count = items_count + 1
         items[items_count] = line
      end
   end
   f:close()
   if items_count == 0 then
      error("bench: no items in " .. path)
   end
end

local json_headers = function(token)
   return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

local function build()
   sent = sent + 1
   if phase == "bare" then
      return bare_request
   end
   if cursor >= items_count then
      wrapped = wrapped + 1
   end
   local line = items[cursor % items_count + 1]
   cursor = cursor + 1
   if phase == "start" then
      return wrk.format("POST", "/api/v1/rounds/" .. round_id .. "/attempts",
                        { ["Authorization"] = "Bearer " .. line }, "")
   elseif phase == "save" then
      local token, attempt, question, options = line:match("^(%S+) (%d+) (%d+) (%S+)$")
      return wrk.format("PUT", "/api/v1/attempts/" .. attempt .. "/answers/" .. question,
                        json_headers(token), '{"options":[' .. options .. ']}')
   elseif phase == "submit" then
      local token, attempt, prediction = line:match("^(%S+) (%d+) (%d+)$")
      return wrk.format("POST", "/api/v1/attempts/" .. attempt .. "/submit",
                        json_headers(token), '{"prediction":' .. prediction .. '}')
   end
   error("bench: unknown phase " .. phase)
end

function request()
   if verify_pending then
      verify_pending = false
      if phase == "bare" then
         return bare_request
      end
      local keep_cursor, keep_sent, keep_wrapped = cursor, sent, wrapped
      local probe = build()
      cursor, sent, wrapped = keep_cursor, keep_sent, keep_wrapped
      return probe
   end
   return build()
end

function response(status, headers, body)
   local key = "s" .. status
   statuses[key] = (statuses[key] or 0) + 1
   if status >= 200 and status < 300 then
      if phase == "start" then
         local id = body:match('^{"id":(%d+)')
         if id then
            ids[#ids + 1] = tonumber(id)
         end
      end
   elseif #error_bodies < 5 then
      error_bodies[#error_bodies + 1] = status .. " " .. string.sub(body or "", 1, 300)
   end
end

-- done: one plain-text report that load.py parses ------------------------

function done(summary, latency, requests)
   local f = assert(io.open(out_path, "w"))
   f:write("duration_us ", summary.duration, "\n")
   f:write("requests ", summary.requests, "\n")
   f:write("bytes ", summary.bytes, "\n")
   for _, name in ipairs({ "connect", "read", "write", "status", "timeout" }) do
      f:write("error_", name, " ", summary.errors[name], "\n")
   end
   for _, p in ipairs({ 50, 75, 90, 99, 99.9 }) do
      f:write("latency_p", p, " ", latency:percentile(p), "\n")
   end
   f:write("latency_mean ", latency.mean, "\n")
   f:write("latency_max ", latency.max, "\n")
   for _, thread in ipairs(threads) do
      local t = thread:get("tid")
      f:write("thread ", t, " sent ", thread:get("sent"), " wrapped ", thread:get("wrapped"),
              " items ", thread:get("items_count"), "\n")
      for key, count in pairs(thread:get("statuses")) do
         f:write("status ", t, " ", string.sub(key, 2), " ", count, "\n")
      end
      local got = thread:get("ids")
      if #got > 0 then
         f:write("ids ", t, " ", table.concat(got, ","), "\n")
      end
      for _, b in ipairs(thread:get("error_bodies")) do
         f:write("error_body ", t, " ", (b:gsub("\n", " ")), "\n")
      end
   end
   f:close()
end
