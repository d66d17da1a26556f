"""spaCy components of the shipped NER pipeline, registered through the `spacy_factories` entry point so that
`spacy.load("models/ner")` finds them in a user's own code (spaCy imports this module when it needs one)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import ensure_path

from nlp.normalize import FIGURE_CHARACTERS, FIGURE_SEPARATORS

#: A closed quotation: “…”, ‘…’, 「…」 or 『…』 (ANNOTATION.md: a SLOGAN is the text inside the marks).
QUOTED = re.compile(r"“([^“”]+)”|‘([^‘’]+)’|「([^「」]+)」|『([^『』]+)』")
#: Inside a slogan there is no end of a sentence: a quote holding 。！？ is quoted speech.
_SPEECH = re.compile(r"[。！？!?]")
#: A quote right after one of these verbs is what somebody said (毛主席说过，“…”; 人们所说的“大老虎”).
_SPEECH_BEFORE = re.compile(r"(?:说|说过|讲过|指出|所说的)[，：,:]?\s*$")
#: A quote followed by one of these is the title of a book or article (a media work, not a slogan).
_TITLE_AFTER = re.compile(r"[”’」』]\s*(?:一书|一文|著作|这本书|这篇文章|文章中)")


def is_quoted_speech_or_title(text: str, start: int, end: int) -> bool:
    """True when the quoted phrase text[start:end] is quoted speech or a title, which ANNOTATION.md does not
    count as SLOGAN whatever the model says (no annotated SLOGAN of the fixtures is either)."""
    return bool(
        _SPEECH.search(text, start, end)
        or _SPEECH_BEFORE.search(text, max(0, start - 6), max(0, start - 1))
        or _TITLE_AFTER.match(text, end)
    )


def quoted_phrases(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the text inside each closed pair of quotation marks, surrounding whitespace left out."""
    for match in QUOTED.finditer(text):
        group = next(k for k in range(1, 5) if match.group(k) is not None)
        start, end = match.span(group)
        phrase = match.group(group)
        start += len(phrase) - len(phrase.lstrip())
        end -= len(phrase) - len(phrase.rstrip())
        if start < end:
            yield start, end


def _ngrams(tag: str, text: str) -> Iterator[str]:
    for n in (1, 2, 3):
        for i in range(len(text) - n + 1):
            yield f"{tag}{n}:{text[i : i + n]}"


def quote_features(text: str, start: int, end: int, left: int, right: int) -> set[str]:
    """What the quote classifier reads of one quoted phrase: character 1-3-grams of the phrase (with its
    edges), of the `left` characters before the opening mark and the `right` after the closing one (with
    the grams that touch the marks kept apart), and the phrase's length, digits and inner punctuation."""
    phrase = text[start:end]
    before = text[max(0, start - 1 - left) : max(0, start - 1)] + "<"
    after = ">" + text[end + 1 : end + 1 + right]
    features = {*_ngrams("Q", f"^{phrase}$"), *_ngrams("L", before), *_ngrams("R", after)}
    features.update(f"LE{n}:{before[-n:]}" for n in (1, 2, 3))
    features.update(f"RB{n}:{after[:n]}" for n in (1, 2, 3))
    features.add(f"LEN:{min(len(phrase), 12)}")
    features.add(f"DIG:{any(c.isdigit() for c in phrase)}")
    features.add(f"PUNC:{any(c in '，、；：' for c in phrase)}")
    return features


@Language.factory("govfacts_figure_check")
def make_figure_check(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return figure_check


def figure_check(doc: Doc) -> Doc:
    """Trims separators off the edges of FIGURE entities (`1／4，` → `1／4`) and drops those written with a
    character no number is written with (`normalize.FIGURE_CHARACTERS`): a year with its 年 (`一九四五年`,
    `1983年`, one token each) or a name that starts with a numeral (`二连浩特`), which the guidelines never count
    as FIGUREs, so such a span can never be right."""
    ents, changed = [], False
    for ent in doc.ents:
        if ent.label_ == "FIGURE":
            start, end = ent.start, ent.end
            while start < end and FIGURE_SEPARATORS.issuperset(doc[start].text):
                start += 1
            while end > start and FIGURE_SEPARATORS.issuperset(doc[end - 1].text):
                end -= 1
            if start == end or not FIGURE_CHARACTERS.issuperset(doc[start:end].text):
                changed = True
                continue
            if (start, end) != (ent.start, ent.end):
                ent, changed = Span(doc, start, end, label="FIGURE"), True
        ents.append(ent)
    if changed:
        doc.ents = ents
    return doc


@Language.factory("govfacts_quote_classifier")  # its settings have one home: [components.quotes] of configs/ner.cfg
def make_quote_classifier(
    nlp: Language, name: str, threshold: float, c: float, left: int, right: int, min_weight: float
) -> QuoteClassifier:
    return QuoteClassifier(name, threshold=threshold, c=c, left=left, right=right, min_weight=min_weight)


class QuoteClassifier:
    """Decides, for every closed quotation of a doc, whether it is a SLOGAN (the last step of the shipped pipeline).

    A SLOGAN's span is the text inside the quotation marks (ANNOTATION.md), so its boundaries are known and
    the question is only yes or no; that depends on the phrase and on the words around it (批判…的谬论,
    弘扬…精神), often further away than the NER's window reaches. A logistic regression over character
    n-grams of the phrase and its context, fitted on the training split's quotations when the pipeline is
    initialized (scikit-learn, at training time only), answers it. Quoted speech and titles are never
    slogans. Where the answer is yes, the phrase becomes one SLOGAN span in place of whatever the NER found
    inside it; where it is no, the NER's SLOGAN there is dropped and its figures and units stay. Phrases whose
    edges do not fall on token boundaries keep the NER's decision, as do unclosed quotations.

    Settings (configs/ner.cfg): `threshold` on the probability, the regularisation `c`, the `left` and `right`
    context in characters, and `min_weight`, under which a learnt weight is not kept (a smaller model)."""

    def __init__(self, name: str, *, threshold: float, c: float, left: int, right: int, min_weight: float) -> None:
        self.name = name
        self.threshold, self.c, self.left, self.right, self.min_weight = threshold, c, left, right, min_weight
        self.weights: dict[str, float] = {}
        self.bias = 0.0

    def probability(self, text: str, start: int, end: int) -> float:
        """How likely the quoted phrase text[start:end] is a SLOGAN."""
        z = self.bias + sum(self.weights.get(f, 0.0) for f in quote_features(text, start, end, self.left, self.right))
        return 1.0 / (1.0 + math.exp(-z))

    def is_slogan(self, text: str, start: int, end: int) -> bool:
        return not is_quoted_speech_or_title(text, start, end) and self.probability(text, start, end) >= self.threshold

    def __call__(self, doc: Doc) -> Doc:
        if not self.weights:
            raise ValueError(f"the {self.name!r} component is not initialized: train the pipeline with `govfacts train`")
        ents = list(doc.ents)
        changed = False
        for start, end in quoted_phrases(doc.text):
            inside = [e for e in ents if e.start_char < end and start < e.end_char]
            if self.is_slogan(doc.text, start, end):
                span = doc.char_span(start, end, label="SLOGAN")
                if span is None or any(e.start_char < start or e.end_char > end for e in inside):
                    continue  # edges off the tokens, or an entity crossing the marks: the NER's answer stands
                if [(e.start, e.end, e.label_) for e in inside] != [(span.start, span.end, "SLOGAN")]:
                    ents = [e for e in ents if e not in inside] + [span]
                    changed = True
            else:
                slogans = [e for e in inside if e.label_ == "SLOGAN"]
                if slogans:
                    ents = [e for e in ents if e not in slogans]
                    changed = True
        if changed:
            doc.ents = sorted(ents, key=lambda e: e.start)
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        """Fit the classifier on the quotations of the training examples (gold: a SLOGAN span on the phrase)."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        features, labels = [], []
        for example in get_examples():
            gold = example.reference
            slogans = {(e.start_char, e.end_char) for e in gold.ents if e.label_ == "SLOGAN"}
            for start, end in quoted_phrases(gold.text):
                features.append(dict.fromkeys(quote_features(gold.text, start, end, self.left, self.right), 1))
                labels.append((start, end) in slogans)
        if len(set(labels)) < 2:
            raise ValueError(
                f"the {self.name!r} component learns from the training split's quotations, which must hold both "
                f"slogans and quoted phrases that are not (found {len(labels)} quotations, {sum(labels)} of them slogans)"
            )
        vectorizer = DictVectorizer()
        model = LogisticRegression(C=self.c, max_iter=5000).fit(vectorizer.fit_transform(features), labels)
        self.bias = round(float(model.intercept_[0]), 4)
        self.weights = {
            f: round(float(w), 4)
            for f, w in zip(vectorizer.feature_names_, model.coef_[0], strict=True)
            if abs(w) >= self.min_weight
        }

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_msgpack(path / "model.msgpack", {"bias": self.bias, "weights": self.weights})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> QuoteClassifier:
        data = srsly.read_msgpack(ensure_path(path) / "model.msgpack")
        self.bias, self.weights = data["bias"], data["weights"]
        return self
