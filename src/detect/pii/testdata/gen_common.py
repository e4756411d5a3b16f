"""What the generated PII sets' scripts (`holdout.py`, `holdout2.py`, `tuning.py`) share:
their command line, a Faker per locale from one seed, SSN look-alikes, and writing the
sets as JSONL.
Only `failing_ssn` draws from the script's random generator (the one passed to it), so a
script's records depend only on its own code and seed."""

import argparse
import json
import pathlib

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
