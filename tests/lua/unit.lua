-- Unit tests of ai-promptgate.lua: framing, schema, and what the plugin does with
-- each verdict, against tests/lua/fake_peer.lua over a real Unix socket.

return function(T)
    local test, eq, ok, has, hasnt = T.test, T.eq, T.ok, T.has, T.hasnt
    local stub = T.stub

    local function hex(s)
        return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
    end

    local function unhex(h)
        return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
    end

    local function tmp_path(suffix)
        local p = os.tmpname()
        os.remove(p)
        return p .. suffix
    end

    -- Starts the fake peer with `script` (lines, see fake_peer.lua); returns its
    -- socket path and a function that waits for it to finish and returns the frames
    -- it saw and its last status line.
    local function peer(script)
        local sock = tmp_path(".sock")
        local file = tmp_path(".script")
        local f = assert(io.open(file, "w"))
        f:write(table.concat(script, "\n"), "\n")
        f:close()
        local proc = assert(io.popen("luajit " .. T.here .. "/fake_peer.lua " .. sock
                                     .. " " .. file .. " 2>&1", "r"))
        eq(proc:read("*l"), "ready", "fake peer started")
        return sock, function()
            stub.close_pool()
            local frames, status = {}, nil
            for line in proc:lines() do
                if line:find("^request ") then
                    frames[#frames + 1] = {
                        conn = tonumber(line:match("conn=(%d+)")),
                        type = 17,
                        payload = unhex(line:match("payload=(%x*)")),
                    }
                elseif line:find("^frame ") then
                    local fr = {}
                    for k, v in line:gmatch("(%w+)=(%S*)") do
                        fr[k] = v
                    end
                    for _, k in ipairs({ "conf", "route", "ctype", "chunk" }) do
                        fr[k] = unhex(fr[k])
                    end
                    for _, k in ipairs({ "conn", "v", "flags", "api", "type" }) do
                        fr[k] = tonumber(fr[k])
                    end
                    frames[#frames + 1] = fr
                else
                    status = line
                end
            end
            proc:close()
            os.remove(file)
            os.remove(sock)
            return frames, status
        end
    end

    -- For tests/lua/request_mode.lua.
    T.peer = peer

    local function reply(verdict, reason, release)
        return string.format("reply %d %d %s", verdict, reason, hex(release or ""))
    end

    local CONTINUE, STOP, PASS, ERROR = 0, 1, 2, 3
    local OPEN, END, ABORT = 1, 2, 4

    local function stream_ctx()
        return stub.new_request({ request_type = "ai_stream", request_id = "req-0042" })
    end

    -- Framing -----------------------------------------------------------------

    test("an OPEN frame is laid out byte for byte as RPC.md says", function()
        local codec = T.plugin()._codec
        local frame = assert(codec.encode_request({
            flags = OPEN, api = 1, id = "r1", conf = "{}", route = "7",
            ctype = "text/event-stream", chunk = "ab",
        }))
        -- type 16, length 42; v1 OPEN openai 0; id; conf; route; ctype; chunk
        eq(hex(frame), "10" .. "00002a" .. "01010100" .. "0002" .. hex("r1")
            .. "00000002" .. hex("{}") .. "0001" .. hex("7")
            .. "0011" .. hex("text/event-stream") .. "00000002" .. hex("ab"))
    end)

    test("a later chunk carries no conf, route or content type", function()
        local codec = T.plugin()._codec
        local frame = assert(codec.encode_request({ flags = END, api = 2, id = "x", chunk = "" }))
        eq(hex(frame), "10" .. "000013" .. "01020200" .. "0001" .. hex("x")
            .. "00000000" .. "0000" .. "0000" .. "00000000")
    end)

    test("request ids that RPC.md does not allow are refused, long routes cut", function()
        local codec = T.plugin()._codec
        for _, id in ipairs({ "", "has space", "tab\t", string.rep("a", 129), false }) do
            local frame, err = codec.encode_request({ flags = OPEN, id = id or nil })
            eq(frame, nil, "id " .. tostring(id))
            has(err, "request_id")
        end
        ok(codec.encode_request({ flags = 0, id = string.rep("a", 128) }), "128 bytes is fine")
        local frame, err = codec.encode_request({ flags = OPEN, id = "r", conf = string.rep("x", 65537) })
        eq(frame, nil)
        has(err, "conf over 65536")
        frame = assert(codec.encode_request({ flags = OPEN, id = "r", route = string.rep("r", 300) }))
        eq(#frame, 4 + 4 + 3 + 4 + 2 + 256 + 2 + 4, "route cut to 256 bytes")
    end)

    test("replies are decoded exactly, and every malformed one is refused", function()
        local codec = T.plugin()._codec
        local r = assert(codec.decode_reply(unhex("01010000" .. "00000007" .. "00000003") .. "abc"))
        eq(r.verdict, 1)
        eq(r.held, 7)
        eq(r.release, "abc")
        local big = assert(codec.decode_reply(unhex("01000000" .. "ffffffff" .. "00000000")))
        eq(big.held, 4294967295, "u32 without sign trouble")
        local bad = {
            ["short"] = unhex("0100000000000000000000"),
            ["version"] = unhex("02000000" .. "00000000" .. "00000000"),
            ["verdict"] = unhex("01040000" .. "00000000" .. "00000000"),
            ["reserved"] = unhex("01000001" .. "00000000" .. "00000000"),
            ["trailing"] = unhex("01000000" .. "00000000" .. "00000000") .. "x",
            ["truncated"] = unhex("01000000" .. "00000000" .. "00000005") .. "abc",
        }
        for what, payload in pairs(bad) do
            local reply, err = codec.decode_reply(payload)
            eq(reply, nil, what)
            ok(type(err) == "string" and #err > 0, what .. " has a reason")
        end
    end)

    -- Schema ------------------------------------------------------------------

    test("the schema fills defaults and refuses typos in the promptgate conf", function()
        local plugin = T.plugin()
        local conf = { conf = { policy = "answers", api = "openai" } }
        ok(plugin.check_schema(conf))
        eq(conf.fail_open, false)
        eq(conf.timeout, 3000)
        eq(conf.keepalive_timeout, 60000)
        eq(conf.keepalive_pool, 32)
        ok(plugin.check_schema({}), "everything is optional")
        for _, bad in ipairs({
            { conf = { polcy = "answers" } },
            { conf = { mode = "block" } },
            { conf = { api = "cohere" } },
            { conf = { max_body_bytes = 0 } },
            { conf = "answers" },
            { socket_path = "" },
            { timeout = 0 },
            { fail_open = "yes" },
        }) do
            local good, err = plugin.check_schema(bad)
            eq(good, false, "refused")
            ok(err, "with a reason")
        end
        eq(plugin.name, "ai-promptgate")
        ok(plugin.priority < 1028 and plugin.priority > 0, "after ai-proxy and the AI guards")
        ok(plugin.version)
    end)

    -- Verdicts against the fake peer ------------------------------------------

    test("CONTINUE: releases replace the chunks; OPEN, then plain, then END, on one connection", function()
        local sock, finish = peer({
            reply(CONTINUE, 0, "A"), reply(CONTINUE, 0, ""), reply(CONTINUE, 0, "BC"),
        })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock, conf = { policy = "answers", api = "openai" } })
        local ctx = stream_ctx()
        local res = stub.respond(plugin, conf, ctx, { "data: one\n", "\ndata: tw", "o\n\n" })
        local frames, status = finish()
        eq(status, "done")
        eq(res.body, "ABC")
        eq(res.exited, false)
        eq(#frames, 3)
        eq(frames[1].flags, OPEN)
        eq(frames[2].flags, 0)
        eq(frames[3].flags, END)
        for i, fr in ipairs(frames) do
            eq(fr.type, 16, "frame type")
            eq(fr.v, 1, "version")
            eq(fr.api, 1, "openai")
            eq(fr.id, "req-0042", "the request id on every chunk")
            eq(fr.conn, 1, "kept alive: one connection")
            eq(fr.exact, "true", "no trailing bytes")
        end
        local conf_sent = require("cjson").decode(frames[1].conf)
        eq(conf_sent.policy, "answers")
        eq(conf_sent.api, "openai")
        eq(frames[1].route, "r1")
        eq(frames[1].ctype, "text/event-stream")
        eq(frames[2].conf .. frames[2].route .. frames[2].ctype, "", "OPEN only")
        eq(frames[1].chunk .. frames[2].chunk .. frames[3].chunk, "data: one\n\ndata: two\n\n")
        eq(stub.stats.pool, "ai-promptgate#unix:" .. sock, "a pool apart from ext-plugin's")
    end)

    test("STOP: the release ends the stream and later chunks are never sent", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "safe "), reply(STOP, 1, "ERROR-EVENT") })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2", "c3", "c4" })
        local frames, status = finish()
        eq(status, "done")
        eq(res.body, "safe ERROR-EVENT")
        eq(res.exited, true)
        eq(res.filtered, 2)
        eq(res.status, 200, "headers were out: status unchanged")
        eq(#frames, 2, "no ABORT either: STOP closed the session")
        has(stub.log_text(), "stopped the answer")
    end)

    test("PASS: the release goes out and the rest passes without asking the runner", function()
        local sock, finish = peer({ reply(PASS, 0, "c1") })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2", "c3" })
        local frames = finish()
        eq(#frames, 1)
        eq(frames[1].conf, "{}", "no conf: an empty JSON object")
        eq(res.body, "c1c2c3")
        eq(res.exited, false)
    end)

    test("ERROR, fail-closed: the runner's closing bytes end the stream", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "c1"), reply(ERROR, 2, "CLOSING") })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "SECRET-TEXT", "c3" })
        finish()
        eq(res.body, "c1CLOSING")
        eq(res.exited, true)
        local logs = stub.log_text()
        has(logs, "unknown session")
        has(logs, "fail-closed")
        hasnt(logs, "SECRET-TEXT", "chunk text never logged")
    end)

    test("ERROR, fail-open: the chunk passes unchanged and the runner is not asked again", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "c1"), reply(ERROR, 5, "IGNORED") })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock, fail_open = true })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2", "c3" })
        local frames = finish()
        eq(#frames, 2)
        eq(res.body, "c1c2c3")
        eq(res.exited, false)
        has(stub.log_text(), "busy")
    end)

    test("a buffered answer (ai_chat) is one OPEN|END chunk; STOP answers 502", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "{\"redacted\":1}"), reply(STOP, 1, "{\"error\":{}}") })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local json = { ["content-type"] = "application/json" }
        local ctx = stub.new_request({ request_type = "ai_chat" })
        local res = stub.respond(plugin, conf, ctx, { "{\"whole\":1}" }, { headers = json })
        eq(res.body, "{\"redacted\":1}")
        eq(res.status, 200)
        ctx = stub.new_request({ request_type = "ai_chat" })
        res = stub.respond(plugin, conf, ctx, { "{\"whole\":2}" }, { headers = json })
        eq(res.status, 502)
        eq(res.body, "{\"error\":{}}")
        local frames = finish()
        eq(frames[1].flags, OPEN + END)
        eq(frames[1].ctype, "application/json", "lower-case header names too")
        eq(frames[2].flags, OPEN + END)
    end)

    test("requests that are not AI answers are left alone", function()
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = "/nonexistent/promptgate.sock" })
        local res = stub.respond(plugin, conf, stub.new_request({}), { "plain" })
        eq(res.body, "plain")
        eq(#stub.logs, 0)
    end)

    test("a malformed reply or an Err frame counts as a failure", function()
        for _, case in ipairs({
            { line = "raw 1000000402000000", want = "malformed reply" },
            { line = "raw 00000000", want = "without StreamChunk" },
            { line = "raw 04000000", want = "reply frame of type 4" },
        }) do
            local sock, finish = peer({ case.line })
            local plugin = T.plugin()
            local conf = T.conf(plugin, { socket_path = sock })
            local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2" })
            finish()
            eq(res.exited, true, case.want)
            eq(res.status, 503, "nothing sent yet: 503")
            has(res.body, "answer_inspection_unavailable")
            has(stub.log_text(), case.want)
            has(stub.log_text(), "no usable answer from the runner")
            stub.logs = {}
        end
    end)

    test("a pooled connection the runner closed is replaced once, transparently", function()
        local sock, finish = peer({
            "reply_close 0 0 " .. hex("c1"), reply(CONTINUE, 0, "c2"), reply(CONTINUE, 0, "c3"),
        })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2", "c3" })
        local frames = finish()
        eq(res.body, "c1c2c3")
        eq(#frames, 3, "the chunk reached the runner once")
        eq(frames[1].conn, 1)
        eq(frames[2].conn, 2, "a fresh connection after the stale one")
        eq(frames[3].conn, 2)
    end)

    test("an answer abandoned mid-stream is ABORTed from the log phase", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "c1"), reply(CONTINUE, 0, "") })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock, conf = { api = "anthropic" } })
        local ctx = stream_ctx()
        local res = stub.respond(plugin, conf, ctx, { "c1" }, { no_done = true })
        eq(res.body, "c1")
        local frames = finish()
        eq(#frames, 2)
        eq(frames[2].flags, ABORT)
        eq(frames[2].api, 2)
        eq(frames[2].id, "req-0042")
        eq(frames[2].chunk .. frames[2].conf, "")
    end)

    test("chunks after the end marker (a protocol converter) open sessions of their own", function()
        local sock, finish = peer({
            reply(CONTINUE, 0, "a"), reply(CONTINUE, 0, "b"), reply(CONTINUE, 0, "c"),
        })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local res = stub.respond(plugin, conf, stream_ctx(), { "1", "2", "3" }, { done_at = 2 })
        local frames = finish()
        eq(res.body, "abc")
        eq(frames[1].flags, OPEN)
        eq(frames[2].flags, END)
        eq(frames[3].flags, OPEN + END)
    end)

    test("the socket: socket_path with or without unix:, else ext-plugin's, else the env", function()
        local ffi = require("ffi")
        ffi.cdef("int setenv(const char *name, const char *value, int overwrite);"
                 .. "int unsetenv(const char *name);")
        local sock, finish = peer({
            reply(CONTINUE, 0, "a"), reply(CONTINUE, 0, "b"), reply(CONTINUE, 0, "c"),
            reply(CONTINUE, 0, "d"),
        })
        local function ask(conf_table)
            local plugin = T.plugin()
            local conf = T.conf(plugin, conf_table)
            local ctx = stub.new_request({ request_type = "ai_chat" })
            return stub.respond(plugin, conf, ctx, { "y" }).body
        end
        eq(ask({ socket_path = sock }), "a")
        eq(ask({ socket_path = "unix:" .. sock }), "b")
        stub.helper_path = "unix:" .. sock
        eq(ask({}), "c", "helper.get_path()")
        stub.helper_path = nil
        ffi.C.setenv("APISIX_LISTEN_ADDRESS", "unix:" .. sock, 1)
        eq(ask({}), "d", "APISIX_LISTEN_ADDRESS")
        ffi.C.unsetenv("APISIX_LISTEN_ADDRESS")
        local frames = finish()
        eq(#frames, 4)
        local res = stub.respond(T.plugin(), T.conf(T.plugin(), {}),
                                 stub.new_request({ request_type = "ai_chat" }), { "y" })
        eq(res.status, 503, "no socket anywhere: fail-closed")
        has(stub.log_text(), "no runner socket")
    end)

    -- Runner down -------------------------------------------------------------

    test("runner down, fail_open: every chunk passes unchanged, one clear warning", function()
        local plugin = T.plugin()
        local missing = tmp_path(".sock")
        local conf = T.conf(plugin, { socket_path = missing, fail_open = true })
        local chunks = { "data: SECRET-TEXT 1\n\n", "data: 2\n\n", "data: [DONE]\n\n" }
        local res = stub.respond(plugin, conf, stream_ctx(), chunks)
        eq(res.body, table.concat(chunks))
        eq(res.exited, false)
        eq(#stub.logs, 1, "logged once per request")
        eq(stub.logs[1].level, "warn")
        has(stub.logs[1].msg, "runner unreachable at unix:" .. missing)
        has(stub.logs[1].msg, "fail_open")
        hasnt(stub.log_text(), "SECRET-TEXT")
    end)

    test("runner down, fail-closed: the answer ends with 503 before anything is sent", function()
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = tmp_path(".sock") })
        local res = stub.respond(plugin, conf, stream_ctx(), { "data: SECRET-TEXT\n\n", "more" })
        eq(res.exited, true)
        eq(res.filtered, 1)
        eq(res.status, 503)
        eq(ngx.header["Content-Type"], "application/json")
        has(res.body, "answer_inspection_unavailable")
        eq(stub.logs[1].level, "error")
        has(stub.logs[1].msg, "runner unreachable")
        hasnt(stub.log_text(), "SECRET-TEXT")
    end)

    test("runner gone mid-stream, fail-closed: the stream ends after what was released", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "c1"), "exit" })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2", "c3" })
        local frames = finish()
        eq(#frames, 2)
        eq(res.body, "c1", "nothing uninspected after the failure")
        eq(res.exited, true)
        eq(res.status, 200)
        has(stub.log_text(), "runner unreachable")
    end)

    test("runner gone mid-stream, fail_open: the rest passes unchanged", function()
        local sock, finish = peer({ reply(CONTINUE, 0, "c1"), "exit" })
        local plugin = T.plugin()
        local conf = T.conf(plugin, { socket_path = sock, fail_open = true })
        local res = stub.respond(plugin, conf, stream_ctx(), { "c1", "c2", "c3" })
        finish()
        eq(res.body, "c1c2c3")
        eq(res.exited, false)
    end)
end
