"""Annotated fixtures: the span JSONL format (Prodigy/doccano/Label Studio style), inline markup, validation.

A fixture line is `{"text", "spans": [{"start", "end", "label"}], "meta": {"source", "doc_id", "reviewed"}}`
with character offsets into `text`. Annotators edit the inline markup `⟦1.2万|F⟧⟦人|U⟧`, which round-trips
to spans exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

LABELS = ("FIGURE", "UNIT", "SLOGAN")
_SHORT = {"F": "FIGURE", "U": "UNIT", "S": "SLOGAN"}
_LONG = {v: k for k, v in _SHORT.items()}
OPEN, SEP, CLOSE = "⟦", "|", "⟧"
_MARK = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]+?)\\|([FUS])(?:[^{CLOSE}]*)?{CLOSE}")
_EDGE_NOISE = " \t\u3000“”‘’「」『』\"'"


class FixtureError(ValueError):
    """A fixture line that breaks the format or the conventions."""


def to_markup(text: str, spans: Iterable[dict]) -> str:
    """Inline markup of a sentence and its spans."""
    out, position = [], 0
    for span in sorted(spans, key=lambda s: s["start"]):
        out.append(text[position : span["start"]])
        out.append(f"{OPEN}{text[span['start'] : span['end']]}{SEP}{_LONG[span['label']]}{CLOSE}")
        position = span["end"]
    out.append(text[position:])
    return "".join(out)


def from_markup(markup: str) -> tuple[str, list[dict]]:
    """Sentence text and spans from inline markup; raises FixtureError on stray brackets."""
    text_parts: list[str] = []
    spans: list[dict] = []
    position = 0
    length = 0
    for match in _MARK.finditer(markup):
        before = markup[position : match.start()]
        text_parts.append(before)
        length += len(before)
        inner = match.group(1)
        spans.append({"start": length, "end": length + len(inner), "label": _SHORT[match.group(2)]})
        text_parts.append(inner)
        length += len(inner)
        position = match.end()
    text_parts.append(markup[position:])
    text = "".join(text_parts)
    if OPEN in text or CLOSE in text:
        raise FixtureError(f"unbalanced markup in {markup!r}")
    return text, spans


def validate(example: dict) -> list[str]:
    """Problems of one fixture line: offsets, overlaps, labels, whitespace or quotes at span edges."""
    problems = []
    text = example.get("text")
    if not isinstance(text, str) or not text:
        return ["text is missing or empty"]
    previous_end = 0
    for span in sorted(example.get("spans", []), key=lambda s: (s.get("start", -1), s.get("end", -1))):
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            problems.append(f"span {span} is outside the text (length {len(text)})")
            continue
        if label not in LABELS:
            problems.append(f"span {span} has label {label!r}, not one of {', '.join(LABELS)}")
        if start < previous_end:
            problems.append(f"span {span} ({text[start:end]!r}) overlaps the span before it")
        if text[start] in _EDGE_NOISE or text[end - 1] in _EDGE_NOISE:
            problems.append(f"span {span} ({text[start:end]!r}) starts or ends with whitespace or a quotation mark")
        previous_end = max(previous_end, end)
    return problems


def read_jsonl(path: Path) -> Iterator[dict]:
    """Fixture lines of one file; raises FixtureError naming the file and line on bad JSON."""
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise FixtureError(f"{path}:{number}: not JSON: {err}") from err


def write_jsonl(path: Path, examples: Iterable[dict]) -> None:
    """Write fixture lines, one JSON object each."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("w", encoding="utf-8") as handle:
        for example in examples:
            handle.write(json.dumps(example, ensure_ascii=False) + "\n")


def validate_files(paths: Iterable[Path]) -> list[str]:
    """Every problem in the given fixture files, as 'file:line: problem'."""
    problems = []
    for path in paths:
        for number, example in enumerate(read_jsonl(path), 1):
            problems.extend(f"{path}:{number}: {p}" for p in validate(example))
    return problems
