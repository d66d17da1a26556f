"""Dev tool: clean + extract_metadata over the shared corpus and seeds, and print where the result disagrees with metadata.tsv.

Run from the repository root: `python -m scripts.check_metadata [--shared /work/shared]`.
Provincial reports are checked for province, level, report_year and title (the title only where the
header carries metadata.tsv's title); national reports for level and report_year; the seeds against the
hand-checked tests/data/heads/seeds/expected.tsv (seed 003 as raw text, so it also checks its repair).
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass
from pathlib import Path

from nlp.clean import clean
from nlp.metadata import Meta, extract_metadata
from nlp.settings import PROJECT_DIR

SEEDS_EXPECTED = PROJECT_DIR / "tests" / "data" / "heads" / "seeds" / "expected.tsv"
SEED_FIELDS = ("title", "province", "city", "county", "level", "region_code", "report_date", "report_year", "speaker")


@dataclass(frozen=True)
class Check:
    """One field of one document compared with its reference."""

    file: str
    field: str
    expected: str
    got: str

    @property
    def ok(self) -> bool:
        """Whether the extracted value equals the reference."""
        return self.expected == self.got


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _extract(path: Path) -> tuple[Meta, Meta, str]:
    """Metadata with and without the file name, and the cleaned text."""
    text = clean(path.read_text(encoding="utf-8")).text
    return extract_metadata(text, source=path.name), extract_metadata(text), text


def check_corpus(shared: Path) -> tuple[list[Check], list[str]]:
    """Every field check over prov2026, national and the seeds, plus notes on what was not checked."""
    checks: list[Check] = []
    notes: list[str] = []
    prov = shared / "corpus" / "reports" / "prov2026"
    for name, row in _rows(prov / "metadata.tsv").items():
        meta, _, text = _extract(prov / name)
        checks += [
            Check(name, "province", row["province"], _text(meta.province)),
            Check(name, "level", "province", _text(meta.level)),
            Check(name, "report_year", row["year"], _text(meta.report_year)),
        ]
        if row["title"] in text:
            checks.append(Check(name, "title", row["title"], _text(meta.title)))
        else:
            notes.append(f"{name}: title not compared, the header carries only {meta.title!r}")
    national = shared / "corpus" / "reports" / "national"
    reference = _rows(national / "metadata.tsv")
    from_text = 0
    paths = sorted(national.glob("*.txt"))
    for path in paths:
        meta, text_only, _ = _extract(path)
        from_text += text_only.report_year is not None
        checks.append(Check(path.name, "level", "national", _text(meta.level)))
        if path.name in reference:
            checks.append(Check(path.name, "report_year", reference[path.name]["year"], _text(meta.report_year)))
        else:
            notes.append(f"{path.name}: no metadata.tsv row; extracted report_year {meta.report_year}")
    notes.append(f"national report_year read from the text in {from_text}/{len(paths)}; the rest from the file name")
    for name, row in _rows(SEEDS_EXPECTED).items():
        meta, _, _ = _extract(shared / "seeds" / name)
        checks += [Check(name, field, row[field], _text(getattr(meta, field))) for field in SEED_FIELDS]
    return checks, notes


def main() -> None:
    """Print the mismatch table and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"), help="folder holding corpus/ and seeds/")
    args = parser.parse_args()
    start = time.perf_counter()
    checks, notes = check_corpus(args.shared)
    seconds = time.perf_counter() - start
    mismatches = [c for c in checks if not c.ok]
    print("file\tfield\texpected\tgot")
    for c in mismatches:
        print(f"{c.file}\t{c.field}\t{c.expected}\t{c.got}")
    print()
    for note in notes:
        print(f"note: {note}")
    documents = len({c.file for c in checks})
    print(
        f"\n{documents} documents, {len(checks)} field checks: {len(checks) - len(mismatches)} match, "
        f"{len(mismatches)} mismatch ({seconds:.1f} s including cleaning)"
    )


if __name__ == "__main__":
    main()
