"""Scouting run (issue 15, item 3): does a small convolution over the static token embeddings
(word order over 3-5 tokens) beat the shipped static head on the n-gram's gray regions?
Measured, never shipped.

Reuses train.py (window rule, gray regions, calibration rule `Dev.waterfall`, Python mirror of
the shipped model `PreviousModel`, Wilson intervals) and usem_scout.py (the training set,
L1 verdict loading, McNemar), so the baseline and every candidate are scored on the same
records with the same rule. The table is the shipped one (int8 rows + f32 scale read from
models/minilm-static-v1/model.onnx), the tokenizer the shipped tokenizer.json.

Candidate head (numpy, manual backprop, Adam; gradient checked numerically at start):
  window of <= 64 token ids -> dequantized rows E (L x 128)
  -> [mean(E), max(E)] standardized (the shipped head's input)
  -> for each kernel k: Conv1d(128 -> C, kernel k, zero padding k // 2) -> ReLU -> max over time
  -> concat -> Dense(H) ReLU -> Dense(1) -> 8*tanh(z/8) -> sigmoid; max over windows.
With C = 0 it is the shipped architecture trained by the same code (the control that
separates "conv" from "different trainer").

Every figure is on the holdout part, the benign probe (benign_probe.py, never trained on)
or the fresh multilingual sets; thresholds (whole waterfall benign FP <= 0.5%, bootstrap),
anchors and the choice of candidate use the calibration part only.

Usage (venv of requirements.txt):
  PROMPTGATE_TRAIN_POOL=.../train_pool.jsonl PROMPTGATE_CORPUS_DIR=.../corpus \
  nice -n 10 python conv_scout.py --l1-calibration cal.json --l1-holdout hold.json \
      --fresh a.jsonl ... --l1-fresh fresh.json --probe probe.jsonl --l1-probe probe-l1.json \
      --out results/...md
L1 files: `promptgate eval --json` with `[policy.l2] enabled = false`.
Env: CONV_EPOCHS (max epochs, default 30), CONV_SEEDS (comma list, default the train.py SEED),
CONV_VARIANTS (comma list of names from VARIANTS, default all).
"""

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"  # two shared cores: one thread (and run under nice)

import argparse
import collections
import json
import math
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
from tokenizers import Tokenizer

import featurize as fz
import train as T
import usem_scout as U

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CACHE = HERE / ".cache" / "conv"
SEED = T.SEED
BATCH = 256
LR = 1e-3
WEIGHT_DECAY = 1e-4  # L2 on the weights (not the biases), added to the gradient
PATIENCE = 4
VAL_FRACTION = 0.1  # training texts held out for early stopping (by text, seeded)

# name -> (kernels, channels per kernel)
VARIANTS = collections.OrderedDict([
    ("meanmax MLP (numpy trainer, no conv)", ((), 0)),
    ("conv k3 x32 + meanmax MLP", ((3,), 32)),
    ("conv k3 x64 + meanmax MLP", ((3,), 64)),
    ("conv k3+k5 x32 + meanmax MLP", ((3, 5), 32)),
])


def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)


# --- the shipped table and head -------------------------------------------------------------


def shipped_graph(path):
    m = onnx.load(str(path))
    return {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}


# --- windows as padded arrays ----------------------------------------------------------------


def pad_windows(wins):
    """(N, 64) int32 ids (0 past the end) and lengths."""
    ids = np.zeros((len(wins), T.MAX_TOKENS), np.int32)
    lens = np.zeros(len(wins), np.int32)
    for i, w in enumerate(wins):
        ids[i, : len(w)] = w
        lens[i] = len(w)
    return ids, lens


def text_windows(windower, texts, per_text):
    wins, owner = [], []
    for i, ids in enumerate(windower.ids(texts)):
        ws = windower.windows(ids, per_text)
        wins.extend(ws)
        owner.extend([i] * len(ws))
    return wins, np.array(owner, dtype=np.int64)


# --- the conv head -----------------------------------------------------------------------------


class ConvHead:
    """Parameters: per kernel Wc (k*D, C), bc (C); W1 (2D + C*len(kernels), H), b1; W2 (H, 1), b2.
    mu, sd: standardization of the mean+max features (training windows), fixed."""

    def __init__(self, emb, kernels, channels, hidden, mu, sd, rng, dtype=np.float32):
        self.emb = emb.astype(dtype)  # dequantized table (V, D)
        self.kernels, self.C = tuple(kernels), channels
        d = emb.shape[1]
        self.mu, self.sd = mu.astype(dtype), sd.astype(dtype)
        es = float(emb.std()) + 1e-9
        p = {}
        for k in self.kernels:
            p[f"Wc{k}"] = (rng.standard_normal((k * d, channels)) * math.sqrt(2.0 / (k * d)) / es).astype(dtype)
            p[f"bc{k}"] = np.zeros(channels, dtype)
        nin = 2 * d + channels * len(self.kernels)
        p["W1"] = (rng.standard_normal((nin, hidden)) * math.sqrt(2.0 / nin)).astype(dtype)
        p["b1"] = np.zeros(hidden, dtype)
        p["W2"] = (rng.standard_normal((hidden, 1)) * math.sqrt(1.0 / hidden)).astype(dtype)
        p["b2"] = np.zeros(1, dtype)
        self.p = p

    def meanmax(self, ids, lens):
        e = self.emb[ids]  # (B, L, D)
        mask = np.arange(ids.shape[1])[None, :] < lens[:, None]
        s = (e * mask[..., None]).sum(1) / lens[:, None].astype(e.dtype)
        mx = np.where(mask[..., None], e, -np.inf).max(1)
        return np.concatenate([s, mx], 1)

    def forward(self, ids, lens, mm=None, keep=False):
        """Logits (B,). mm: precomputed meanmax features (B, 2D) or None."""
        p = self.p
        if mm is None:
            mm = self.meanmax(ids, lens)
        feats = [(mm - self.mu) / self.sd]
        cache = {"conv": []}
        if self.kernels:
            L = ids.shape[1]
            mask = np.arange(L)[None, :] < lens[:, None]
            e = self.emb[ids] * mask[..., None]  # zero past the end
            for k in self.kernels:
                h = k // 2
                ep = np.pad(e, ((0, 0), (h, h), (0, 0)))
                col = np.concatenate([ep[:, j: j + L, :] for j in range(k)], 2)  # (B, L, kD)
                y = col @ p[f"Wc{k}"] + p[f"bc{k}"]  # (B, L, C)
                r = np.maximum(y, 0) * mask[..., None]
                arg = r.argmax(1)  # (B, C)
                pooled = np.take_along_axis(r, arg[:, None, :], 1)[:, 0, :]
                feats.append(pooled)
                if keep:
                    cache["conv"].append((k, col, arg, pooled))
        z = np.concatenate(feats, 1)
        a1 = z @ p["W1"] + p["b1"]
        h1 = np.maximum(a1, 0)
        logit = (h1 @ p["W2"] + p["b2"])[:, 0]
        if keep:
            cache.update(z=z, h1=h1)
            return logit, cache
        return logit

    def grads(self, ids, lens, y, w, mm=None):
        """Weighted BCE (sum w*l / sum w) and its gradient for every parameter."""
        p = self.p
        logit, c = self.forward(ids, lens, mm, keep=True)
        pr = 1.0 / (1.0 + np.exp(-logit))
        eps = 1e-12
        loss = float((w * -(y * np.log(pr + eps) + (1 - y) * np.log(1 - pr + eps))).sum() / w.sum())
        g = {}
        dl = (w * (pr - y) / w.sum()).astype(logit.dtype)[:, None]  # (B, 1)
        g["W2"] = c["h1"].T @ dl
        g["b2"] = dl.sum(0)
        dh = (dl @ p["W2"].T) * (c["h1"] > 0)
        g["W1"] = c["z"].T @ dh
        g["b1"] = dh.sum(0)
        dz = dh @ p["W1"].T
        off = 2 * self.emb.shape[1]
        bidx = np.arange(len(ids))[:, None]
        for i, (k, col, arg, pooled) in enumerate(c["conv"]):
            dp = dz[:, off + i * self.C: off + (i + 1) * self.C] * (pooled > 0)  # (B, C)
            sel = col[bidx, arg]  # (B, C, kD): the input column at each channel's argmax
            g[f"Wc{k}"] = np.einsum("bck,bc->kc", sel, dp)
            g[f"bc{k}"] = dp.sum(0)
        return loss, g

    def predict(self, ids, lens, mm=None, chunk=1024):
        out = np.empty(len(ids))
        for s in range(0, len(ids), chunk):
            z = self.forward(ids[s: s + chunk], lens[s: s + chunk], None if mm is None else mm[s: s + chunk])
            z = T.LOGIT_CAP * np.tanh(z.astype(np.float64) / T.LOGIT_CAP)
            out[s: s + chunk] = 1.0 / (1.0 + np.exp(-z))
        return out

    def macs_per_token(self):
        d = self.emb.shape[1]
        return sum(k * d * self.C for k in self.kernels)


def grad_check(seed=SEED):
    """Finite differences against the manual backprop on a tiny float64 case."""
    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((20, 5))
    mm0 = np.zeros(10)
    head = ConvHead(emb, (3, 5), 4, 6, mm0, np.ones(10), rng, dtype=np.float64)
    for v in head.p.values():
        v += rng.standard_normal(v.shape) * 0.3
    ids = rng.integers(0, 20, (6, 7)).astype(np.int32)
    lens = np.array([7, 5, 3, 1, 2, 6], np.int32)
    y = np.array([1, 0, 1, 0, 1, 0], np.float64)
    w = np.array([1, 2, 1, 1, 3, 1], np.float64)
    _, g = head.grads(ids, lens, y, w)
    worst = 0.0  # per parameter: max |numeric - analytic| / max |analytic|
    for name, v in head.p.items():
        err = 0.0
        for idx in np.ndindex(v.shape):
            old = v[idx]
            v[idx] = old + 1e-6
            lp, _ = head.grads(ids, lens, y, w)
            v[idx] = old - 1e-6
            lm, _ = head.grads(ids, lens, y, w)
            v[idx] = old
            err = max(err, abs((lp - lm) / 2e-6 - g[name][idx]))
        worst = max(worst, err / max(1e-12, float(np.abs(g[name]).max())))
    return worst


def train_head(emb, kernels, channels, ids, lens, mm, y, w, val_mask, seed, max_epochs):
    """Adam on weighted BCE; early stopping on the windows of `val_mask` (a seeded 10% of the
    training texts, every window of a text on one side); the best epoch's parameters."""
    rng = np.random.default_rng(seed)
    mu, sd = mm[~val_mask].mean(0), mm[~val_mask].std(0) + 1e-6
    head = ConvHead(emb, kernels, channels, T.HIDDEN, mu, sd, rng)
    tr = np.flatnonzero(~val_mask)
    va = np.flatnonzero(val_mask)
    m = {k: np.zeros_like(v) for k, v in head.p.items()}
    v2 = {k: np.zeros_like(v) for k, v in head.p.items()}
    step, best, best_p, bad = 0, math.inf, None, 0
    b1, b2 = 0.9, 0.999
    yf, wf = y.astype(np.float32), w.astype(np.float32)
    for epoch in range(max_epochs):
        t0 = time.time()
        order = rng.permutation(tr)
        tl = 0.0
        for s in range(0, len(order), BATCH):
            b = order[s: s + BATCH]
            # Windows padded to the batch's longest (the conv and the max ignore the rest).
            L = int(lens[b].max())
            loss, g = head.grads(ids[b, :L], lens[b], yf[b], wf[b], mm[b])
            tl += loss * len(b)
            step += 1
            for k, val in head.p.items():
                gk = g[k] + (WEIGHT_DECAY * val if k[0] == "W" else 0)
                m[k] = b1 * m[k] + (1 - b1) * gk
                v2[k] = b2 * v2[k] + (1 - b2) * gk * gk
                mh = m[k] / (1 - b1 ** step)
                vh = v2[k] / (1 - b2 ** step)
                val -= (LR * mh / (np.sqrt(vh) + 1e-8)).astype(val.dtype)
        # validation loss
        vl, vw = 0.0, 0.0
        for s in range(0, len(va), 2048):
            b = va[s: s + 2048]
            L = int(lens[b].max())
            z = head.forward(ids[b, :L], lens[b], mm[b]).astype(np.float64)
            pr = np.clip(1 / (1 + np.exp(-z)), 1e-12, 1 - 1e-12)
            vl += float((w[b] * -(y[b] * np.log(pr) + (1 - y[b]) * np.log(1 - pr))).sum())
            vw += float(w[b].sum())
        vl /= vw
        log(f"    epoch {epoch + 1}: train {tl / len(tr):.4f} val {vl:.4f} ({time.time() - t0:.0f}s)")
        if vl < best - 1e-4:
            best, best_p, bad = vl, {k: v.copy() for k, v in head.p.items()}, 0
        else:
            bad += 1
            if bad >= PATIENCE:
                break
    head.p = best_p
    return head


# --- scoring ---------------------------------------------------------------------------------


class WinSet:
    """Windows of a set of texts (all windows, or the gray-region windows), padded."""

    def __init__(self, wins, owner, n):
        self.ids, self.lens = pad_windows(wins) if wins else (np.zeros((0, T.MAX_TOKENS), np.int32),
                                                             np.zeros(0, np.int32))
        self.owner, self.n = owner, n

    def scores(self, head):
        if len(self.ids) == 0:
            return np.zeros(self.n)
        order = np.argsort(self.lens, kind="stable")  # similar lengths together: less padding
        s = np.empty(len(order))
        for c in range(0, len(order), 1024):
            b = order[c: c + 1024]
            L = int(self.lens[b].max())
            s[b] = head.predict(self.ids[b, :L], self.lens[b])
        out = T.max_by_owner(s, self.owner, self.n)
        out[~np.isfinite(out)] = 0.0  # no window (no gray region): 0, as train.gated_static_scores
        return out


def shipped_mirror(head_params, q, scale, winset):
    """The shipped static head's scores on a WinSet (numpy, as train.mlp_forward)."""
    if len(winset.ids) == 0:
        return np.zeros(winset.n)
    wins = [list(winset.ids[i, : winset.lens[i]]) for i in range(len(winset.ids))]
    s = T.mlp_forward(head_params, T.pooled(q, scale, wins))
    out = T.max_by_owner(s, winset.owner, winset.n)
    out[~np.isfinite(out)] = 0.0
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pool", default=os.environ.get("PROMPTGATE_TRAIN_POOL"))
    ap.add_argument("--corpus", default=os.environ.get("PROMPTGATE_CORPUS_DIR", str(REPO / "tests" / "corpus")))
    ap.add_argument("--l1-calibration", required=True)
    ap.add_argument("--l1-holdout", required=True)
    ap.add_argument("--fresh", nargs="*", default=[])
    ap.add_argument("--l1-fresh")
    ap.add_argument("--probe", help="benign_probe.py output")
    ap.add_argument("--l1-probe")
    ap.add_argument("--shipped", default=str(REPO / "models" / "minilm-static-v1"))
    ap.add_argument("--pg-holdout", help="`promptgate eval --json --part holdout` with L2 on (mirror check)")
    ap.add_argument("--ceiling-only", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if not args.pool:
        raise SystemExit("set PROMPTGATE_TRAIN_POOL or --pool")
    CACHE.mkdir(parents=True, exist_ok=True)
    np.random.seed(SEED)
    max_epochs = int(os.environ.get("CONV_EPOCHS", "30"))
    seeds = [int(s) for s in os.environ.get("CONV_SEEDS", str(SEED)).split(",")]
    names = [n for n in VARIANTS if os.environ.get("CONV_VARIANTS") is None
             or n in os.environ["CONV_VARIANTS"].split(",")]
    report = []
    L = report.append

    worst = grad_check()
    log(f"gradient check: worst relative error {worst:.2e}")
    assert worst < 1e-5, worst

    # Evaluation parts and their L1 verdicts (L2 off).
    corpus = Path(args.corpus)
    records = T.load_jsonl(corpus / "attacks.jsonl") + T.load_jsonl(corpus / "benign.jsonl")
    parts = {"cal": U.load_l1(args.l1_calibration, records), "hold": U.load_l1(args.l1_holdout, records)}
    if args.fresh:
        rows = []
        for f in args.fresh:
            for r in T.load_jsonl(Path(f)):
                r["file"] = Path(f).stem
                rows.append(r)
        parts["fresh"] = U.load_l1(args.l1_fresh, rows)
    if args.probe:
        parts["probe"] = U.load_l1(args.l1_probe, T.load_jsonl(Path(args.probe)))
    cal, hold = parts["cal"], parts["hold"]
    log({k: len(d.rows) for k, d in parts.items()})

    # The shipped model: table, head, n-gram, gray floor, anchors, threshold.
    ship_dir = Path(args.shipped)
    g = shipped_graph(ship_dir / "model.onnx")
    q, scale = g["table_q"], g["table_scale"]
    ship_head = (g["head_w1"], g["head_b1"], g["head_w2"], g["head_b2"])
    windower = T.Windower(Tokenizer.from_file(str(ship_dir / "tokenizer.json")))
    prev = T.PreviousModel(ship_dir, windower)
    assert prev.ok and prev.kind == "cascade"
    emb = q.astype(np.float32) * scale[:, None]

    # Per part: n-gram score, gray-region windows, all windows (for the ungated scorer).
    fz.BITS = prev.bits
    ngram, gray, full = {}, {}, {}
    for k, d in parts.items():
        texts = [r["text"] for r in d.rows]
        ngram[k] = np.array([fz.score(t, prev.w, prev.bias) for t in texts])
        wins, wo = T.gray_windows(windower, texts, prev.w, prev.bias, prev.bits, prev.floor)
        gray[k] = WinSet(wins, wo, len(texts))
        wins, wo = text_windows(windower, texts, T.MAX_WINDOWS)
        full[k] = WinSet(wins, wo, len(texts))
    ship_m = {k: shipped_mirror(ship_head, q, scale, gray[k]) for k in parts}
    ship = {k: T.max_rescaled(ship_m[k], ngram[k], prev.t_m, prev.t_g) for k in parts}
    has_gray = {k: np.isin(np.arange(len(parts[k].rows)), gray[k].owner) for k in parts}
    log("shipped mirrored")

    # Mirror check: the numpy mirror against PreviousModel (ONNX Runtime through the written
    # graph) on the holdout part, and against promptgate's own verdicts (L2 on) when given.
    onnx_hold = prev.scores([r["text"] for r in hold.rows])
    mirror_diff = float(np.abs(onnx_hold - ship["hold"]).max())
    log(f"mirror vs ONNX on holdout: max |diff| {mirror_diff:.2e}")

    pg_note = ""
    if args.pg_holdout:
        pg = T.load_part(args.pg_holdout)
        pg_flag = U.load_l1(args.pg_holdout, hold.rows).l1  # L2 on: the verdicts of the whole waterfall
        mir = hold.l1 | (ship["hold"] >= prev.threshold)
        a = hold.is_att
        only_pg = [r["category"] for r, f in zip(hold.rows, pg_flag & ~mir & a) if f]
        pg_note = (f"Mirror vs promptgate's own verdicts (L2 on, serving path) on the holdout part: attacks "
                   f"{int((mir & a).sum())} vs {int((pg_flag & a).sum())} flagged ({int((mir & ~pg_flag & a).sum())} only "
                   f"by the mirror, {len(only_pg)} only by promptgate: "
                   f"{', '.join(f'{k} {v}' for k, v in collections.Counter(only_pg).most_common())}); benign "
                   f"{int((mir & ~a).sum())} vs {int((pg_flag & ~a).sum())} flagged, "
                   f"{int((mir != pg_flag)[~a].sum())} differing. promptgate's serving path also scores L2 on "
                   "de-obfuscated views of the text, which the mirror (and train.py's) does not model; baseline and "
                   "candidates are all scored by the same mirror, so the comparison is like for like.")
        log(pg_note)

    # --- ceiling -------------------------------------------------------------------------
    L("## Ceiling of any gray-region head (shipped waterfall, Python mirror, shipped threshold "
      f"{prev.threshold})")
    L("")
    t0 = prev.threshold
    rs_g = {k: T.rescale(ngram[k], prev.t_g) for k in parts}
    rs_m = {k: T.rescale(ship_m[k], prev.t_m) for k in parts}
    ceil = {}
    L("| part | attacks | missed by the shipped waterfall | of those with a gray region (max n-gram window >= "
      f"{prev.floor:.4f}) | caught only through the static head (a gray head can lose them) |")
    L("|---|---|---|---|---|")
    for k in ("cal", "hold", "fresh"):
        if k not in parts:
            continue
        d = parts[k]
        a = d.is_att
        flag = d.l1 | (ship[k] >= t0)
        miss = a & ~flag
        only_m = a & ~d.l1 & (rs_m[k] >= t0) & (rs_g[k] < t0)
        ceil[k] = (int(a.sum()), int(miss.sum()), int((miss & has_gray[k]).sum()), int(only_m.sum()))
        L(f"| {k} | {ceil[k][0]} | {ceil[k][1]} | {ceil[k][2]} | {ceil[k][3]} |")
    L("")
    L("| part | benign | waterfall FPs | L1's | L2's | L2's from the n-gram alone (no head can remove) | "
      "L2's through the static head (a gray head's ceiling) | benign texts with a gray region |")
    L("|---|---|---|---|---|---|---|---|")
    for k in ("cal", "hold", "probe", "fresh"):
        if k not in parts:
            continue
        d = parts[k]
        b = ~d.is_att
        l2 = ship[k] >= t0
        flag = d.l1 | l2
        by_g = b & ~d.l1 & (rs_g[k] >= t0)
        by_m = b & ~d.l1 & l2 & (rs_g[k] < t0)
        L(f"| {k} | {int(b.sum())} | {int((flag & b).sum())} | {int((d.l1 & b).sum())} | "
          f"{int((l2 & b & ~d.l1).sum())} | {int(by_g.sum())} | {int(by_m.sum())} | "
          f"{int((has_gray[k] & b).sum())} ({(has_gray[k] & b).mean() / b.mean() * 100:.1f}%) |")
    L("")
    log("\n".join(report))
    if args.ceiling_only:
        Path(args.out).write_text("\n".join(report) + "\n", encoding="utf-8")
        return

    # --- training set: exactly train.py's for the static head -----------------------------
    pool_all, pool, gen, texts, y, wt, generic = U.training_set(args.pool)
    trw, tro = text_windows(windower, texts, T.TRAIN_WINDOWS)
    gnw, gno = text_windows(windower, generic, T.TRAIN_WINDOWS)
    ids, lens = pad_windows(trw + gnw)
    yy = np.concatenate([y[tro], np.zeros(len(gno), int)]).astype(np.float64)
    ww = np.concatenate([wt[tro], np.full(len(gno), T.GENERIC_BENIGN_WEIGHT)])
    # Early stopping on 10% of the training texts (all windows of a text on one side).
    vrng = np.random.default_rng(SEED + 11)
    val_text = vrng.random(len(texts)) < VAL_FRACTION
    val_gen = vrng.random(len(generic)) < VAL_FRACTION
    val_mask = np.concatenate([val_text[tro], val_gen[gno]])
    log(f"training windows {len(ids)} ({len(texts)} texts + {len(generic)} generic), "
        f"validation {int(val_mask.sum())}")
    mmh = ConvHead(emb, (), 0, 1, np.zeros(256), np.ones(256), np.random.default_rng(0))
    mm = np.concatenate([mmh.meanmax(ids[s: s + 4096], lens[s: s + 4096]) for s in range(0, len(ids), 4096)])

    cand = collections.OrderedDict()
    cand["baseline: shipped L2, shipped threshold"] = dict(ship, fixed=prev.threshold)
    cand["baseline: shipped L2, recalibrated like the candidates"] = dict(ship)
    cand["shipped n-gram alone"] = dict(ngram)
    tg = U.anchor(cal, ngram["cal"])
    info = {}
    for name in names:
        kernels, ch = VARIANTS[name]
        for seed in seeds:
            tag = name if len(seeds) == 1 else f"{name} (seed {seed})"
            t_start = time.time()
            log(f"training {tag}")
            head = train_head(emb, kernels, ch, ids, lens, mm, yy, ww, val_mask, seed, max_epochs)
            train_s = time.time() - t_start
            ungated = {k: full[k].scores(head) for k in parts}
            gated = {k: gray[k].scores(head) for k in parts}
            tm = U.anchor(cal, ungated["cal"])
            cand[f"cascade(shipped n-gram, {tag} on gray regions)"] = {
                k: T.max_rescaled(gated[k], ngram[k], tm, tg) for k in parts}
            cand[f"max(shipped n-gram, {tag} on every window)"] = {
                k: T.max_rescaled(ungated[k], ngram[k], tm, tg) for k in parts}
            info[tag] = dict(train_s=train_s, macs=head.macs_per_token(), kernels=kernels, ch=ch)
            log(f"  {tag}: {train_s:.0f}s")

    # --- evaluate ----------------------------------------------------------------------------
    rows = []
    for name, sc in cand.items():
        t = sc["fixed"] if "fixed" in sc else cal.waterfall(sc["cal"])[0]
        r = dict(name=name, t=t)
        for k, d in parts.items():
            r[k] = d.l1 | (sc[k] >= t)
        roc = []
        for kk in T.ROC_FPS:
            tk = T.threshold_above(sc["hold"][~hold.is_att & ~hold.l1], kk)
            roc.append(U.pct((hold.l1 | (sc["hold"] >= tk))[hold.is_att].mean()))
        r["roc"] = " / ".join(roc)
        if "probe" in parts:
            # Diagnostic only (the threshold is read off the probe, a test set): holdout and
            # fresh waterfall recall at the threshold where the row's probe FPs match the
            # recalibrated baseline's, i.e. the candidate's trade-off at equal probe FP.
            r["probe_scores"] = sc["probe"]
        rows.append(r)
        log(f"{name[:80]:80s} t={t:.4f} cal {U.pct(r['cal'][cal.is_att].mean())}@{U.pct(r['cal'][~cal.is_att].mean())} "
            f"hold {U.pct(r['hold'][hold.is_att].mean())}@{U.pct(r['hold'][~hold.is_att].mean())}"
            + (f" probe FP {int(r['probe'].sum())}" if "probe" in parts else "")
            + (f" fresh {U.pct(r['fresh'][parts['fresh'].is_att].mean())}" if "fresh" in parts else ""))
    base = rows[1]
    if "probe" in parts:
        n_fp = int(base["probe"].sum())
        for r in rows:
            pp = r["probe_scores"][~parts["probe"].l1]
            tp = T.threshold_above(pp, n_fp - int(parts["probe"].l1.sum()))
            sc = cand[r["name"]]
            r["at_probe"] = {k: parts[k].l1 | (sc[k] >= tp) for k in parts}
    pick = max((r for r in rows if r["name"].startswith("cascade(")), key=lambda r: r["cal"][cal.is_att].mean())
    pick_any = max((r for r in rows[3:]), key=lambda r: r["cal"][cal.is_att].mean())

    L("## Whole waterfall (L1 + L1.5 verdicts with L2 off, OR the row's L2 at its threshold)")
    L("")
    L("Thresholds: `Dev.waterfall` on the calibration part (benign FP <= 0.5% in 90% of 500 bootstrap "
      "resamples), except the first row (the shipped 0.616). Anchors of the max (0.5% L2-alone FP) on the "
      "calibration part.")
    L("")
    hdr = "| candidate | threshold | calibration recall @ FP | holdout recall | holdout benign FP | holdout recall when L2 adds 1 / 2 / 5 benign FPs |"
    sep = "|---|---|---|---|---|---|"
    if "probe" in parts:
        hdr += f" probe benign FP ({len(parts['probe'].rows)}) |"
        sep += "---|"
    if "fresh" in parts:
        fr = parts["fresh"]
        hdr += f" fresh recall ({int(fr.is_att.sum())}) | fresh benign FP ({int((~fr.is_att).sum())}) |"
        sep += "---|---|"
    L(hdr)
    L(sep)
    for r in rows:
        line = (f"| {r['name']} | {r['t']:.4f} | {U.pct(r['cal'][cal.is_att].mean())} @ "
                f"{r['cal'][~cal.is_att].mean() * 100:.2f}% | {T.rate(r['hold'][hold.is_att])} | "
                f"{T.rate(r['hold'][~hold.is_att])} | {r['roc']} |")
        if "probe" in parts:
            line += f" {T.rate(r['probe'])} |"
        if "fresh" in parts:
            line += f" {T.rate(r['fresh'][fr.is_att])} | {T.rate(r['fresh'][~fr.is_att])} |"
        L(line)
    L("")
    L(f"Chosen on the calibration part among the gray-region cascades (highest calibration waterfall recall): "
      f"**{pick['name']}**; among every non-baseline row: **{pick_any['name']}**.")
    L("")
    L("### Paired against the recalibrated baseline (attacks: flagged by the row and not by the baseline / the "
      "reverse; benign: FPs added / removed; exact McNemar p)")
    L("")
    L("| candidate | holdout attacks | holdout benign | probe benign | fresh attacks |")
    L("|---|---|---|---|---|")
    for r in rows[2:]:
        cells = []
        for k, sel in (("hold", "att"), ("hold", "ben"), ("probe", "ben"), ("fresh", "att")):
            if k not in parts:
                cells.append("")
                continue
            d = parts[k]
            m = d.is_att if sel == "att" else ~d.is_att
            gn, ls, p = U.mcnemar(base[k][m], r[k][m])
            cells.append(f"+{gn} / -{ls}, p = {p:.2g}")
        L(f"| {r['name']} | " + " | ".join(cells) + " |")
    L("")
    if "probe" in parts:
        L(f"### Diagnostic: every row at the threshold that gives it the recalibrated baseline's {n_fp} probe FPs")
        L("")
        L("Read off the probe (a test set), so not an operating point: it only shows whether a candidate's "
          "extra holdout recall is a better trade-off or the same curve at a looser threshold.")
        L("")
        L("| candidate | holdout recall | holdout benign FP | fresh recall | holdout attacks vs baseline (paired) |")
        L("|---|---|---|---|---|")
        for r in rows[1:]:
            a = r["at_probe"]
            gn, ls, p = U.mcnemar(base["hold"][hold.is_att], a["hold"][hold.is_att])
            L(f"| {r['name']} | {T.rate(a['hold'][hold.is_att])} | {T.rate(a['hold'][~hold.is_att])} | "
              + (T.rate(a["fresh"][parts["fresh"].is_att]) if "fresh" in parts else "")
              + f" | +{gn} / -{ls}, p = {p:.2g} |")
        L("")
    if len(seeds) > 1:
        L(f"### Across seeds ({', '.join(map(str, seeds))}): min / mean / max of each variant")
        L("")
        L("| variant | threshold | calibration recall | holdout recall | holdout benign FPs | probe FPs | fresh recall |")
        L("|---|---|---|---|---|---|---|")
        for kind in ("cascade(shipped n-gram, {} on gray regions)", "max(shipped n-gram, {} on every window)"):
            for name in names:
                rs = [r for r in rows if r["name"] in {kind.format(f"{name} (seed {sd})") for sd in seeds}]
                if not rs:
                    continue
                def mmm(vals, fmt):
                    return " / ".join(fmt(v) for v in (min(vals), sum(vals) / len(vals), max(vals)))
                pc = lambda v: f"{v * 100:.1f}%"
                L(f"| {kind.format(name)} | {mmm([r['t'] for r in rs], lambda v: f'{v:.3f}')} | "
                  f"{mmm([r['cal'][cal.is_att].mean() for r in rs], pc)} | "
                  f"{mmm([r['hold'][hold.is_att].mean() for r in rs], pc)} | "
                  f"{mmm([float(r['hold'][~hold.is_att].sum()) for r in rs], lambda v: f'{v:.1f}')} | "
                  + (mmm([float(r['probe'].sum()) for r in rs], lambda v: f"{v:.1f}") if "probe" in parts else "")
                  + " | " + (mmm([r['fresh'][parts['fresh'].is_att].mean() for r in rs], pc) if "fresh" in parts else "")
                  + " |")
        L("")
    first = [r for r in rows[3:] if r["name"].startswith("cascade(") and (len(seeds) == 1 or f"(seed {seeds[0]})" in r["name"])]
    keyrows = [rows[0], base] + [pick] + [r for r in first if r is not pick]

    def by(d, part, key, label):
        groups = collections.defaultdict(list)
        for i, row in enumerate(d.rows):
            if (row["label"] == "attack") == (label == "attack"):
                groups[row.get(key, "?")].append(i)
        L(f"| {key} | n | L1 alone | " + " | ".join(r["name"] for r in keyrows) + " |")
        L("|---" * (3 + len(keyrows)) + "|")
        for gname, idx in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            idx = np.array(idx)
            L(f"| {gname} | {len(idx)} | {U.pct(d.l1[idx].mean())} | "
              + " | ".join(T.rate(r[part][idx]) for r in keyrows) + " |")
        L("")

    sections = [("holdout attacks by category", "hold", "category", "attack"),
                ("holdout attacks by language", "hold", "lang", "attack"),
                ("holdout benign by category (false positives)", "hold", "category", "benign")]
    if "probe" in parts:
        sections.append(("probe benign by category (false positives)", "probe", "category", "benign"))
    if "fresh" in parts:
        sections += [("fresh attacks by language", "fresh", "lang", "attack"),
                     ("fresh benign by language (false positives)", "fresh", "lang", "benign")]
    for title, part, key, label in sections:
        L(f"### {title}")
        L("")
        by(parts[part], part, key, label)

    # --- cost --------------------------------------------------------------------------------
    L("## Cost")
    L("")
    L("Static head (shipped): per window mean+max over <= 64 rows of 128 (adds) and the MLP "
      f"({2 * q.shape[1]} x {T.HIDDEN} + {T.HIDDEN} MACs). Conv: k x 128 x C MACs per token position; "
      "the token positions of a gray region's windows (each window convolved on its own, as the batch graph "
      "does) or each region token once (conv over the region, windows as max ranges; only the positions next "
      "to [CLS]/[SEP] differ).")
    L("")
    # Tokens and windows of 2 KB of benign and attack text (holdout, concatenated).
    two_kb = {}
    for lbl, m in (("benign", ~hold.is_att), ("attack", hold.is_att)):
        txt = " ".join(r["text"] for r, keep in zip(hold.rows, m) if keep)[:2048]
        tids = windower.ids([txt])[0]
        two_kb[lbl] = (len(tids) + 0, len(T.window_starts(len(tids))))
    gray_share = {k: float(has_gray[k][~parts[k].is_att].mean()) for k in parts}
    L(f"2 KB of holdout text: benign {two_kb['benign'][0]} tokens, {two_kb['benign'][1]} windows; attack "
      f"{two_kb['attack'][0]} tokens, {two_kb['attack'][1]} windows. Share of benign texts with a gray region: "
      + ", ".join(f"{k} {v * 100:.1f}%" for k, v in gray_share.items()) + ".")
    L("")
    L("| head | MACs per token (conv) | MACs per 2 KB, windows convolved each | MACs per 2 KB, region convolved once | MLP MACs per window | training time (s) |")
    L("|---|---|---|---|---|---|")
    ntok, nwin = two_kb["benign"]
    L(f"| shipped static head | 0 | 0 | 0 | {2 * q.shape[1] * T.HIDDEN + T.HIDDEN} | — |")
    for tag, inf in info.items():
        nin = 2 * q.shape[1] + inf["ch"] * len(inf["kernels"])
        L(f"| {tag} | {inf['macs']} | {inf['macs'] * nwin * T.MAX_TOKENS:,} | {inf['macs'] * (ntok + 2 * nwin):,} | "
          f"{nin * T.HIDDEN + T.HIDDEN} | {inf['train_s']:.0f} |")
    L("")
    if pg_note:
        L(pg_note)
        L("")
    L(f"Mirror check: numpy mirror vs the shipped model.onnx (ONNX Runtime) on the holdout part, max |diff| "
      f"{mirror_diff:.1e}. Gradient check (float64, kernels 3+5, central differences; max |error| / max |gradient| per parameter): {worst:.1e}.")
    Path(args.out).write_text("\n".join(report) + "\n", encoding="utf-8")
    log("wrote", args.out)


if __name__ == "__main__":
    main()
