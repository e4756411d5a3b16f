#!/usr/bin/env python3
"""Plays APISIX against a running promptgate with an encoder nobody here wrote.

The official generated Python bindings (PyPI a6pluginprotos 0.2.1, schema
v0.3.0, with the flatbuffers package) build every request and read every
reply. Fields newer than v0.3.0 (Rewrite.resp_headers at vtable offset 10 and
Rewrite.body at 12) are read with the generic table accessors, as spec §9
describes.

Usage: apisix_peer.py SOCKET_PATH

The runner must be started with:
  [server] fetch_vars = ["remote_addr"]
  [policy] max_body_bytes = 4096
  [policies.watch] mode = "shadow"
Exits non-zero with a message on the first mismatch; prints one line per
scenario and a closing "N passed, 0 failed" line.
"""

import json
import socket
import struct
import sys

import flatbuffers
from A6 import TextEntry
from A6.Err import Resp as ErrResp
from A6.ExtraInfo import Info as InfoType
from A6.ExtraInfo import Req as InfoReq
from A6.ExtraInfo import Resp as InfoResp
from A6.ExtraInfo import Var as InfoVar
from A6.HTTPReqCall import Action as ActionType
from A6.HTTPReqCall import Req as CallReq
from A6.HTTPReqCall import Resp as CallResp
from A6.HTTPReqCall import Rewrite as RewriteTable
from A6.HTTPReqCall import Stop as StopTable
from A6.PrepareConf import Req as ConfReq
from A6.PrepareConf import Resp as ConfResp

RPC_ERROR, RPC_PREPARE_CONF, RPC_HTTP_REQ_CALL, RPC_EXTRA_INFO = 0, 1, 2, 3
CONF_TOKEN_NOT_FOUND = 2
METHOD_POST = 2


class Peer:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(20)
        self.sock.connect(path)

    def send(self, ty, payload):
        assert 0 < len(payload) <= 0xFFFFFF
        header = struct.pack(">I", len(payload))
        self.sock.sendall(bytes([ty]) + header[1:] + payload)

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise AssertionError("runner closed the connection")
            data += chunk
        return data

    def recv(self):
        header = self.recv_exact(4)
        ty = header[0]
        length = struct.unpack(">I", b"\x00" + header[1:])[0]
        assert length > 0, "empty reply payload"
        return ty, self.recv_exact(length)


def entries(builder, pairs, start_vector):
    offsets = []
    for name, value in pairs:
        n = builder.CreateString(name)
        v = builder.CreateString(value) if value is not None else None
        TextEntry.Start(builder)
        TextEntry.AddName(builder, n)
        if v is not None:
            TextEntry.AddValue(builder, v)
        offsets.append(TextEntry.End(builder))
    start_vector(builder, len(offsets))
    for off in reversed(offsets):
        builder.PrependUOffsetTRelative(off)
    return builder.EndVector()


def prepare_conf(peer, value, key="route#7#ext-plugin-pre-req#1"):
    b = flatbuffers.Builder(256)
    conf = entries(b, [("promptgate", value)], ConfReq.StartConfVector)
    k = b.CreateString(key)
    ConfReq.Start(b)
    ConfReq.AddConf(b, conf)
    ConfReq.AddKey(b, k)
    b.Finish(ConfReq.End(b))
    peer.send(RPC_PREPARE_CONF, bytes(b.Output()))
    ty, payload = peer.recv()
    assert ty == RPC_PREPARE_CONF, f"PrepareConf answered with type {ty}"
    token = ConfResp.Resp.GetRootAs(payload, 0).ConfToken()
    assert token != 0
    return token


def call(peer, token, body, call_id=11, headers=()):
    """Sends an HTTPReqCall, answers ExtraInfo questions; returns (type, payload, asked)."""
    b = flatbuffers.Builder(256)
    hdrs = [("content-type", "application/json"), ("content-length", str(len(body)))]
    hdrs.extend(headers)
    h = entries(b, hdrs, CallReq.StartHeadersVector)
    a = entries(b, [], CallReq.StartArgsVector)
    path = b.CreateString("/v1/chat/completions")
    CallReq.StartSrcIpVector(b, 4)
    for byte in reversed([127, 0, 0, 1]):
        b.PrependByte(byte)
    src = b.EndVector()
    CallReq.Start(b)
    CallReq.AddId(b, call_id)
    CallReq.AddSrcIp(b, src)
    CallReq.AddMethod(b, METHOD_POST)
    CallReq.AddPath(b, path)
    CallReq.AddArgs(b, a)
    CallReq.AddHeaders(b, h)
    CallReq.AddConfToken(b, token)
    b.Finish(CallReq.End(b))
    peer.send(RPC_HTTP_REQ_CALL, bytes(b.Output()))
    asked = []
    while True:
        ty, payload = peer.recv()
        if ty != RPC_EXTRA_INFO:
            return ty, payload, asked
        req = InfoReq.Req.GetRootAs(payload, 0)
        answer = None
        if req.InfoType() == InfoType.Info.Var:
            var = InfoVar.Var()
            table = req.Info()
            var.Init(table.Bytes, table.Pos)
            name = var.Name().decode()
            asked.append(("var", name))
            answer = {"remote_addr": b"127.0.0.1"}.get(name)
        elif req.InfoType() == InfoType.Info.ReqBody:
            asked.append(("body",))
            answer = body
        else:
            raise AssertionError(f"unexpected info type {req.InfoType()}")
        rb = flatbuffers.Builder(len(answer or b"") + 64)
        result = rb.CreateByteVector(answer) if answer is not None else None
        InfoResp.Start(rb)
        if result is not None:
            InfoResp.AddResult(rb, result)
        rb.Finish(InfoResp.End(rb))
        peer.send(RPC_EXTRA_INFO, bytes(rb.Output()))


def action(payload, expected_id):
    resp = CallResp.Resp.GetRootAs(payload, 0)
    assert resp.Id() == expected_id, f"id {resp.Id()} != {expected_id}"
    return resp


def text_entries(table_obj, count_fn, get_fn):
    out = []
    for i in range(count_fn()):
        e = get_fn(i)
        out.append((e.Name().decode(), e.Value().decode() if e.Value() is not None else None))
    return out


def raw_vector_slot(tab, vtable_offset):
    """Reads a [ubyte] slot by vtable offset (fields newer than the bindings)."""
    o = tab.Offset(vtable_offset)
    if o == 0:
        return None
    start = tab.Vector(o)
    return bytes(tab.Bytes[start:start + tab.VectorLen(o)])


def main():
    path = sys.argv[1]
    passed = 0
    chat = json.dumps({"model": "m", "messages": [{"role": "user", "content": "Hello!"}]}).encode()

    # 1. PrepareConf + HTTPReqCall with Var and ReqBody answered -> continue.
    peer = Peer(path)
    token = prepare_conf(peer, "{}")
    ty, payload, asked = call(peer, token, chat)
    assert ty == RPC_HTTP_REQ_CALL, f"type {ty}"
    resp = action(payload, 11)
    assert resp.ActionType() == ActionType.Action.NONE, f"action {resp.ActionType()}"
    assert asked == [("var", "remote_addr"), ("body",)], asked
    print("ok continue with Var and ReqBody answered")
    passed += 1

    # 2. Stop: a content-length over the limit is refused without fetching.
    big = b"{" + b" " * 5000 + b"}"
    ty, payload, asked = call(peer, token, big, call_id=12, headers=[("x-request-id", "py-1")])
    resp = action(payload, 12)
    assert resp.ActionType() == ActionType.Action.Stop
    stop = StopTable.Stop()
    stop.Init(resp.Action().Bytes, resp.Action().Pos)
    assert stop.Status() == 413, stop.Status()
    headers = dict(text_entries(stop, stop.HeadersLength, stop.Headers))
    assert headers.get("content-type") == "application/json", headers
    body = json.loads(bytes(stop.Body(i) for i in range(stop.BodyLength())) or b"{}")
    assert body["error"]["code"] == "body_too_large" and body["error"]["request_id"] == "py-1", body
    assert asked == [], asked
    print("ok stop decoded: 413 with an OpenAI-style JSON error")
    passed += 1

    # 3. Rewrite: the same request on a shadow route continues with a note.
    shadow = prepare_conf(peer, '{"policy":"watch"}')
    ty, payload, asked = call(peer, shadow, big, call_id=13)
    resp = action(payload, 13)
    assert resp.ActionType() == ActionType.Action.Rewrite
    rewrite = RewriteTable.Rewrite()
    rewrite.Init(resp.Action().Bytes, resp.Action().Pos)
    assert rewrite.Path() is None
    notes = dict(text_entries(rewrite, rewrite.HeadersLength, rewrite.Headers))
    assert notes.get("x-promptgate-shadow", "").startswith("would-block; layer=gate"), notes
    assert raw_vector_slot(rewrite._tab, 12) is None, "shadow mode must not rewrite the body"
    print("ok rewrite decoded: shadow note, body slot (v0.6.1) absent")
    passed += 1

    # 4. Unknown token -> CONF_TOKEN_NOT_FOUND, then PrepareConf and retry.
    ty, payload, _ = call(peer, 0xDEADBEEF, chat, call_id=14)
    assert ty == RPC_ERROR, f"type {ty}"
    assert ErrResp.Resp.GetRootAs(payload, 0).Code() == CONF_TOKEN_NOT_FOUND
    fresh = prepare_conf(Peer(path), "{}")
    ty, payload, _ = call(peer, fresh, chat, call_id=15)
    assert ty == RPC_HTTP_REQ_CALL and action(payload, 15).ActionType() == ActionType.Action.NONE
    print("ok unknown token answered CONF_TOKEN_NOT_FOUND; retry after PrepareConf succeeded")
    passed += 1

    print(f"{passed} passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"interop failure: {e}", file=sys.stderr)
        sys.exit(1)
