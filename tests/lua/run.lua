-- Tests of apisix/plugins/ai-promptgate.lua under plain LuaJIT, with the stubs of
-- tests/lua/stub.lua (needs Debian's luajit, lua-cjson and lua-socket):
--
--   luajit tests/lua/run.lua              unit tests: framing, schema, and every
--                                         verdict against a scripted fake peer
--                                         (tests/lua/fake_peer.lua) over a real
--                                         Unix socket; runner down, open and closed
--   luajit tests/lua/run.lua <socket>     integration tests against a real
--                                         `promptgate serve` listening on <socket>
--                                         (tests/e2e/lua_plugin.rs starts it)
--
-- Prints one "ok"/"not ok" line per test and exits 1 if any failed (or none ran).
-- Run from anywhere: paths are taken from this file's location.

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local root = here .. "/../.."
package.path = here .. "/?.lua;" .. root .. "/?.lua;" .. package.path

local stub = require("stub")
stub.install()
math.randomseed(os.time())

local T = { root = root, here = here, stub = stub }
local tests = {}

--- Registers a test.
function T.test(name, fn)
    tests[#tests + 1] = { name = name, fn = fn }
end

local function show(v)
    if type(v) == "string" then
        return string.format("%q", #v > 400 and v:sub(1, 400) .. "..." or v)
    end
    return tostring(v)
end

--- Fails unless a == b.
function T.eq(a, b, what)
    if a ~= b then
        error((what or "values differ") .. ": got " .. show(a) .. ", want " .. show(b), 2)
    end
end

--- Fails unless cond.
function T.ok(cond, what)
    if not cond then
        error(what or "assertion failed", 2)
    end
end

--- Fails unless s contains needle (plain).
function T.has(s, needle, what)
    if type(s) ~= "string" or not s:find(needle, 1, true) then
        error((what or "missing text") .. ": " .. show(needle) .. " not in " .. show(s), 2)
    end
end

--- Fails if s contains needle (plain).
function T.hasnt(s, needle, what)
    if type(s) == "string" and s:find(needle, 1, true) then
        error((what or "unwanted text") .. ": " .. show(needle) .. " in " .. show(s), 2)
    end
end

--- A fresh copy of the plugin module (module state such as the default socket
--- path is per test).
function T.plugin()
    package.loaded["apisix.plugins.ai-promptgate"] = nil
    return require("apisix.plugins.ai-promptgate")
end

--- A plugin conf as APISIX would hand it over: checked, defaults filled. The
--- timeout is 20 s unless given, so a loaded test machine does not fail a test
--- (nothing here waits on it when things work).
function T.conf(plugin, conf)
    if conf.timeout == nil then
        conf.timeout = 20000
    end
    local ok, err = plugin.check_schema(conf)
    T.ok(ok, "conf accepted: " .. tostring(err))
    return conf
end

--- An SSE stream cut into pieces of `size` bytes (the last may be shorter).
function T.cut(text, size)
    local pieces = {}
    for i = 1, #text, size do
        pieces[#pieces + 1] = text:sub(i, i + size - 1)
    end
    return pieces
end

local socket_path = arg[1]
if socket_path then
    T.socket = socket_path
    require("integration")(T)
else
    require("unit")(T)
end
require("request_mode")(T)

local failed = 0
for _, t in ipairs(tests) do
    stub.logs = {}
    local ok, err = xpcall(t.fn, debug.traceback)
    stub.close_pool()
    if ok then
        print("ok - " .. t.name)
    else
        failed = failed + 1
        print("not ok - " .. t.name .. "\n" .. tostring(err))
        local logs = stub.log_text()
        if logs ~= "" then
            print("  plugin log:\n" .. logs)
        end
    end
end
print(string.format("%d tests, %d failed", #tests, failed))
if failed > 0 or #tests == 0 then
    os.exit(1)
end
