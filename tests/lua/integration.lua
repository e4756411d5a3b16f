-- ai-promptgate.lua against the real runner (`promptgate serve` on T.socket, started
-- by tests/e2e/lua_plugin.rs with answers inspected: [policy.response] enabled, the
-- canary below). Every chunk crosses a real Unix socket as a real StreamChunk frame.

local cjson = require("cjson")

local EMAIL = "maria.lopez@example.org"
local CANARY = "PG-CANARY-5d2e9a71"

return function(T)
    local test, eq, ok, has, hasnt = T.test, T.eq, T.ok, T.has, T.hasnt
    local stub = T.stub

    -- An OpenAI chat-completions stream whose text deltas are `deltas`.
    local function openai_stream(deltas)
        local out = {}
        for _, d in ipairs(deltas) do
            out[#out + 1] = "data: " .. cjson.encode({
                id = "chatcmpl-1", object = "chat.completion.chunk",
                choices = { { index = 0, delta = { content = d } } },
            }) .. "\n\n"
        end
        out[#out + 1] = 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk",'
            .. '"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
        out[#out + 1] = "data: [DONE]\n\n"
        return table.concat(out)
    end

    -- The data lines of an SSE body; every one but [DONE] must be JSON.
    local function events(body)
        local docs, text = {}, {}
        for data in body:gmatch("data: ([^\n]*)\n") do
            if data ~= "[DONE]" then
                local doc = cjson.decode(data)
                docs[#docs + 1] = doc
                local choice = type(doc.choices) == "table" and doc.choices[1]
                local piece = choice and type(choice.delta) == "table" and choice.delta.content
                if type(piece) == "string" then
                    text[#text + 1] = piece
                end
            end
        end
        return docs, table.concat(text)
    end

    local function setup(extra)
        local plugin = T.plugin()
        local conf = { socket_path = T.socket, conf = { api = "openai" } }
        for k, v in pairs(extra or {}) do
            conf[k] = v
        end
        return plugin, T.conf(plugin, conf)
    end

    local function stream_ctx()
        return stub.new_request({ request_type = "ai_stream" })
    end

    test("PII split across chunks and events comes out redacted, still valid SSE", function()
        local plugin, conf = setup()
        local body = openai_stream({ "Sure, write to maria.lo", "pez@exam", "ple.org today." })
        for _, size in ipairs({ 1, 5, 17, #body }) do
            local res = stub.respond(plugin, conf, stream_ctx(), T.cut(body, size))
            eq(res.exited, false, "size " .. size)
            hasnt(res.body, "maria", "size " .. size)
            hasnt(res.body, "lopez", "size " .. size)
            hasnt(res.body, "example.org", "size " .. size)
            local _, text = events(res.body)
            has(text, "Sure, write to [EMAIL", "size " .. size)
            has(text, "today.", "size " .. size)
            eq(res.body:sub(-14), "data: [DONE]\n\n", "size " .. size)
        end
    end)

    test("the same in an Anthropic stream: redacted, every event still JSON", function()
        local plugin, conf = setup({ conf = { api = "anthropic" } })
        local function event(name, doc)
            return "event: " .. name .. "\ndata: " .. cjson.encode(doc) .. "\n\n"
        end
        local parts = {
            event("message_start", { type = "message_start", message = { id = "msg_1", role = "assistant" } }),
            event("content_block_start", { type = "content_block_start", index = 0,
                                           content_block = { type = "text", text = "" } }),
        }
        for _, d in ipairs({ "Mail maria.lo", "pez@example.org", " please." }) do
            parts[#parts + 1] = event("content_block_delta", { type = "content_block_delta", index = 0,
                                                               delta = { type = "text_delta", text = d } })
        end
        parts[#parts + 1] = event("content_block_stop", { type = "content_block_stop", index = 0 })
        parts[#parts + 1] = event("message_stop", { type = "message_stop" })
        local body = table.concat(parts)
        local res = stub.respond(plugin, conf, stream_ctx(), T.cut(body, 7))
        eq(res.exited, false)
        hasnt(res.body, "maria")
        hasnt(res.body, "example.org")
        local text = {}
        for data in res.body:gmatch("data: ([^\n]*)\n") do
            local doc = cjson.decode(data)
            if doc.type == "content_block_delta" then
                text[#text + 1] = doc.delta.text
            end
        end
        has(table.concat(text), "Mail [EMAIL")
        has(table.concat(text), " please.")
        eq(res.body:sub(-#parts[#parts]), parts[#parts], "ends with message_stop")
    end)

    test("a canary split across chunks stops the stream with an error event", function()
        local plugin, conf = setup()
        -- Long enough that the runner's holdback fills and the block comes mid-stream.
        local deltas = { "The code is PG-CAN", "ARY-5d2e9a71, keep" }
        for i = 1, 60 do
            deltas[#deltas + 1] = " and then some more words, part " .. i .. "."
        end
        local body = openai_stream(deltas)
        local chunks = T.cut(body, 8)
        local res = stub.respond(plugin, conf, stream_ctx(), chunks)
        eq(res.exited, true, "the stream was ended")
        ok(res.filtered < #chunks, "later chunks never reached the runner or the client")
        hasnt(res.body, CANARY)
        hasnt(res.body, "5d2e9a71")
        local docs = events(res.body)
        local last = docs[#docs]
        ok(type(last) == "table" and type(last.error) == "table", "the last event is an error")
        eq(res.body:sub(-14), "data: [DONE]\n\n")
        eq(res.status, 200, "the headers were out: the error travels in the stream")
    end)

    test("a clean answer passes byte for byte over one kept-alive connection", function()
        local plugin, conf = setup()
        local body = openai_stream({ "The capital", " of France", " is Paris." })
        local before = stub.stats.connects
        local chunks = T.cut(body, 11)
        local res = stub.respond(plugin, conf, stream_ctx(), chunks)
        eq(res.body, body)
        eq(res.filtered, #chunks)
        eq(stub.stats.connects - before, 1, "one connection for the whole stream")
    end)

    test("a long clean answer streams: bytes go out long before its end", function()
        local plugin, conf = setup()
        local deltas = {}
        for i = 1, 100 do
            deltas[i] = " sentence number " .. i .. " of a long and harmless answer."
        end
        local body = openai_stream(deltas)
        local chunks = T.cut(body, 32)
        local res = stub.respond(plugin, conf, stream_ctx(), chunks)
        eq(res.body, body)
        ok(res.first_out and res.first_out < #chunks / 2,
           "first bytes out at chunk " .. tostring(res.first_out) .. " of " .. #chunks)
    end)

    test("two streams interleaved over the shared pool keep their own sessions", function()
        local plugin, conf = setup()
        local a = T.cut(openai_stream({ "Mail maria.lo", "pez@example.org now." }), 9)
        local b = T.cut(openai_stream({ "Nothing", " to see." }), 9)
        local ctx_a, ctx_b = stream_ctx(), stream_ctx()
        local out_a, out_b = {}, {}
        local headers = { ["Content-Type"] = "text/event-stream" }
        for i = 1, math.max(#a, #b) do
            for _, s in ipairs({ { a, ctx_a, out_a }, { b, ctx_b, out_b } }) do
                local chunks, ctx, out = s[1], s[2], s[3]
                if chunks[i] then
                    ctx.var.llm_request_done = i == #chunks or nil
                    local code, release = plugin.lua_body_filter(conf, ctx, headers, chunks[i])
                    eq(code, nil, "no stop")
                    out[#out + 1] = release or chunks[i]
                end
            end
        end
        local body_a, body_b = table.concat(out_a), table.concat(out_b)
        hasnt(body_a, "maria")
        has(body_a, "[EMAIL")
        eq(body_b, table.concat(b), "the clean one is untouched")
    end)

    test("an abandoned stream's session is dropped by the ABORT from the log phase", function()
        local plugin, conf = setup()
        local ctx = stream_ctx()
        local chunks = T.cut(openai_stream({ "Half an answer that never ends" }), 16)
        table.remove(chunks) -- no [DONE]: the client went away
        local res = stub.respond(plugin, conf, ctx, chunks, { no_done = true })
        eq(res.exited, false)
        -- A later chunk of the same request (forced: not OPEN) finds no session.
        ctx.ai_promptgate = { open = true, id = ctx.var.request_id }
        ctx.var.llm_request_done = nil
        local code = plugin.lua_body_filter(conf, ctx, { ["Content-Type"] = "text/event-stream" },
                                            "data: {}\n\n")
        eq(code, ngx.OK, "fail-closed end")
        has(stub.log_text(), "unknown session")
    end)

    test("a buffered JSON answer (ai_chat) is inspected whole: PII redacted, a canary answers 502", function()
        local plugin, conf = setup()
        local function chat(content)
            return cjson.encode({
                object = "chat.completion",
                choices = { { index = 0, message = { role = "assistant", content = content } } },
            })
        end
        local json = { headers = { ["Content-Type"] = "application/json" } }
        local res = stub.respond(plugin, conf, stub.new_request({ request_type = "ai_chat" }),
                                 { chat("Write to " .. EMAIL) }, json)
        eq(res.status, 200)
        hasnt(res.body, EMAIL)
        local doc = cjson.decode(res.body)
        has(doc.choices[1].message.content, "Write to ")
        local clean = chat("Nothing to hide here.")
        res = stub.respond(plugin, conf, stub.new_request({ request_type = "ai_chat" }), { clean }, json)
        eq(res.body, clean, "a clean answer passes byte for byte")
        res = stub.respond(plugin, conf, stub.new_request({ request_type = "ai_chat" }),
                           { chat("The key is " .. CANARY) }, json)
        eq(res.status, 502)
        hasnt(res.body, CANARY)
        eq(type(cjson.decode(res.body).error), "table", "the answer path's JSON error body")
    end)

    test("a conf the runner refuses ends the answer, fail-closed", function()
        local plugin, conf = setup({ conf = { policy = "no-such-policy", api = "openai" } })
        local res = stub.respond(plugin, conf, stream_ctx(), T.cut(openai_stream({ "hello" }), 10))
        eq(res.exited, true)
        eq(res.filtered, 1)
        has(stub.log_text(), "bad conf")
        local docs = events(res.body)
        ok(#docs >= 1 and type(docs[#docs].error) == "table", "the runner's closing error event")
    end)

    test("the same refusal with fail_open lets the answer through", function()
        local plugin, conf = setup({ conf = { policy = "no-such-policy" }, fail_open = true })
        local body = openai_stream({ "hello", " world" })
        local res = stub.respond(plugin, conf, stream_ctx(), T.cut(body, 10))
        eq(res.body, body)
        eq(res.exited, false)
    end)
end
