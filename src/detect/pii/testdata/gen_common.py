"""What the generated PII sets' scripts (`holdout.py` to `holdout5.py`, `tuning.py`,
`refill.py`) share:
their command line, a Faker per locale from one seed, SSN look-alikes, frame filling,
the phone/SSN/look-alike generation loop of the newer held-out sets, and writing the sets
as JSONL.
Only `failing_ssn` draws from the script's random generator (the one passed to it), so a
script's records depend only on its own code and seed."""

import argparse
import hashlib
import json
import pathlib
import random

from faker import Faker


def parse_args(default_seed):
    """`--seed` (default `default_seed`), `--scale` and the required `--out` directory."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=default_seed)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--out", required=True)
    return ap.parse_args()


def faker_cache(seed):
    """Seeds Faker and returns `fk(locale)`: one Faker per locale, made on first use."""
    Faker.seed(seed)
    fakers = {}

    def fk(loc):
        if loc not in fakers:
            fakers[loc] = Faker(loc)
        return fakers[loc]

    return fk


def failing_ssn(rng):
    """SSN-shaped numbers that fail the SSA rules (area 000, 666 or 9xx; group 00; serial 0000)."""
    kind = rng.randrange(5)
    a, g, s = rng.randint(1, 665), rng.randint(1, 99), rng.randint(1, 9999)
    if kind == 0:
        a = 0
    elif kind == 1:
        a = 666
    elif kind == 2:
        a = rng.randint(900, 999)
    elif kind == 3:
        g = 0
    else:
        s = 0
    return f"{a:03d}-{g:02d}-{s:04d}"


def write_sets(out, sets):
    """Writes each `{relative path: [record]}` entry of `sets` as JSONL under `out`."""
    out = pathlib.Path(out)
    for name, records in sorted(sets.items()):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        with open(out / name, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(records)} records")


def restyle(raw, rng):
    """Faker's number with its separators run together, or its groups joined by dots or hyphens."""
    groups = [g for g in raw.replace("(", " ").replace(")", " ").replace("-", " ").replace(".", " ")
              .replace("/", " ").split(" ") if g]
    if len(groups) < 2 or raw.startswith("+") or raw.startswith("00"):
        return raw
    return rng.choice(["".join(groups), ".".join(groups), "-".join(groups)])


def ssn_format(ssn, rng):
    """An SSN as Faker writes it (half the time), spaced in its groups, or bare digits."""
    d = ssn.replace("-", "")
    return rng.choice([ssn, ssn, f"{d[:3]} {d[3:5]} {d[5:]}", d])


def phone_drawer(phone_locales, international):
    """`phone(rng, fk, lang)`: a number of `lang`'s in-region (2/3) or outside (1/3) locales
    (`phone_locales[lang]` is the pair), 1/3 given a calling code by `international(raw, loc,
    rng)`, 1/5 restyled."""

    def phone(rng, fk, lang):
        inside, outside = phone_locales[lang]
        loc = rng.choice(inside) if rng.random() < 2 / 3 else rng.choice(outside)
        raw = fk(loc).phone_number().split("x")[0].strip()
        while raw.startswith("00"):  # a national number never starts with an international prefix
            raw = fk(loc).phone_number().split("x")[0].strip()
        r = rng.random()
        if r < 1 / 3:
            raw = international(raw, loc, rng)
        elif r < 1 / 3 + 1 / 5:
            raw = restyle(raw, rng)
        return raw

    return phone


def fill(frame, values):
    """Fills a frame from `values` (a callable per placeholder); returns text and spans (code points)."""
    types = {"N": "PERSON", "P": "PHONE", "S": "US_SSN", "E": "EMAIL"}
    out, spans, i = "", [], 0
    while i < len(frame):
        if (frame[i] == "{" and i + 2 < len(frame) and frame[i + 2] == "}"
                and frame[i + 1] in types):
            key = frame[i + 1]
            value = values[key]()
            spans.append({"type": types[key], "start": len(out), "end": len(out) + len(value)})
            out += value
            i += 3
        else:
            out += frame[i]
            i += 1
    return out, spans


def held_out_sets(name, default_seed, phone_frames, ssn_frames, name_locales, phone, ssn_format,
                  lookalikes):
    """The command line and generation of a held-out set named `name` (`holdout2` on): per
    language, phone records from `phone_frames` (`phone(rng, fk, lang)` draws the number) and
    SSN records from `ssn_frames`, then look-alikes (`lookalikes(rng)`) and failing SSNs.
    Records of even frames go to `tune`, odd ones to `test`."""
    args = parse_args(default_seed)
    rng = random.Random(args.seed)
    fk = faker_cache(args.seed)
    sets = {}

    def add(file, text, spans, lang, category, source, frame):
        rid = f"{name}-" + hashlib.sha256(f"{source}\0{text}".encode()).hexdigest()[:12]
        split = "tune" if frame % 2 == 0 else "test"
        sets.setdefault(f"{split}/{file}", []).append(
            {"id": rid, "text": text, "label": "benign", "category": category, "lang": lang,
             "source": f"generated:{name}:{source}:f{frame}", "pii": spans})

    for lang, frames in phone_frames.items():
        for _ in range(60 * args.scale):
            person = fk(rng.choice(name_locales[lang]))
            full = f"{person.first_name()} {person.last_name()}"
            values = {"N": lambda: full, "E": person.email, "P": lambda: phone(rng, fk, lang)}
            i = rng.randrange(len(frames))
            text, spans = fill(frames[i], values)
            add("phone.jsonl", text, spans, lang, "pii", f"phone:{lang}", i)
    us = fk("en_US")
    for lang, frames in ssn_frames.items():
        for _ in range(20 * args.scale):
            person = fk(rng.choice(name_locales[lang]))
            full = f"{person.first_name()} {person.last_name()}"
            values = {"N": lambda: full, "S": lambda: ssn_format(us.ssn(), rng)}
            i = rng.randrange(len(frames))
            text, spans = fill(frames[i], values)
            add("ssn.jsonl", text, spans, lang, "pii", f"ssn:{lang}", i)
    for _ in range(4 * args.scale):
        for i, (lang, t) in enumerate(lookalikes(rng)):
            add("negatives.jsonl", t, [], lang, "pii_hard_negative", "lookalike", i)
        for lang, frames in ssn_frames.items():
            i = rng.randrange(len(frames))
            t, _ = fill(frames[i], {"N": lambda: "the applicant", "S": lambda: failing_ssn(rng)})
            add("negatives.jsonl", t, [], lang, "pii_hard_negative", "ssn-lookalike", i)
    write_sets(args.out, sets)
