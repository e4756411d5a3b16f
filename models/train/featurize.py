"""The hashed character n-gram featurizer of promptgate's L2 second signal.

This file is the specification the Rust side (src/detect/classifier/ngram.rs) mirrors
exactly; model.toml records the parameters. Any change here changes the model version.

normalize(text):
  1. NFKC.
  2. drop "invisible" code points (zero-width, bidi controls, soft hyphen, BOM).
  3. lowercase (str.lower / char::to_lowercase).
  4. map a small table of Cyrillic/Greek look-alikes to their Latin letter.
  5. collapse every run of whitespace (the explicit WHITESPACE set) to one space, trim,
     and pad with one space on each side.
grams: every run of n consecutive code points of the normalized text, n in [N_MIN, N_MAX].
hash:  FNV-1a 32-bit over the UTF-8 bytes of the gram, masked to 2^BITS buckets.
value: count per bucket, then the vector is L2-normalized.
score: sigmoid(w . x + b), computed per window of WINDOW_CHARS code points of the
       normalized text (stride WINDOW_STRIDE) and the maximum taken, so that filler cannot
       dilute an attack.
"""

import math
import unicodedata

import numpy as np

N_MIN = 3
N_MAX = 5
BITS = 18
# Short windows keep a short injection a large share of the window it sits in, so filler
# around it (padding) cannot dilute it under the threshold.
WINDOW_CHARS = 128
WINDOW_STRIDE = 64
# The name model.toml gives this normalization; the Rust side checks it.
NORMALIZE_ID = "nfkc-invisible-lowercase-confusables-whitespace-v1"

INVISIBLE = set(
    [0x00AD, 0x034F, 0x061C, 0x180E, 0xFEFF]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
)

WHITESPACE = set(
    list(range(0x09, 0x0E))
    + [0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
    + list(range(0x2000, 0x200B))
)

# Lowercase look-alikes (after step 3) -> Latin letter.
CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "α": "a", "β": "b", "ε": "e",
    "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "γ": "y", "η": "n",
}


def normalize(text: str) -> str:
    out = []
    pending_space = False
    for ch in unicodedata.normalize("NFKC", text):
        cp = ord(ch)
        if cp in INVISIBLE:
            continue
        if cp in WHITESPACE:
            pending_space = True
            continue
        for low in ch.lower():
            if pending_space and out:
                out.append(" ")
            pending_space = False
            out.append(CONFUSABLES.get(low, low))
    return " " + "".join(out) + " "


def fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


_gram_cache: dict = {}


def full_hash(gram: str) -> int:
    """FNV-1a 32 of the gram's UTF-8 bytes (cached; BITS masks it)."""
    h = _gram_cache.get(gram)
    if h is None:
        h = fnv1a(gram.encode("utf-8"))
        _gram_cache[gram] = h
    return h


def bucket(gram: str) -> int:
    return full_hash(gram) & ((1 << BITS) - 1)


def window_spans(n_chars: int):
    if n_chars <= WINDOW_CHARS:
        return [(0, n_chars)]
    spans = []
    start = 0
    while True:
        end = min(start + WINDOW_CHARS, n_chars)
        spans.append((start, end))
        if end == n_chars:
            break
        start += WINDOW_STRIDE
    return spans


def raw_counts(norm: str, bits: int) -> dict:
    """Counts per bucket of one window at 2^bits buckets (not normalized)."""
    counts: dict = {}
    mask = (1 << bits) - 1
    n_chars = len(norm)
    for n in range(N_MIN, N_MAX + 1):
        for i in range(0, n_chars - n + 1):
            b = full_hash(norm[i : i + n]) & mask
            counts[b] = counts.get(b, 0) + 1
    return counts


def features(norm: str):
    """Sparse L2-normalized features of one window: (indices, values)."""
    counts = raw_counts(norm, BITS)
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    idx = np.fromiter(counts.keys(), dtype=np.int64)
    val = np.fromiter(counts.values(), dtype=np.float64)
    val /= math.sqrt(float((val * val).sum()))
    return idx, val


def gray_regions(norm: str, weights: np.ndarray, bias: float, floor: float) -> list:
    """The character spans of the model text `norm` whose n-gram windows score at or above
    `floor` (logit compared in f64, as Rust does), overlapping or touching windows merged:
    where the cascade lets the static head look."""
    z_floor = math.log(floor / (1.0 - floor))
    regions = []
    for s, e in window_spans(len(norm)):
        idx, val = features(norm[s:e])
        z = float(bias) + float((weights[idx].astype(np.float64) * val).sum())
        if z < z_floor:
            continue
        if regions and s <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], e))
        else:
            regions.append((s, e))
    return regions


def score(text: str, weights: np.ndarray, bias: float) -> float:
    """The n-gram score of a whole text, exactly as the Rust side computes it."""
    norm = normalize(text)
    best = -math.inf
    for s, e in window_spans(len(norm)):
        idx, val = features(norm[s:e])
        z = float(bias) + float((weights[idx].astype(np.float64) * val).sum())
        best = max(best, z)
    return 1.0 / (1.0 + math.exp(-best))
