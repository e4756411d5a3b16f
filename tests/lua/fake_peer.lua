-- A scripted stand-in for the runner, for the plugin's unit tests:
--   luajit tests/lua/fake_peer.lua <socket> <script>
-- Listens on <socket>, prints "ready", then for every StreamChunk frame it reads it
-- prints one line describing the request (decoded here independently of the
-- plugin's own codec; a RequestCall, type 17, as "request conn=N payload=<hex>")
-- and does what the next script line says:
--   reply <verdict> <reason> <release-hex>   a version-1 reply (held = 0)
--   reply_close <verdict> <reason> <hex>     the same, then closes that connection
--   raw <hex>                                these bytes as the whole reply
--   close                                    closes the connection, no reply
--   exit                                     closes everything and exits (runner gone)
-- It prints "done" and exits once the script is used up and every client has hung
-- up, "unexpected frame" and exits 1 on a frame past the script, "idle" and exits 1
-- after 10 s without anything happening.

local unix = require("socket.unix")
local socket = require("socket")

io.stdout:setvbuf("line")
local path, script_path = arg[1], arg[2]
local script = {}
for line in io.lines(script_path) do
    if line:find("%S") then
        script[#script + 1] = line
    end
end

local function unhex(h)
    return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

local function hex(s)
    return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

local function be(s, at, n)
    local v = 0
    for i = at, at + n - 1 do
        v = v * 256 + s:byte(i)
    end
    return v
end

local function u32(n)
    return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
                       math.floor(n / 256) % 256, n % 256)
end

local function u24(n)
    return string.char(math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

-- A version-1 reply frame: type 16, length, version, verdict, reason, 0, held, release.
local function reply_frame(verdict, reason, release)
    local payload = string.char(1, verdict, reason, 0) .. u32(0) .. u32(#release) .. release
    return string.char(16) .. u24(#payload) .. payload
end

os.remove(path)
local server = assert(unix.stream())
assert(server:bind(path))
assert(server:listen(8))
server:settimeout(0)
print("ready")

local clients, numbers, next_number, step = {}, {}, 1, 1

local function drop(c)
    for i, x in ipairs(clients) do
        if x == c then
            table.remove(clients, i)
        end
    end
    c:close()
end

local function decode(p)
    -- version, flags, api, reserved, id, conf, route, ctype, chunk
    local at = 5
    local function field(width)
        local len = be(p, at, width)
        local v = p:sub(at + width, at + width + len - 1)
        at = at + width + len
        return v
    end
    local id = field(2)
    local conf = field(4)
    local route = field(2)
    local ctype = field(2)
    local chunk = field(4)
    local exact = at == #p + 1
    return string.format("frame conn=%d v=%d flags=%d api=%d id=%s conf=%s route=%s ctype=%s chunk=%s exact=%s",
        0, p:byte(1), p:byte(2), p:byte(3), id, hex(conf), hex(route), hex(ctype), hex(chunk),
        tostring(exact))
end

local function serve(c)
    c:settimeout(5)
    local head, err = c:receive(4)
    if not head then
        drop(c)
        return
    end
    local ty = head:byte(1)
    local len = be(head, 2, 3)
    local payload = len > 0 and c:receive(len) or ""
    -- A RequestCall (type 17) is reported whole, as hex, for the test to read.
    local line = (ty == 17 and ("request conn=0 payload=" .. hex(payload))
                  or decode(payload)):gsub("conn=0", "conn=" .. numbers[c])
    print(line .. " type=" .. ty)
    local cmd = script[step]
    step = step + 1
    if not cmd then
        print("unexpected frame")
        os.exit(1)
    end
    local verb, a, b, h = cmd:match("^(%S+)%s*(%S*)%s*(%S*)%s*(%S*)")
    if verb == "reply" or verb == "reply_close" then
        local release = unhex(h)
        c:send(reply_frame(tonumber(a), tonumber(b), release))
        if verb == "reply_close" then
            drop(c)
        end
    elseif verb == "raw" then
        c:send(unhex(a))
    elseif verb == "close" then
        drop(c)
    elseif verb == "exit" then
        for _, x in ipairs(clients) do
            x:close()
        end
        server:close()
        os.remove(path)
        print("done")
        os.exit(0)
    end
end

local idle_since = socket.gettime()
while true do
    if step > #script and #clients == 0 then
        print("done")
        os.exit(0)
    end
    local watch = { server }
    for _, c in ipairs(clients) do
        watch[#watch + 1] = c
    end
    local readable = socket.select(watch, nil, 0.05)
    for _, s in ipairs(readable) do
        idle_since = socket.gettime()
        if s == server then
            local c = server:accept()
            if c then
                clients[#clients + 1] = c
                numbers[c] = next_number
                next_number = next_number + 1
            end
        else
            serve(s)
        end
    end
    if socket.gettime() - idle_since > 10 then
        print("idle")
        os.exit(1)
    end
end
