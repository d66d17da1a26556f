"""Check a filled facts annotation file: every field set, values of the allowed kinds, indicators taken from the sentence.

    python -m scripts.check_facts data/annotations/work/facts_00.reviewed.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

QUALIFIERS = {"", "about", "at_least", "at_most"}
CHANGES = {"level", "increase", "decrease"}
STATUSES = {"actual", "expected", "target"}


def check(path: Path) -> list[str]:
    """Problems in one filled file, compared with the unfilled original of the same name without .reviewed."""
    original = [json.loads(line) for line in path.with_name(path.name.replace(".reviewed", "")).read_text(encoding="utf-8").splitlines()]
    filled = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    problems = []
    if [r["id"] for r in filled] != [r["id"] for r in original]:
        problems.append("records differ from the original (ids, order or count)")
    for record, before in zip(filled, original):
        rid = record["id"]
        if record["text"] != before["text"] or [(f["start"], f["end"]) for f in record["facts"]] != [(f["start"], f["end"]) for f in before["facts"]]:
            problems.append(f"{rid}: text or figure offsets changed")
        for fact in record["facts"]:
            where = f"{rid} figure {fact['figure']!r}"
            if not isinstance(fact.get("indicator"), str) or (fact["indicator"] and fact["indicator"] not in record["text"]):
                problems.append(f"{where}: indicator must be a phrase copied from the sentence (or \"\" if none), got {fact.get('indicator')!r}")
            if not isinstance(fact.get("value"), (int, float)) or isinstance(fact.get("value"), bool):
                problems.append(f"{where}: value must be a number, got {fact.get('value')!r}")
            if not isinstance(fact.get("unit"), str):
                problems.append(f"{where}: unit must be a string (\"\" if none), got {fact.get('unit')!r}")
            if fact.get("qualifier") not in QUALIFIERS:
                problems.append(f"{where}: qualifier {fact.get('qualifier')!r} not in {sorted(QUALIFIERS)}")
            if fact.get("change") not in CHANGES:
                problems.append(f"{where}: change {fact.get('change')!r} not in {sorted(CHANGES)}")
            if fact.get("status") not in STATUSES:
                problems.append(f"{where}: status {fact.get('status')!r} not in {sorted(STATUSES)}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("filled", type=Path)
    problems = check(parser.parse_args().filled)
    print("\n".join(problems) or "ok")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
