-- The few parts of OpenResty and APISIX that apisix/plugins/ai-promptgate.lua uses,
-- for running it under plain LuaJIT (Debian's luajit, lua-cjson, lua-socket).
--
-- Real where it matters: ngx.socket.tcp is a real Unix-socket client (lua-socket's
-- socket.unix) with a keepalive pool per path, so frames really cross a socket to a
-- real peer. Minimal elsewhere: core.log records messages, core.json is cjson,
-- core.schema.check covers the JSON-schema keywords the plugin's schema uses and fills
-- defaults as APISIX's validator does. Not emulated: nginx's event loop (everything
-- blocks), the pool's idle timeout, ngx.flush.

local cjson = require("cjson.safe")
local unix = require("socket.unix")
local lsocket = require("socket")

local M = {
    logs = {},          -- every core.log call: {level = ..., msg = ...}
    timers = {},        -- ngx.timer.at callbacks not yet run
    stats = { connects = 0, reuses = 0 },
    helper_path = nil,  -- what apisix.plugins.ext-plugin.helper.get_path() returns
    -- The request the access phase sees (M.new_request's `request` option) and
    -- what the plugin did to it: body replaced, request and response headers set.
    req = {},
}

local pool = {}         -- pool name (default: the address) -> idle raw sockets

-- ngx.socket.tcp: the cosocket API subset the plugin calls.
local Tcp = {}
Tcp.__index = Tcp

function Tcp:settimeouts(connect_ms, send_ms, read_ms)
    self.timeout = math.max(connect_ms, send_ms, read_ms) / 1000
end

function Tcp:connect(address, opts)
    local path = address:match("^unix:(.+)$")
    if not path then
        return nil, "the stub only connects to unix: addresses"
    end
    self.pool = opts and opts.pool or address
    M.stats.pool = self.pool
    local idle = pool[self.pool]
    if idle and #idle > 0 then
        self.raw = table.remove(idle)
        self.reused = true
        M.stats.reuses = M.stats.reuses + 1
        self.raw:settimeout(self.timeout)
        return 1
    end
    local raw = unix.stream()
    raw:settimeout(self.timeout)
    local ok, err = raw:connect(path)
    if not ok then
        raw:close()
        return nil, err
    end
    self.raw = raw
    self.reused = false
    M.stats.connects = M.stats.connects + 1
    return 1
end

function Tcp:getreusedtimes()
    return self.reused and 1 or 0
end

function Tcp:send(data)
    local sent, err = self.raw:send(data)
    if not sent then
        return nil, err
    end
    return #data
end

function Tcp:receive(n)
    local data, err = self.raw:receive(n)
    if not data then
        return nil, err
    end
    return data
end

function Tcp:setkeepalive()
    pool[self.pool] = pool[self.pool] or {}
    table.insert(pool[self.pool], self.raw)
    self.raw = nil
    return 1
end

function Tcp:close()
    if self.raw then
        self.raw:close()
        self.raw = nil
    end
    return 1
end

--- Closes every pooled connection (a worker exiting).
function M.close_pool()
    for name, idle in pairs(pool) do
        for _, raw in ipairs(idle) do
            raw:close()
        end
        pool[name] = nil
    end
end

-- A minimal JSON-schema check: type, properties, additionalProperties = false, enum,
-- minimum, maximum, minLength and default (filled in, as APISIX does).
local function check(schema, value, path)
    local t = schema.type
    if t then
        local ok
        if t == "object" then
            ok = type(value) == "table"
        elseif t == "integer" then
            ok = type(value) == "number" and value % 1 == 0
        elseif t == "number" then
            ok = type(value) == "number"
        else
            ok = type(value) == t
        end
        if not ok then
            return false, path .. ": expected " .. t
        end
    end
    if schema.enum then
        local found = false
        for _, v in ipairs(schema.enum) do
            if v == value then
                found = true
            end
        end
        if not found then
            return false, path .. ": not one of the allowed values"
        end
    end
    if schema.minimum and value < schema.minimum then
        return false, path .. ": below " .. schema.minimum
    end
    if schema.maximum and value > schema.maximum then
        return false, path .. ": above " .. schema.maximum
    end
    if schema.minLength and #value < schema.minLength then
        return false, path .. ": shorter than " .. schema.minLength
    end
    if t == "object" then
        local props = schema.properties or {}
        for k, v in pairs(value) do
            if props[k] == nil and schema.additionalProperties == false then
                return false, path .. ": unknown property " .. tostring(k)
            end
        end
        for k, sub in pairs(props) do
            if value[k] == nil and sub.default ~= nil then
                value[k] = sub.default
            end
            if value[k] ~= nil then
                local ok, err = check(sub, value[k], path .. "." .. k)
                if not ok then
                    return false, err
                end
            end
        end
    end
    return true
end

local function logger(level)
    return function(...)
        local parts = {}
        for i = 1, select("#", ...) do
            parts[#parts + 1] = tostring((select(i, ...)))
        end
        table.insert(M.logs, { level = level, msg = table.concat(parts) })
    end
end

--- Installs the stubs: the global `ngx` and the `apisix.*` modules the plugin
--- requires. Call once, before requiring the plugin.
function M.install()
    _G.ngx = {
        OK = 0,
        ERROR = -1,
        status = 200,
        headers_sent = false,
        header = {},
        config = { subsystem = "http" },
        socket = {
            tcp = function()
                return setmetatable({ timeout = 60 }, Tcp)
            end,
        },
        timer = {
            at = function(delay, fn, ...)
                table.insert(M.timers, { fn = fn, args = { ... }, n = select("#", ...) })
                return true
            end,
        },
        sleep = lsocket.sleep,
        req = {
            set_body_data = function(body)
                M.req.new_body = body
            end,
        },
    }
    package.loaded["apisix.core"] = {
        log = {
            error = logger("error"),
            warn = logger("warn"),
            info = logger("info"),
            debug = logger("debug"),
        },
        json = {
            encode = cjson.encode,
            decode = cjson.decode,
        },
        schema = {
            check = function(schema, conf)
                return check(schema, conf, "conf")
            end,
        },
        request = {
            headers = function()
                return M.req.headers or {}
            end,
            get_body = function()
                M.req.body_reads = (M.req.body_reads or 0) + 1
                return M.req.body
            end,
            get_method = function()
                return M.req.method or "POST"
            end,
            set_header = function(_, name, value)
                if value == nil then
                    M.req.set_headers[name] = false -- removed
                else
                    M.req.set_headers[name] = value
                end
            end,
        },
        response = {
            set_header = function(name, value)
                M.req.resp_headers[name] = value
            end,
        },
    }
    package.loaded["apisix.plugins.ext-plugin.helper"] = {
        get_path = function()
            return M.helper_path
        end,
    }
end

--- Runs the queued timers (as nginx would, right after the log phase).
function M.run_timers()
    local timers = M.timers
    M.timers = {}
    for _, t in ipairs(timers) do
        t.fn(false, unpack(t.args, 1, t.n))
    end
end

--- A fresh request: response state reset, a new ctx. `request` (optional): the
--- access phase's {headers, body, method}.
function M.new_request(vars, request)
    M.req = request or {}
    M.req.set_headers, M.req.resp_headers = {}, {}
    ngx.status = 200
    ngx.headers_sent = false
    ngx.header = {}
    local var = { request_id = "req-" .. tostring(math.random(1, 1e9)), route_id = "r1" }
    for k, v in pairs(vars or {}) do
        var[k] = v
    end
    return { var = var }
end

--- Plays ai-proxy and APISIX's plugin.lua lua_response_filter for one answer: every
--- chunk goes through the plugin's lua_body_filter; `done_at` (default: the last
--- chunk) is where ai-proxy saw the API's end marker and set llm_request_done. A
--- returned code ends the request as ngx.exit does. Then the log phase and its
--- timers. Returns {body, status, exited, filtered (chunks given to the filter),
--- first_out (the first chunk whose filter let bytes out, nil if none did before
--- a returned code)}.
function M.respond(plugin, conf, ctx, chunks, opts)
    opts = opts or {}
    local headers = opts.headers or { ["Content-Type"] = "text/event-stream" }
    local done_at = opts.done_at or #chunks
    local out, exited, filtered, first_out = {}, false, 0, nil
    for i, chunk in ipairs(chunks) do
        if ctx.var.request_type == "ai_stream" and i >= done_at and not opts.no_done then
            ctx.var.llm_request_done = true
        end
        filtered = filtered + 1
        local code, new_body = plugin.lua_body_filter(conf, ctx, headers, chunk)
        if code then
            if code ~= ngx.OK then
                ngx.status = code
            end
            table.insert(out, new_body or "")
            ngx.headers_sent = true
            exited = true
            break
        end
        table.insert(out, new_body or chunk)
        if not first_out and #out[#out] > 0 then
            first_out = i
        end
        ngx.headers_sent = true
    end
    if plugin.log then
        plugin.log(conf, ctx)
    end
    M.run_timers()
    return {
        body = table.concat(out), status = ngx.status, exited = exited,
        filtered = filtered, first_out = first_out,
    }
end

--- Log messages at or above `level` ("warn" = warn and error), joined by newlines.
function M.log_text()
    local parts = {}
    for _, l in ipairs(M.logs) do
        parts[#parts + 1] = l.level .. ": " .. l.msg
    end
    return table.concat(parts, "\n")
end

return M
