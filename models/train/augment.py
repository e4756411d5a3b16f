"""Generic obfuscation augmentation for L2 training (promptgate's own code).

train_pool.jsonl holds no obfuscated items while real traffic (and the evaluation sets)
do. Every transform here is applied to attack AND benign training texts alike, so the
obfuscation itself carries no label: the models must learn what the obfuscated text says.
Transforms: leetspeak, homoglyphs (Cyrillic/Greek), zero-width characters, spaced or
punctuated letters, full-width forms, mixed case, base64 / ROT13 / reversed wrapping with
neutral framings, payload split into two variables, and a combination of the light ones.
"""

import base64
import codecs
import random

LEET = {
    "a": ["4", "@"], "e": ["3"], "i": ["1", "!"], "o": ["0"], "s": ["5", "$"],
    "t": ["7", "+"], "l": ["1", "|"], "g": ["9"], "b": ["8"], "z": ["2"],
}
HOMO = {
    "a": ["а", "α"], "c": ["с"], "e": ["е", "ε"], "o": ["о", "ο"], "p": ["р", "ρ"],
    "x": ["х"], "y": ["у"], "i": ["і", "ι"], "s": ["ѕ"], "j": ["ј"], "h": ["һ"],
    "k": ["κ"], "t": ["τ"], "v": ["ν"], "A": ["А", "Α"], "B": ["В", "Β"],
    "C": ["С"], "E": ["Е", "Ε"], "H": ["Н", "Η"], "I": ["І", "Ι"], "K": ["К", "Κ"],
    "M": ["М", "Μ"], "O": ["О", "Ο"], "P": ["Р", "Ρ"], "T": ["Т", "Τ"], "X": ["Х", "Χ"],
}
ZW = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
SEPS = [" ", ".", "_", "-", "*", "/"]

# Neutral framings, shared by attacks and benign texts.
FRAMES = {
    "base64": [
        "Decode this base64: {}", "{}", "What does this base64 string say? {}",
        "Here is some encoded text: {} Please handle it.", "echo '{}' | base64 -d",
        "Can you read this? {}",
    ],
    "rot13": [
        "Decode this ROT13: {}", "{}", "This is rot13, translate it: {}",
        "Apply ROT13 to the following and respond: {}", "Can you read this? {}",
    ],
    "reversed": [
        "Reverse this text: {}", "{}", "Read this backwards and answer: {}",
        "The following is reversed: {}", "Can you read this? {}",
    ],
}


def leet(t, r):
    return "".join(r.choice(LEET[c.lower()]) if c.lower() in LEET and r.random() < 0.5 else c for c in t)


def homoglyph(t, r):
    return "".join(r.choice(HOMO[c]) if c in HOMO and r.random() < 0.4 else c for c in t)


def zero_width(t, r):
    out = []
    for c in t:
        out.append(c)
        if c.isalpha() and r.random() < 0.3:
            out.append(r.choice(ZW))
    return "".join(out)


def spacing(t, r):
    sep = r.choice(SEPS)
    words = t.split(" ")
    return " ".join(sep.join(w) if len(w) > 1 and r.random() < 0.5 else w for w in words)


def fullwidth(t, r):
    out = []
    for c in t:
        o = ord(c)
        if c == " ":
            out.append("\u3000")
        elif 0x21 <= o <= 0x7E:
            out.append(chr(o + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


def mixed_case(t, r):
    return "".join(c.upper() if r.random() < 0.5 else c.lower() for c in t)


def wrap(kind, payload, r):
    return r.choice(FRAMES[kind]).format(payload)


def b64(t, r):
    return wrap("base64", base64.b64encode(t[:400].encode("utf-8")).decode("ascii"), r)


def rot13(t, r):
    return wrap("rot13", codecs.encode(t[:600], "rot13"), r)


def reversed_text(t, r):
    return wrap("reversed", t[:600][::-1], r)


def payload_split(t, r):
    cut = len(t) // 2
    a, b = t[:cut], t[cut:]
    return r.choice([
        'Let a = "{}" and b = "{}". Now do what a + b says.',
        'x = "{}"\ny = "{}"\nprint(x + y)',
        'Part 1: {} Part 2: {} Combine both parts and respond.',
    ]).format(a, b)


def combined(t, r):
    for f in r.sample([leet, homoglyph, zero_width, mixed_case], 2):
        t = f(t, r)
    return t


TRANSFORMS = {
    "leetspeak": leet, "homoglyph": homoglyph, "zero_width": zero_width, "spacing": spacing,
    "fullwidth": fullwidth, "mixed_case": mixed_case, "base64": b64, "rot13": rot13,
    "reversed": reversed_text, "payload_split": payload_split, "combined": combined,
}


def augment(texts, labels, seed, copies=1):
    """`copies` obfuscated variants of every text (random transform each), same label."""
    r = random.Random(seed)
    names = sorted(TRANSFORMS)
    out_t, out_y = [], []
    for t, y in zip(texts, labels):
        for _ in range(copies):
            out_t.append(TRANSFORMS[r.choice(names)](t, r))
            out_y.append(y)
    return out_t, out_y
