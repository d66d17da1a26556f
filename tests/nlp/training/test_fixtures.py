"""Fixture format: markup round trip and the validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.training.fixtures import FixtureError, from_markup, to_markup, validate, validate_files, write_jsonl

SENTENCE = "推行“证照分离”“跨省通办”，新增城镇就业6.6万人。"
SPANS = [
    {"start": 3, "end": 7, "label": "SLOGAN"},
    {"start": 9, "end": 13, "label": "SLOGAN"},
    {"start": 21, "end": 25, "label": "FIGURE"},
    {"start": 25, "end": 26, "label": "UNIT"},
]


def test_markup_round_trips() -> None:
    markup = to_markup(SENTENCE, SPANS)
    assert markup == "推行“⟦证照分离|S⟧”“⟦跨省通办|S⟧”，新增城镇就业⟦6.6万|F⟧⟦人|U⟧。"
    assert from_markup(markup) == (SENTENCE, SPANS)


def test_from_markup_refuses_unbalanced_marks() -> None:
    with pytest.raises(FixtureError):
        from_markup("新增城镇就业⟦6.6万|F人。")


@pytest.mark.parametrize(
    ("spans", "problem"),
    [
        ([{"start": 21, "end": 40, "label": "FIGURE"}], "outside the text"),
        ([{"start": 21, "end": 25, "label": "MONEY"}], "label 'MONEY'"),
        ([{"start": 21, "end": 25, "label": "FIGURE"}, {"start": 24, "end": 26, "label": "UNIT"}], "overlaps"),
        ([{"start": 2, "end": 7, "label": "SLOGAN"}], "quotation mark"),
    ],
)
def test_validate_names_each_problem(spans: list[dict], problem: str) -> None:
    problems = validate({"text": SENTENCE, "spans": spans})
    assert len(problems) == 1 and problem in problems[0]


def test_validate_files_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    write_jsonl(path, [{"text": SENTENCE, "spans": SPANS}, {"text": SENTENCE, "spans": [{"start": 0, "end": 99, "label": "UNIT"}]}])
    problems = validate_files([path])
    assert len(problems) == 1 and problems[0].startswith(f"{path}:2:")
