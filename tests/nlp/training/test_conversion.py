"""Fixtures → DocBin for `spacy train`: sentences are cut into the candidate windows the pipeline reads."""

from __future__ import annotations

from pathlib import Path

from nlp.segment import make_tokenizer_nlp
from nlp.training.fixtures import from_markup
from nlp.training.ner import to_docbin


def _example(markup: str) -> dict:
    text, spans = from_markup(markup)
    return {"text": text, "spans": spans}


def test_conversion_counts_sentences_and_windows_apart(tmp_path: Path) -> None:
    examples = [
        # train-split sentences: two windows (the clause between holds no number), and none at all
        _example("全国工业增加值增长⟦百分之二十一点一|F⟧，一些重要产品产量大幅度增加，钢产量达到⟦8868万|F⟧⟦吨|U⟧。"),
        _example("大兴水利，全面加强农业农村基础设施建设。"),
    ]
    conversion = to_docbin(make_tokenizer_nlp(), examples, tmp_path / "train.spacy")
    assert (conversion.n_sentences, conversion.n_docs, conversion.n_spans) == (2, 2, 3)
    assert conversion.aligned_share == 1.0
