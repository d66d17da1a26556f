"""NER: sentences → FIGURE, UNIT and SLOGAN spans, with offsets into the document's cleaned text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.normalize import CHINESE_YEAR
from nlp.settings import RESOURCES_DIR, get_settings
from nlp.structure import Sentence

if TYPE_CHECKING:
    from spacy.language import Language

#: A sentence without a digit, a Chinese numeral or an opening quote holds no FIGURE, UNIT or SLOGAN,
#: so it is not sent through the tokenizer and the model at all.
_CANDIDATE = re.compile(r"[0-9０-９一二两三四五六七八九十百千万亿半〇零“‘「『]")
#: Numeral characters that are no number: listed words (进一步, 统一, 第一), enumerations, Chinese-numeral years.
_ENUMERATION = r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）"


@lru_cache(maxsize=1)
def not_numbers() -> re.Pattern[str]:
    """Words, enumerations and years whose numeral characters are no number (nlp/resources/not_numbers.txt)."""
    lines = (RESOURCES_DIR / "not_numbers.txt").read_text(encoding="utf-8").splitlines()
    words = sorted((w.strip() for w in lines if w.strip() and not w.startswith("#")), key=len, reverse=True)
    return re.compile("|".join([*map(re.escape, words), _ENUMERATION, CHINESE_YEAR + "年"]))


#: Windows per nlp.pipe batch: 64 runs as fast as 256 with 90 MB less peak memory per process (measured).
BATCH_SIZE = 64


@dataclass(frozen=True)
class Entity:
    """One entity: the index of its sentence, its label and character offsets into the document text."""

    sent_index: int
    label: str
    start: int
    end: int
    text: str


def default_model() -> Path:
    """The shipped NER pipeline: $GOVFACTS_MODELS/ner (models/ner in the repository)."""
    return get_settings().models / "ner"


def require_pipeline(path: Path | None = None) -> Path:
    """The pipeline's directory; FileNotFoundError, saying what to do, when no trained pipeline is there."""
    path = Path(path or default_model())
    if not (path / "meta.json").exists():
        raise FileNotFoundError(f"no trained NER pipeline at {path}: it ships in models/ner, or retrain it with `govfacts train`")
    return path


@lru_cache(maxsize=2)
def load_pipeline(path: Path | None = None) -> Language:
    """The trained pipeline (tokenizer, boundary rules, NER, quote filter), loaded once per process.

    spaCy is imported here, not with this module: a flow that hands documents to worker processes never
    loads a pipeline itself, and the import would cost it ~50 MB."""
    import spacy

    from nlp import components, segment  # noqa: F401  (register the tokenizer and the quote filter)

    return spacy.load(require_pipeline(path))


def candidate_windows(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of a sentence the NER needs to read: runs of clauses (split at ，；：
    outside quotes) that hold a digit, a Chinese numeral or a quotation mark, not counting the numerals of
    words that are no number (进一步, 第一: nlp/resources/not_numbers.txt). The rest cannot hold an entity."""
    windows: list[tuple[int, int]] = []
    start = 0
    depth = 0
    bounds = []
    for i, char in enumerate(text):
        if char in "“‘「『":
            depth += 1
        elif char in "”’」』" and depth:
            depth -= 1
        elif char in "，；：" and not depth:
            bounds.append((start, i + 1))
            start = i + 1
    if start < len(text):
        bounds.append((start, len(text)))
    masked = not_numbers().sub(lambda m: "\0" * len(m.group()), text)  # same offsets, no candidate there
    for clause_start, clause_end in bounds:
        if not _CANDIDATE.search(masked, clause_start, clause_end):
            continue
        if windows and windows[-1][1] == clause_start:
            windows[-1] = (windows[-1][0], clause_end)
        else:
            windows.append((clause_start, clause_end))
    return windows


def find_entities(sentences: Sequence[Sentence], nlp: Language | None = None) -> list[Entity]:
    """Entities of a document's sentences, in order; only the candidate windows go through the pipeline."""
    nlp = nlp or load_pipeline()
    pieces = [
        (index, sentence.start + start, sentence.text[start:end])
        for index, sentence in enumerate(sentences)
        for start, end in candidate_windows(sentence.text)
    ]
    entities = []
    docs = nlp.pipe((text for _, _, text in pieces), batch_size=BATCH_SIZE)
    for (index, offset, _), doc in zip(pieces, docs):
        for ent in doc.ents:
            start = offset + ent.start_char
            entities.append(Entity(index, ent.label_, start, start + len(ent.text), ent.text))
    return entities
