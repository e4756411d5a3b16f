#!/usr/bin/env python3
"""Measures how well L1 keeps an attack it catches once the attack is obfuscated.

For every plain (not obfuscated) attack of the input files, writes the attack as it is
and one variant per transform of `models/train/augment.py` (leetspeak, Cyrillic and
Greek homoglyphs, zero-width characters, spaced letters, full-width forms, mixed case,
base64, ROT13, reversal, a payload split into two variables, and a combination), each
with a fixed seed, so the file is the same every time. After `promptgate eval --json`
has decided the file, `report` counts, for each transform, how many variants of the
attacks caught in plain form are still caught: a variant the normalizer cannot undo is a
way around every rule at once.

Usage:
  scripts/obfuscation-probe.py write OUT.jsonl [ATTACKS.jsonl ...]   # default: tests/corpus/attacks.jsonl
  promptgate --config l2-off.toml eval OUT.jsonl --json > EVAL.json    # L1 alone ([policy.l2] enabled = false)
  scripts/obfuscation-probe.py report OUT.jsonl EVAL.json [--by-lang]

The numbers are a robustness measure of the normalizer and the rules, not a detection
rate: only attacks L1 already catches in plain form count.
"""

import collections
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "models" / "train"))
import augment  # noqa: E402  (the repository's own transforms)

TRANSFORMS = {
    "leetspeak": augment.leet,
    "homoglyph": augment.homoglyph,
    "zero_width": augment.zero_width,
    "spacing": augment.spacing,
    "fullwidth": augment.fullwidth,
    "mixed_case": augment.mixed_case,
    "base64": augment.b64,
    "rot13": augment.rot13,
    "reversed": augment.reversed_text,
    "payload_split": augment.payload_split,
    "combined": augment.combined,
}
PLAIN = "plain"


def write(out, sources):
    rows = []
    for path in sources:
        for line in open(path, encoding="utf-8"):
            rec = json.loads(line)
            if rec.get("label") != "attack" or rec.get("obfuscation") or rec["category"].startswith("obfuscated"):
                continue
            base = {"label": "attack", "lang": rec.get("lang", "en"), "source_id": rec["id"]}
            rows.append({**base, "id": f"{PLAIN}:{rec['id']}", "text": rec["text"], "category": PLAIN})
            for k, (name, transform) in enumerate(TRANSFORMS.items()):
                rng = random.Random(f"{rec['id']}:{k}")
                text = transform(rec["text"], rng)
                rows.append({**base, "id": f"{name}:{rec['id']}", "text": text, "category": name})
    with open(out, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows ({len(rows) // (len(TRANSFORMS) + 1)} attacks) -> {out}", file=sys.stderr)


def report(probe, eval_json, by_lang):
    missed = set(json.load(open(eval_json, encoding="utf-8"))["missed_attack_ids"])
    rows = [json.loads(line) for line in open(probe, encoding="utf-8")]
    caught = {r["source_id"] for r in rows if r["category"] == PLAIN and r["id"] not in missed}
    lang = {r["source_id"]: r["lang"] for r in rows}
    total = collections.Counter()
    kept = collections.Counter()
    for r in rows:
        if r["category"] == PLAIN or r["source_id"] not in caught:
            continue
        key = (r["category"], lang[r["source_id"]] if by_lang else "all")
        total[key] += 1
        kept[key] += r["id"] not in missed
    plain = sum(1 for r in rows if r["category"] == PLAIN)
    print(f"plain attacks caught by the configuration: {len(caught)} of {plain}")
    print("| transform | language | still caught |")
    print("| --- | --- | --- |")
    for key in sorted(total):
        print(f"| {key[0]} | {key[1]} | {kept[key]}/{total[key]} ({100 * kept[key] / total[key]:.0f}%) |")


def main(argv):
    if len(argv) >= 2 and argv[0] == "write":
        write(argv[1], argv[2:] or ["tests/corpus/attacks.jsonl"])
    elif len(argv) >= 3 and argv[0] == "report":
        report(argv[1], argv[2], "--by-lang" in argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
