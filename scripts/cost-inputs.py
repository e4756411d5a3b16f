#!/usr/bin/env python3
"""Writes the fixed inputs of the cost check (scripts/cost-check.sh) into tests/cost.

They are committed: the instruction budget is only comparable on the same bytes, so a
refresh of tests/corpus must not move it. Re-run only on purpose (and update
tests/cost/budget.toml with the new counts).

- miss-2k.json, miss-64k.json: OpenAI chat bodies (a system prompt, then user turns of at
  most ~1 KB) of benign tests/corpus text in file order, cut to 2 KiB / 64 KiB; a default
  miss (L2 runs). The system prompt holds the placeholder NONCE000, which the probe
  overwrites per iteration so the L0 cache never answers.
- l2-2k.txt: 2 KiB of benign text in file order (mostly English).
- l2-2k-intl.txt: 2 KiB of the non-English benign texts (the non-ASCII tokenizer path).
  These two join many short unrelated prompts, hard negatives among them: their n-gram
  score reaches the cascade's gray floor, so both L2 signals run (the costly case).
- l2-2k-document.txt, document-miss-2k.json: 2 KiB of benign business documents written by
  models/train/generate.py (its documents family, seed 31337, which training never used),
  as text and as the user message of a chat body: the common case the cascade screens with
  the n-gram signal alone.
- encoded-miss-64k.json: a chat body whose last user turn attaches a 48 KiB document as a
  64 KiB base64 data URL (benign encoded content). One long word full of leetspeak
  characters: the hardened views must stay linear in it (a walk over the whole run for each
  of its digits once cost ~4 billion instructions for 26 KiB).
- intl-miss-2k.json: the chat body of miss-2k.json built from the non-English benign texts
  instead (many scripts: Latin with diacritics, Cyrillic, CJK...), for the cost of the
  hardened views and the keyword scan on non-English text (the case folding and the
  confusable skeleton that English text never reaches).

With `--curve DIR` it writes, instead, the bodies of the cost-growth curve
(scripts/cost-curve.sh) into DIR: curve-1k.json ... curve-1m.json, built like miss-2k.json.

With `--varied FILE` it writes, instead, 512 distinct 2 KiB chat bodies into FILE (JSON
Lines), each built like miss-2k.json from the benign texts in an order of its own (seeded):
the input of `cost_probe decide-varied`, which measures what serving pays on texts the
caches and branch predictors have not learnt (about twice the cost of one body repeated).
"""
import base64
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(root / "models" / "train"))
import generate  # noqa: E402  (the repository's own generated texts)

out = root / "tests" / "cost"
rows = [json.loads(l) for l in (root / "tests/corpus/benign.jsonl").open(encoding="utf-8")]


def text_of(texts, size):
    """Texts joined by blank lines, cycled, cut to `size` UTF-8 bytes on a char boundary."""
    buf, n, i = [], 0, 0
    while n < size:
        t = texts[i % len(texts)] + "\n\n"
        buf.append(t)
        n += len(t.encode())
        i += 1
    raw = "".join(buf).encode()[:size]
    return raw.decode("utf-8", errors="ignore")


# Every body opens with it; the probe overwrites NONCE000 per iteration.
SYSTEM = {"role": "system", "content": "You are a helpful assistant. [ref NONCE000]"}


def encode(messages):
    """An OpenAI chat body of `messages`, compact JSON."""
    return json.dumps(
        {"model": "gpt-4o-mini", "temperature": 0.2, "messages": messages},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def chat_body(texts, size):
    messages = [dict(SYSTEM)]
    i = 0
    while True:
        room = size - len(encode(messages)) - 40
        if room <= 0:
            break
        turn = []
        while sum(len(t.encode()) + 1 for t in turn) < min(room, 1024):
            turn.append(texts[i % len(texts)])
            i += 1
        text = " ".join(turn).encode()[: min(room, 1024)].decode("utf-8", errors="ignore")
        messages.append({"role": "user" if len(messages) % 2 else "assistant", "content": text})
    if messages[-1]["role"] != "user":
        messages[-1]["role"] = "user"
    return encode(messages)


benign = [r["text"] for r in rows]
intl = [r["text"] for r in rows if r["lang"] != "en"]
if len(sys.argv) == 3 and sys.argv[1] == "--curve":
    curve = pathlib.Path(sys.argv[2])
    curve.mkdir(parents=True, exist_ok=True)
    for name, size in [("1k", 1), ("2k", 2), ("8k", 8), ("64k", 64), ("256k", 256), ("1m", 1024)]:
        (curve / f"curve-{name}.json").write_bytes(chat_body(benign, size * 1024))
    sys.exit(0)
if len(sys.argv) == 3 and sys.argv[1] == "--varied":
    import random

    rng = random.Random(2048)
    with open(sys.argv[2], "wb") as f:
        for _ in range(512):
            order = benign[:]
            rng.shuffle(order)
            f.write(chat_body(order, 2048) + b"\n")
    sys.exit(0)
out.mkdir(exist_ok=True)
(out / "miss-2k.json").write_bytes(chat_body(benign, 2048))
(out / "miss-64k.json").write_bytes(chat_body(benign, 64 * 1024))
(out / "intl-miss-2k.json").write_bytes(chat_body(intl, 2048))
(out / "l2-2k.txt").write_text(text_of(benign, 2048), encoding="utf-8")
(out / "l2-2k-intl.txt").write_text(text_of(intl, 2048), encoding="utf-8")
documents = [t for t, _, family in generate.generate(31337) if family.startswith("documents")]
document = text_of(documents, 2048)
(out / "l2-2k-document.txt").write_text(document, encoding="utf-8")
attachment = base64.b64encode(text_of(documents, 48 * 1024).encode()).decode()
(out / "encoded-miss-64k.json").write_bytes(
    encode(
        [
            SYSTEM,
            {"role": "user", "content": "Summarize the attached report in five bullet points."},
            {"role": "user", "content": "data:text/plain;base64," + attachment},
        ]
    )
)
(out / "document-miss-2k.json").write_bytes(encode([SYSTEM, {"role": "user", "content": document[:1900]}]))
