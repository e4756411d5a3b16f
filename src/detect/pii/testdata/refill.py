#!/usr/bin/env python3
"""Refills the PHONE and US_SSN spans of a labelled PII file with fresh Faker values.

A file's frames stay as written; each of its PHONE/US_SSN records comes back `--times`
times with new phone numbers (a Faker locale of the record's language) and new SSNs,
spans moved to match. It separates the two ways a detector can fit a set: to its
frames, or to the particular numbers in them. Seed 77 by default.

    /tmp/fk/bin/python src/detect/pii/testdata/refill.py --corpus CORPUS/pii.jsonl --out /tmp/refill.jsonl
    promptgate --config l2-off.toml eval /tmp/refill.jsonl
"""

import argparse
import json
import random

from gen_common import faker_cache

# Phone locales by the record's language.
LOCALES = {"en": ["en_US", "en_US", "en_GB"], "pl": ["pl_PL"], "de": ["de_DE", "de_AT", "de_CH"],
           "fr": ["fr_FR", "fr_CH"], "es": ["es_ES", "es_MX"], "it": ["it_IT"],
           "nl": ["nl_NL", "nl_BE"], "pt": ["pt_PT", "pt_BR"]}


def refill(record, rng, fk):
    """`record` with each PHONE and US_SSN span replaced by a fresh value."""
    text, spans, shift = record["text"], [], 0
    for s in sorted(record.get("pii", []), key=lambda s: s["start"]):
        a, b = s["start"] + shift, s["end"] + shift
        if s["type"] == "PHONE":
            value = fk(rng.choice(LOCALES.get(record.get("lang"), ["en_US"]))).phone_number()
        elif s["type"] == "US_SSN":
            value = fk("en_US").ssn()
        else:
            spans.append({**s, "start": a, "end": b})
            continue
        text = text[:a] + value + text[b:]
        spans.append({**s, "start": a, "end": a + len(value)})
        shift += len(value) - (b - a)
    return {**record, "text": text, "pii": spans}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--times", type=int, default=8)
    ap.add_argument("--seed", type=int, default=77)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fk = faker_cache(args.seed)
    n = 0
    with open(args.corpus, encoding="utf-8") as src, open(args.out, "w", encoding="utf-8") as out:
        for line in src:
            record = json.loads(line)
            if not any(s["type"] in ("PHONE", "US_SSN") for s in record.get("pii", [])):
                continue
            for k in range(args.times):
                r = refill(record, rng, fk)
                r["id"] = f"{record['id']}-v{k}"
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                n += 1
    print(f"{args.out}: {n} records")


if __name__ == "__main__":
    main()
