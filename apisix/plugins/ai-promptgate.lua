--
-- ai-promptgate: hands every chunk of a model's answer on an ai-proxy route to the
-- promptgate runner as it flows, and sends the client only what the runner says is
-- safe to release. promptgate ships this file; load it with APISIX's extra_lua_path
-- (apisix/README.md, "Streamed answers: the ai-promptgate plugin").
--
-- Why it exists: ext-plugin-post-resp buffers the whole answer before the runner sees
-- it (and does not see ai-proxy's answers at all: ai-proxy talks to the model itself).
-- APISIX 3.x calls `lua_body_filter(conf, ctx, headers, body)` of every plugin on an
-- ai-proxy / ai-proxy-multi route once per answer chunk (streamed: `ai_stream`) or
-- once with the whole answer (`ai_chat`), from a phase where cosockets work.
--
-- What it does, and nothing more: frame the chunk as a StreamChunk (frame type 16,
-- apisix/plugins/RPC.md), send it over the runner's Unix socket (kept-alive cosocket
-- connections), read the reply, and act on its verdict. It never parses SSE or JSON of
-- the answer and never looks for anything in it: all parsing and detection stay in the
-- runner (Rust). It never logs the answer's text.
--
-- Opt-in request mode (`inspect_request = true`, off by default; ext-plugin-pre-req
-- stays the first choice): in the access phase the whole request goes to the runner
-- in one RequestCall frame (type 17) and its verdict is applied (continue, stop,
-- rewrite), one round trip instead of ext-plugin's HTTPReqCall + ExtraInfo.
--
-- Return values (APISIX plugin.lua, lua_response_filter): `nil, bytes` replaces the
-- chunk with `bytes` and streaming goes on; `nil` leaves the chunk unchanged;
-- `code, bytes` prints `bytes` and ends the request (`ngx.exit`), setting the status
-- to `code` unless it is ngx.OK (headers not sent yet, e.g. a buffered answer).
--
local core     = require("apisix.core")
local bit      = require("bit")
local ngx      = ngx
local byte     = string.byte
local char     = string.char
local sub      = string.sub
local concat   = table.concat
local band     = bit.band
local rshift   = bit.rshift
local pcall    = pcall
local next     = next
local ipairs   = ipairs
local tonumber = tonumber
local require  = require
local tostring = tostring
local type     = type
local os_getenv = os.getenv
local setmetatable = setmetatable

local plugin_name = "ai-promptgate"

-- StreamChunk, version 1 (apisix/plugins/RPC.md).
local FRAME_TYPE   = 16
local RPC_ERROR    = 0        -- APISIX's Err frame: what a runner without StreamChunk answers
local VERSION      = 1
local FLAG_OPEN    = 1
local FLAG_END     = 2
local FLAG_ABORT   = 4
local MAX_PAYLOAD  = 0xFFFFFF -- the 3-byte length of the framing
local MAX_ID       = 128
local MAX_CONF     = 65536
local MAX_SHORT    = 256      -- route id, content type

local VERDICT_CONTINUE = 0
local VERDICT_STOP     = 1
local VERDICT_PASS     = 2
local VERDICT_ERROR    = 3

local VERDICT_NAMES = { [0] = "CONTINUE", "STOP", "PASS", "ERROR" }
local ERROR_REASONS = {
    [1] = "malformed", [2] = "unknown session", [3] = "too many sessions",
    [4] = "bad conf", [5] = "busy",
}

local API_BYTES = { auto = 0, openai = 1, anthropic = 2, gemini = 3 }

-- The route's promptgate conf: the same keys as the ext-plugin `promptgate` value
-- (apisix/README.md, "Protecting routes"). Checked here so a typo is refused when the
-- route is saved; the runner checks it again at OPEN (ERROR "bad conf").
local route_conf_schema = {
    type = "object",
    properties = {
        policy = { type = "string", minLength = 1 },
        mode = { type = "string", enum = { "enforce", "shadow" } },
        api = { type = "string", enum = { "auto", "openai", "anthropic", "gemini" } },
        max_body_bytes = { type = "integer", minimum = 1, maximum = 16777100 },
        fail_open = { type = "boolean" },
    },
    additionalProperties = false,
}

local schema = {
    type = "object",
    properties = {
        conf = route_conf_schema,
        -- The runner's socket, without "unix:". Default: the socket APISIX's
        -- ext-plugin uses (ext-plugin.path_for_test, else conf/apisix-<pid>.sock),
        -- else APISIX_LISTEN_ADDRESS.
        socket_path = { type = "string", minLength = 1 },
        -- Connect, send and read timeout of one exchange, in milliseconds.
        timeout = { type = "integer", minimum = 1, default = 3000 },
        keepalive_timeout = { type = "integer", minimum = 1000, default = 60000 },
        keepalive_pool = { type = "integer", minimum = 1, default = 32 },
        -- What happens when the runner cannot be reached or answers ERROR: false
        -- (default) ends the answer; true lets it through uninspected.
        fail_open = { type = "boolean", default = false },
        -- Opt-in request mode (RequestCall, frame type 17): inspect the request in
        -- the access phase in one round trip instead of ext-plugin-pre-req's two.
        -- Off by default: ext-plugin-pre-req stays the first choice.
        inspect_request = { type = "boolean", default = false },
    },
}

local _M = {
    version = 0.1,
    -- Below ai-proxy (1040) and below APISIX's AI guard plugins
    -- (ai-aliyun-content-moderation 1029, ai-lakera-guard 1028): lua_body_filter
    -- runs in priority order and each plugin gets the previous one's output, so the
    -- lowest of them sees the bytes the client will get. A guard that denies first
    -- ends the answer before this plugin runs, which is fine.
    priority = 1020,
    name = plugin_name,
    schema = schema,
}


function _M.check_schema(conf)
    return core.schema.check(schema, conf)
end


-- Framing: every integer big-endian and unsigned.

local function u16(n)
    return char(band(rshift(n, 8), 0xff), band(n, 0xff))
end


local function u24(n)
    return char(band(rshift(n, 16), 0xff), band(rshift(n, 8), 0xff), band(n, 0xff))
end


local function u32(n)
    return char(band(rshift(n, 24), 0xff), band(rshift(n, 16), 0xff),
                band(rshift(n, 8), 0xff), band(n, 0xff))
end


local function be32(s, at)
    local a, b, c, d = byte(s, at, at + 3)
    return ((a * 256 + b) * 256 + c) * 256 + d
end


-- One StreamChunk request frame (header and payload), or nil and why not.
-- `req`: flags, api (byte), id, conf (JSON text), route, ctype, chunk.
local function encode_request(req)
    local id = req.id
    if type(id) ~= "string" or #id < 1 or #id > MAX_ID or not id:find("^[\33-\126]+$") then
        return nil, "request_id missing or not 1-128 printable ASCII bytes"
    end
    local conf = req.conf or ""
    local route = req.route or ""
    local ctype = req.ctype or ""
    local chunk = req.chunk or ""
    if #conf > MAX_CONF then
        return nil, "route conf over " .. MAX_CONF .. " bytes"
    end
    if #route > MAX_SHORT then
        route = sub(route, 1, MAX_SHORT)
    end
    if #ctype > MAX_SHORT then
        ctype = sub(ctype, 1, MAX_SHORT)
    end
    local len = 4 + 2 + #id + 4 + #conf + 2 + #route + 2 + #ctype + 4 + #chunk
    if len > MAX_PAYLOAD then
        return nil, "chunk of " .. #chunk .. " bytes does not fit a frame"
    end
    return concat({
        char(FRAME_TYPE), u24(len),
        char(VERSION, req.flags, req.api or 0, 0),
        u16(#id), id,
        u32(#conf), conf,
        u16(#route), route,
        u16(#ctype), ctype,
        u32(#chunk), chunk,
    })
end


-- The reply payload as {verdict, reason, held, release}, or nil and why it is
-- malformed. Decoded with the runner's own strictness: exact length, known values.
local function decode_reply(payload)
    if #payload < 12 then
        return nil, "reply of " .. #payload .. " bytes is shorter than its fixed part"
    end
    local version, verdict, reason, reserved = byte(payload, 1, 4)
    if version ~= VERSION then
        return nil, "reply version " .. version .. " (this plugin speaks " .. VERSION .. ")"
    end
    if verdict > VERDICT_ERROR then
        return nil, "unknown verdict " .. verdict
    end
    if reserved ~= 0 then
        return nil, "reserved byte is " .. reserved
    end
    local held = be32(payload, 5)
    local release_len = be32(payload, 9)
    if #payload ~= 12 + release_len then
        return nil, "release length " .. release_len .. " does not match the "
                    .. #payload - 12 .. " bytes that follow"
    end
    return {
        verdict = verdict,
        reason = reason,
        held = held,
        release = sub(payload, 13),
    }
end


-- RequestCall, version 1 (apisix/plugins/RPC.md): the opt-in request mode.
local REQUEST_FRAME_TYPE = 17
local REQUEST_FLAG_BODY  = 1
local REPLY_FLAG_BODY    = 1
local REQUEST_CONTINUE   = 0
local REQUEST_STOP       = 1
local REQUEST_REWRITE    = 2
local REQUEST_ERROR      = 3
local OP_SET_REQUEST     = 0
local OP_REMOVE_REQUEST  = 1
local OP_SET_RESPONSE    = 2
local REQUEST_REASONS = { [1] = "malformed", [4] = "bad conf", [5] = "busy" }
-- The headers the runner's policy reads.
local REQUEST_HEADERS = {
    "content-type", "content-encoding", "content-length", "transfer-encoding",
    "x-request-id",
}


local function short(s)
    s = s or ""
    if #s > 0xFFFF then
        s = sub(s, 1, 0xFFFF)
    end
    return u16(#s) .. s
end


-- One RequestCall frame, or nil and why not. `req`: id, conf, route, consumer,
-- method, path, headers (array of {name, value}), body (nil: none).
local function encode_request_call(req)
    local conf = req.conf or ""
    if #conf > MAX_CONF then
        return nil, "route conf over " .. MAX_CONF .. " bytes"
    end
    local id = req.id or ""
    if #id > MAX_ID or not id:find("^[\33-\126]*$") then
        id = ""
    end
    local parts = {
        char(VERSION, req.body and REQUEST_FLAG_BODY or 0),
        short(id), u32(#conf), conf,
        short(sub(req.route or "", 1, MAX_SHORT)),
        short(sub(req.consumer or "", 1, MAX_SHORT)),
        short(sub(req.method or "", 1, 16)),
        short(sub(req.path or "", 1, 8192)),
        u16(#req.headers),
    }
    for _, h in ipairs(req.headers) do
        parts[#parts + 1] = short(sub(h[1], 1, 8192))
        parts[#parts + 1] = short(sub(h[2], 1, 8192))
    end
    local body = req.body or ""
    parts[#parts + 1] = u32(#body)
    parts[#parts + 1] = body
    local payload = concat(parts)
    if #payload > MAX_PAYLOAD then
        return nil, "request of " .. #body .. " bytes does not fit a frame"
    end
    return char(REQUEST_FRAME_TYPE) .. u24(#payload) .. payload
end


-- A RequestCall reply payload as {verdict, reason, status, headers, body}, or nil
-- and why it is malformed (exact length, known values).
local function decode_request_reply(payload)
    if #payload < 12 then
        return nil, "reply of " .. #payload .. " bytes is shorter than its fixed part"
    end
    local version, verdict, reason, flags = byte(payload, 1, 4)
    if version ~= VERSION then
        return nil, "reply version " .. version .. " (this plugin speaks " .. VERSION .. ")"
    end
    if verdict > REQUEST_ERROR then
        return nil, "unknown verdict " .. verdict
    end
    local status = byte(payload, 5) * 256 + byte(payload, 6)
    local count = byte(payload, 7) * 256 + byte(payload, 8)
    local at, headers = 9, {}
    for _ = 1, count do
        if at + 5 > #payload then
            return nil, "reply ends inside its headers"
        end
        local op = byte(payload, at)
        local nlen = byte(payload, at + 1) * 256 + byte(payload, at + 2)
        local name = sub(payload, at + 3, at + 2 + nlen)
        at = at + 3 + nlen
        if op > OP_SET_RESPONSE or #name ~= nlen or at + 1 > #payload then
            return nil, "malformed reply header"
        end
        local vlen = byte(payload, at) * 256 + byte(payload, at + 1)
        local value = sub(payload, at + 2, at + 1 + vlen)
        at = at + 2 + vlen
        if #value ~= vlen then
            return nil, "reply ends inside its headers"
        end
        headers[#headers + 1] = { op, name, value }
    end
    if at + 3 > #payload then
        return nil, "reply ends before its body"
    end
    local body_len = be32(payload, at)
    if #payload ~= at + 3 + body_len then
        return nil, "body length " .. body_len .. " does not match the "
                    .. #payload - at - 3 .. " bytes that follow"
    end
    local body
    if band(flags, REPLY_FLAG_BODY) ~= 0 then
        body = sub(payload, at + 4)
    end
    return { verdict = verdict, reason = reason, status = status, headers = headers,
             body = body }
end


-- Exposed for tests/lua only; not part of the plugin's contract with APISIX.
_M._codec = {
    encode_request = encode_request,
    decode_reply = decode_reply,
    encode_request_call = encode_request_call,
    decode_request_reply = decode_request_reply,
    FLAG_OPEN = FLAG_OPEN, FLAG_END = FLAG_END, FLAG_ABORT = FLAG_ABORT,
}


local default_path

-- The runner's socket as a cosocket address ("unix:/...").
local function runner_address(conf)
    if conf.socket_path then
        if conf.socket_path:find("^unix:") then
            return conf.socket_path
        end
        return "unix:" .. conf.socket_path
    end
    if not default_path then
        local ok, helper = pcall(require, "apisix.plugins.ext-plugin.helper")
        if ok and type(helper) == "table" and helper.get_path then
            local got, path = pcall(helper.get_path)
            if got and type(path) == "string" then
                default_path = path
            end
        end
        if not default_path then
            default_path = os_getenv("APISIX_LISTEN_ADDRESS")
        end
    end
    return default_path
end


-- One request/reply over a pooled connection. Returns the decoded reply, or nil,
-- the error and whether any reply byte had arrived.
local function exchange_once(conf, address, frame, want_type)
    local sock = ngx.socket.tcp()
    sock:settimeouts(conf.timeout, conf.timeout, conf.timeout)
    -- A pool of its own, sized by keepalive_pool, beside ext-plugin's on the same socket.
    local ok, err = sock:connect(address, {
        pool = plugin_name .. "#" .. address,
        pool_size = conf.keepalive_pool,
    })
    if not ok then
        return nil, "connect: " .. tostring(err), false, false
    end
    local reused = (sock:getreusedtimes() or 0) > 0

    ok, err = sock:send(frame)
    if not ok then
        sock:close()
        return nil, "send: " .. tostring(err), false, reused
    end
    local head
    head, err = sock:receive(4)
    if not head then
        sock:close()
        return nil, "read: " .. tostring(err), false, reused
    end
    local ty = byte(head, 1)
    local len = (byte(head, 2) * 256 + byte(head, 3)) * 256 + byte(head, 4)
    local payload = ""
    if len > 0 then
        payload, err = sock:receive(len)
        if not payload then
            sock:close()
            return nil, "read: " .. tostring(err), true, reused
        end
    end
    -- The reply was read whole: the connection is clean and goes back to the pool.
    sock:setkeepalive(conf.keepalive_timeout, conf.keepalive_pool)

    if ty == RPC_ERROR then
        return nil, "the runner refused the frame (Err reply: a runner without "
                    .. (want_type == REQUEST_FRAME_TYPE and "RequestCall" or "StreamChunk")
                    .. ", or a frame it could not read)", true, reused
    end
    if ty ~= (want_type or FRAME_TYPE) then
        return nil, "reply frame of type " .. ty, true, reused
    end
    local reply
    if want_type == REQUEST_FRAME_TYPE then
        reply, err = decode_request_reply(payload)
    else
        reply, err = decode_reply(payload)
    end
    if not reply then
        return nil, "malformed reply: " .. err, true, reused
    end
    return reply
end


-- An idle pooled connection may have been closed by the runner (restart) just as
-- it was reused. Nothing reached a live runner then, so one retry on a fresh
-- connection is safe; once a reply byte arrived it is not. Returns the reply, or
-- nil, the error and whether the runner could not be reached at all (as opposed to
-- answering something unusable).
local function exchange(conf, address, frame, want_type)
    local reply, err, answered, reused = exchange_once(conf, address, frame, want_type)
    if not reply and reused and not answered then
        reply, err, answered = exchange_once(conf, address, frame, want_type)
    end
    return reply, err, not reply and not answered
end


-- Route conf JSON, encoded once per conf table.
local conf_json_cache = setmetatable({}, { __mode = "k" })

local function conf_json(conf)
    local route_conf = conf.conf
    local text = conf_json_cache[conf]
    if not text and (route_conf == nil or next(route_conf) == nil) then
        -- Literal: a JSON encoder set to write empty tables as arrays would send [].
        text = "{}"
        conf_json_cache[conf] = text
    elseif not text then
        local err
        text, err = core.json.encode(route_conf)
        if not text then
            return nil, "cannot encode conf: " .. tostring(err)
        end
        conf_json_cache[conf] = text
    end
    return text
end


local function api_byte(conf)
    local api = conf.conf and conf.conf.api
    return API_BYTES[api or "auto"] or 0
end


local function header_value(headers, name, lower)
    if type(headers) ~= "table" then
        return nil
    end
    local v = headers[name] or headers[lower]
    if type(v) == "table" then
        v = v[1]
    end
    if v ~= nil then
        return tostring(v)
    end
end


local UNAVAILABLE_BODY = '{"error":{"type":"answer_inspection_unavailable",'
    .. '"message":"the answer could not be inspected"}}'

-- Ends the answer with `bytes` (the runner's closing event, possibly empty). Before
-- the headers are out, an empty ending is a 503 with a JSON reason instead of an
-- empty 200.
local function end_answer(bytes, status)
    if (bytes == nil or bytes == "") and not ngx.headers_sent then
        ngx.header["Content-Type"] = "application/json"
        return 503, UNAVAILABLE_BODY
    end
    if status and not ngx.headers_sent then
        return status, bytes or ""
    end
    return ngx.OK, bytes or ""
end


-- The runner could not be asked, or said ERROR: the plugin's fail_open decides.
-- `closing` is what the runner gave to end the stream with (ERROR's release).
local function fail(conf, ctx, st, what, closing)
    st.open = false
    if conf.fail_open then
        st.pass = true
        core.log.warn(plugin_name, ": ", what, "; fail_open: the rest of this answer ",
                      "passes uninspected (route ", tostring(ctx.var.route_id), ")")
        return
    end
    st.ended = true
    core.log.error(plugin_name, ": ", what, "; fail-closed: the answer is ended ",
                   "(route ", tostring(ctx.var.route_id), ")")
    return end_answer(closing)
end


function _M.lua_body_filter(conf, ctx, headers, body)
    local request_type = ctx.var.request_type
    if request_type ~= "ai_stream" and request_type ~= "ai_chat" then
        return
    end
    local st = ctx.ai_promptgate
    if not st then
        st = { open = false }
        ctx.ai_promptgate = st
    end
    if st.pass then
        return
    end
    if st.ended then
        -- Defensive: APISIX ends the request when a body filter returns a code.
        return ngx.OK, ""
    end

    local address = runner_address(conf)
    if not address then
        return fail(conf, ctx, st, "no runner socket (set socket_path, or run the "
                                   .. "runner as APISIX's ext-plugin)")
    end

    -- A buffered answer is one chunk that opens and ends its session. A streamed one
    -- ends with the chunk on which ai-proxy saw the API's end marker. A chunk after
    -- that (a protocol converter splits one upstream chunk into several) opens a
    -- session of its own.
    local last = request_type == "ai_chat" or ctx.var.llm_request_done and true or false
    local flags = 0
    local conf_text, route, ctype = "", "", ""
    if not st.open then
        flags = FLAG_OPEN
        local err
        conf_text, err = conf_json(conf)
        if not conf_text then
            return fail(conf, ctx, st, err)
        end
        route = tostring(ctx.var.route_id or "")
        ctype = header_value(headers, "Content-Type", "content-type") or ""
    end
    if last then
        flags = flags + FLAG_END
    end

    st.id = st.id or ctx.var.request_id
    local frame, err = encode_request({
        flags = flags,
        api = api_byte(conf),
        id = st.id,
        conf = conf_text,
        route = route,
        ctype = ctype,
        chunk = body or "",
    })
    if not frame then
        return fail(conf, ctx, st, "cannot frame the chunk: " .. err)
    end

    local reply, unreachable
    reply, err, unreachable = exchange(conf, address, frame)
    if not reply then
        if unreachable then
            return fail(conf, ctx, st, "runner unreachable at " .. address .. ": " .. err)
        end
        return fail(conf, ctx, st, "no usable answer from the runner at " .. address
                                   .. ": " .. err)
    end

    local verdict = reply.verdict
    if verdict == VERDICT_CONTINUE then
        st.open = not last
        return nil, reply.release
    end
    st.open = false
    if verdict == VERDICT_PASS then
        st.pass = true
        return nil, reply.release
    end
    if verdict == VERDICT_STOP then
        st.ended = true
        core.log.warn(plugin_name, ": the runner stopped the answer (policy block, ",
                      "route ", tostring(ctx.var.route_id), ")")
        -- A buffered answer has no headers out yet: 502, as promptgate's
        -- ext-plugin-post-resp path answers a blocked answer.
        return end_answer(reply.release, request_type == "ai_chat" and 502 or nil)
    end
    return fail(conf, ctx, st, "the runner answered ERROR ("
                .. (ERROR_REASONS[reply.reason] or ("reason " .. reply.reason)) .. ")",
                reply.release)
end


local REQUEST_UNAVAILABLE_BODY = '{"error":{"type":"request_inspection_unavailable",'
    .. '"message":"the request could not be inspected"}}'

-- Request mode: the runner could not be asked, or said ERROR.
local function request_fail(conf, ctx, what)
    if conf.fail_open then
        core.log.warn(plugin_name, ": ", what, "; fail_open: the request passes ",
                      "uninspected (route ", tostring(ctx.var.route_id), ")")
        return
    end
    core.log.error(plugin_name, ": ", what, "; fail-closed: the request is refused ",
                   "with 503 (route ", tostring(ctx.var.route_id), ")")
    core.response.set_header("Content-Type", "application/json")
    return 503, REQUEST_UNAVAILABLE_BODY
end


local function apply_headers(ctx, headers)
    for _, h in ipairs(headers) do
        local op, name, value = h[1], h[2], h[3]
        if op == OP_SET_REQUEST then
            core.request.set_header(ctx, name, value)
        elseif op == OP_REMOVE_REQUEST then
            core.request.set_header(ctx, name, nil)
        else
            core.response.set_header(name, value)
        end
    end
end


-- Opt-in request mode (`inspect_request`): the whole request to the runner in one
-- RequestCall frame, its verdict applied with ext-plugin-pre-req's semantics. A body
-- over the route's max_body_bytes (by content-length or by the bytes read) is never
-- sent: the call goes without it, with its length, and the runner refuses it as the
-- route's fail mode says.
function _M.access(conf, ctx)
    if not conf.inspect_request then
        return
    end
    local address = runner_address(conf)
    if not address then
        return request_fail(conf, ctx, "no runner socket (set socket_path, or run the "
                                       .. "runner as APISIX's ext-plugin)")
    end
    local conf_text, err = conf_json(conf)
    if not conf_text then
        return request_fail(conf, ctx, err)
    end
    local limit = conf.conf and conf.conf.max_body_bytes or MAX_PAYLOAD - 4096
    local all = core.request.headers(ctx) or {}
    local headers = {}
    for _, name in ipairs(REQUEST_HEADERS) do
        local v = header_value(all, name, name)
        if v ~= nil then
            headers[#headers + 1] = { name, v }
        end
    end
    local declared = tonumber(header_value(all, "content-length", "content-length") or "")
    local body
    if not declared or declared <= limit then
        body = core.request.get_body(nil, ctx)
        if body and #body > limit then
            -- More than the headers said: the runner sees the true length only.
            for _, h in ipairs(headers) do
                if h[1] == "content-length" then
                    h[2] = tostring(#body)
                end
            end
            if not declared then
                headers[#headers + 1] = { "content-length", tostring(#body) }
            end
            body = nil
        end
    end
    local frame
    frame, err = encode_request_call({
        id = ctx.var.request_id,
        conf = conf_text,
        route = tostring(ctx.var.route_id or ""),
        consumer = ctx.consumer_name and tostring(ctx.consumer_name) or "",
        method = core.request.get_method(),
        path = ctx.var.uri,
        headers = headers,
        body = body,
    })
    if not frame then
        return request_fail(conf, ctx, "cannot frame the request: " .. err)
    end
    local reply, unreachable
    reply, err, unreachable = exchange(conf, address, frame, REQUEST_FRAME_TYPE)
    if not reply then
        if unreachable then
            return request_fail(conf, ctx, "runner unreachable at " .. address .. ": " .. err)
        end
        return request_fail(conf, ctx, "no usable answer from the runner at " .. address
                                       .. ": " .. err)
    end
    local verdict = reply.verdict
    if verdict == REQUEST_CONTINUE then
        apply_headers(ctx, reply.headers)
        return
    end
    if verdict == REQUEST_REWRITE then
        if reply.body then
            ngx.req.set_body_data(reply.body)
        end
        apply_headers(ctx, reply.headers)
        return
    end
    if verdict == REQUEST_STOP then
        apply_headers(ctx, reply.headers)
        return reply.status, reply.body or ""
    end
    return request_fail(conf, ctx, "the runner answered ERROR ("
                        .. (REQUEST_REASONS[reply.reason] or ("reason " .. reply.reason))
                        .. ")")
end


local function send_abort(premature, conf, address, id, api)
    if premature then
        return
    end
    local frame = encode_request({ flags = FLAG_ABORT, api = api, id = id })
    if not frame then
        return
    end
    local reply, err = exchange(conf, address, frame)
    if not reply then
        core.log.info(plugin_name, ": could not tell the runner the answer was ",
                      "abandoned: ", err)
    end
end


-- The request is over. If the runner still holds a session for it (the client went
-- away, or the answer ended without the API's end marker), tell it to drop the
-- session now rather than at its idle timeout. Cosockets are not available in the
-- log phase; a zero-delay timer is.
function _M.log(conf, ctx)
    local st = ctx.ai_promptgate
    if not st or not st.open then
        return
    end
    st.open = false
    local address = runner_address(conf)
    if not address or not st.id then
        return
    end
    local ok, err = ngx.timer.at(0, send_abort, conf, address, st.id, api_byte(conf))
    if not ok then
        core.log.info(plugin_name, ": no timer to abort the session: ", err)
    end
end


return _M
