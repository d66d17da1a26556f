"""Check a reviewed annotation batch: markup round-trips to the original sentence, spans follow the format.

    python -m scripts.check_batch data/annotations/work/batch_00.reviewed.tsv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nlp.training.fixtures import FixtureError, from_markup, validate


def check(reviewed: Path) -> list[str]:
    """Problems in a reviewed batch compared with its original (same name without .reviewed)."""
    original = reviewed.with_name(reviewed.name.replace(".reviewed", ""))
    texts = {}
    for line in original.read_text(encoding="utf-8").splitlines()[1:]:
        sid, *_, markup = line.split("\t")
        texts[sid] = from_markup(markup)[0]
    problems, seen = [], set()
    for number, line in enumerate(reviewed.read_text(encoding="utf-8").splitlines()[1:], 2):
        fields = line.split("\t")
        if len(fields) != 5:
            problems.append(f"line {number}: expected 5 tab-separated columns, got {len(fields)}")
            continue
        sid, markup = fields[0], fields[4]
        seen.add(sid)
        try:
            text, spans = from_markup(markup)
        except FixtureError as err:
            problems.append(f"line {number} ({sid}): {err}")
            continue
        if texts.get(sid) != text:
            problems.append(f"line {number} ({sid}): the sentence text differs from the original")
        problems.extend(f"line {number} ({sid}): {p}" for p in validate({"text": text, "spans": spans}))
    missing = set(texts) - seen
    if missing:
        problems.append(f"{len(missing)} sentence(s) of the original are missing, e.g. {sorted(missing)[:5]}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reviewed", type=Path)
    problems = check(parser.parse_args().reviewed)
    print("\n".join(problems) or "ok")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
