"""Word segmentation: the shipped pkuseg model inside spaCy, plus number/unit boundary rules.

The tokenizer is spaCy's Chinese tokenizer configured with ``segmenter = "pkuseg"`` and
``[initialize.tokenizer] pkuseg_model`` (see ``configs/tokenizer.cfg``); the registered
``govfacts.ChineseTokenizer.v1`` only adds one step after pkuseg: ``apply_boundaries``, which
guarantees the token boundaries the NER relies on whatever the statistical model did:

* a boundary between a figure and its unit, and around ``%``/``％``/``‰`` (``3%`` → ``3`` ``%``);
* a figure keeps its decimals, thousands separators and magnitude (``35.49``, ``10,531``,
  ``1.2万``, ``2.1亿``, ``12万亿``) in one token, and after ``余``/``多`` the magnitude starts the
  next token (``8000余万元`` → ``8000`` ``余`` ``万元``/``万`` ``元``);
* identifiers stay whole (``PM2.5``, ``G60``, ``C919``, ``5G``, ``5A``);
* dates stay PKU-style, one token a part (``2022年`` ``12月`` ``19日``);
* a number in Chinese numerals with a magnitude, a decimal part or as a written-out percentage is one
  token, cut from its classifier (``三十|一个`` → ``三十一`` ``个``, ``零|点|八|倍`` → ``零点八`` ``倍``,
  ``百分之|二十八`` → ``百分之二十八``), not after ``第``; the complement ``好`` is cut from a count after it;
* brackets, ``/`` and ASCII ``,;:!?`` are tokens of their own (``套`` ``（`` ``间`` ``）``,
  ``微克`` ``/`` ``立方米``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from spacy import util
from spacy.errors import Errors
from spacy.lang.zh import ChineseTokenizer, Segmenter, try_pkuseg_import
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab

from nlp.settings import PROJECT_DIR, get_settings

TOKENIZER_NAME = "govfacts.ChineseTokenizer.v1"
CONFIG_PATH = PROJECT_DIR / "configs" / "tokenizer.cfg"
USER_DICT_NAME = "user_dict.txt"

# --- boundary rules ---------------------------------------------------------------------------
# A magnitude written after a number belongs to the figure (ANNOTATION.md): 万, 亿, 万亿, 千万,
# 百万, 千亿, 百亿; a bare 千 only where it is not the start of a unit (千瓦, 千伏, 千米, 千克 ...).
_KILO = r"千(?![瓦伏米克卡焦帕赫兆公顷])"
_MAGNITUDE = rf"(?:万亿|千亿|百亿|千万|百万|亿|万|{_KILO})"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:[.．]\d+)?|\d+(?:[.．]\d+)?"
_BOUNDARY_PATTERN = re.compile(
    # every alternative starts with one of these: the lookahead lets the scan skip other characters
    # at once instead of trying each alternative there (5x faster on report text, same matches)
    r"(?=[\dA-Za-z余多%％‰()（）/／“”‘’「」『』《》,;:!?])(?:"
    # dates, PKU-style: one token per part
    r"(?P<date>(?<![\d.．,])(?:(?:1[89]|20)\d{2}年|(?:1[0-2]|0?[1-9])月|(?:3[01]|[12]\d|0?[1-9])日))"
    # identifiers: letters+digits (PM2.5, G60, C919, COP15), digits+one capital (5G, 5A, 3D)
    r"|(?P<ident>[A-Za-z]+\d+(?:\.\d+)?|(?<![\d.．,])\d+[A-Z](?![A-Za-z]))"
    # figures: number with decimals/thousands and an optional magnitude
    rf"|(?P<figure>(?<![\d.．,])(?:{_NUMBER}){_MAGNITUDE}?)"
    # 余/多 between a number and its magnitude: the magnitude starts the unit
    r"|(?P<approx>(?<=\d)[余多](?=[万亿千百]))"
    # symbols that are always their own token, quotation marks included; ASCII ,;:!? too (the
    # model, trained on full-width punctuation, glues them to words: 米; 低,) — a thousands
    # comma is inside a figure match and never reaches this group
    r"|(?P<symbol>[%％‰()（）/／“”‘’「」『』《》,;:!?]))"
)


# A number written in Chinese numerals is one token, cut from what follows it, where pkuseg cuts
# inside it or glues it to its classifier: with a magnitude (三十|一个 → 三十一|个, 二百○八|所), with a
# decimal part (零|点|八 → 零点八, 二十一点七), or as a written-out percentage (百分之|二十八 → 百分之二十八,
# 百分之十四点一). Not after 第 (an ordinal); years digit by digit (一九八○) have neither magnitude nor
# decimal; 两 inside a number only before a magnitude (一万两千, but 七万万|两 where 两 is the tael);
# 一点一滴 and 三点一线 are idioms.
_CN_DIGIT = "〇○零一二两三四五六七八九"
_CN_DIGIT_NOT_TAEL = "〇○零一二三四五六七八九"
_CN_INTEGER = (
    rf"[{_CN_DIGIT}]*(?:[十百万亿]|{_KILO})"
    rf"(?:[{_CN_DIGIT_NOT_TAEL}十百万亿]|{_KILO}|两(?=[十百千万亿]))*"
)
_CN_DECIMAL = rf"点[{_CN_DIGIT_NOT_TAEL}]+(?![滴线])"
_CHINESE_NUMBER = re.compile(
    rf"(?<![第点\d.．{_CN_DIGIT}十百千万亿])(?<!分之)"
    rf"(?:[百千]分之(?:{_CN_INTEGER}|[{_CN_DIGIT}]+)(?:{_CN_DECIMAL})?"
    rf"|{_CN_INTEGER}(?:{_CN_DECIMAL})?"
    rf"|[{_CN_DIGIT}]+{_CN_DECIMAL})"
)
# pkuseg glues the complement 好 to a count that follows it (干好四|件, 办好十|方面, 把握好三|点)
_GLUED_COMPLEMENT = re.compile(r"(?<=好)(?=[一二两三四五六七八九十])")


def _token_boundaries(text: str, words: Sequence[str]) -> set[int]:
    """Offsets in ``text`` where a token of ``words`` starts or ends (pkuseg drops whitespace)."""
    lengths = list(map(len, words))
    if sum(lengths) == len(text):  # no whitespace: offsets are running sums
        bounds = set(accumulate(lengths))
        bounds.add(0)
        return bounds
    bounds, pos = set(), 0
    for word in words:
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(f"token {word!r} not found in text after offset {pos}: {text!r}")
        pos = start + len(word)
        bounds.add(start)
        bounds.add(pos)
    return bounds


def apply_boundaries(text: str, words: Sequence[str]) -> list[str]:
    """Re-cut ``words`` (a segmentation of ``text``) so figures, units and symbols align."""
    required: set[int] = set()
    forbidden: set[int] = set()
    for match in _BOUNDARY_PATTERN.finditer(text):
        start, end = match.span()
        required.add(start)
        required.add(end)
        if end - start > 1 and match.lastgroup != "symbol":
            forbidden.update(range(start + 1, end))
    for match in _CHINESE_NUMBER.finditer(text):
        start, end = match.span()
        if end - start > 1:
            required.update((start, end))
            forbidden.update(range(start + 1, end))
    required.update(match.start() for match in _GLUED_COMPLEMENT.finditer(text))
    if not required:  # no figure, identifier, date or symbol: pkuseg's cut stands
        return list(words)
    current = _token_boundaries(text, words)
    if required <= current and not (forbidden & current):
        return list(words)
    cuts = sorted((current | required) - forbidden)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = text[a:b]
        if piece and not piece.isspace():
            out.append(piece)
    return out


# --- pkuseg and the spaCy tokenizer ---------------------------------------------------------
def load_pkuseg(model_dir: Path | str, *, user_dict: Path | str | None = None,
                default_dict: bool = False) -> Any:
    """A ``spacy_pkuseg.pkuseg`` for ``model_dir``, with ``user_dict`` and without pkuseg's
    built-in default-dictionary merging unless ``default_dict``."""
    import spacy_pkuseg

    if default_dict:
        seg = try_pkuseg_import(str(model_dir), str(user_dict) if user_dict else "default")
        if user_dict is None:
            seg.preprocesser = spacy_pkuseg.Preprocesser(None)
        return seg
    # user_dict=None skips loading pkuseg's 4.5 MB default word lists; spaCy's serialisation
    # still expects the (empty) lists on the postprocessor.
    seg = try_pkuseg_import(str(model_dir), None)
    seg.preprocesser = spacy_pkuseg.Preprocesser(str(user_dict) if user_dict else None)
    seg.postprocesser.common_words = set()
    seg.postprocesser.other_words = set()
    return seg


class GovfactsChineseTokenizer(ChineseTokenizer):
    """spaCy's Chinese tokenizer (pkuseg) followed by the govfacts boundary rules."""

    def __init__(self, vocab: Vocab, segmenter: Segmenter = Segmenter.pkuseg, *,
                 boundary_rules: bool = True, default_dict: bool = False) -> None:
        super().__init__(vocab, segmenter=segmenter)
        self.boundary_rules = boundary_rules
        self.default_dict = default_dict

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   pkuseg_model: str | None = None,
                   pkuseg_user_dict: str | None = "default") -> None:
        """Load the pkuseg model; ``pkuseg_user_dict`` None or "default" means no user words."""
        if self.segmenter == Segmenter.pkuseg:
            if pkuseg_model is None:
                raise ValueError(
                    "[initialize.tokenizer] pkuseg_model is not set: point it at the shipped "
                    "model directory (models/pkuseg)"
                )
            user_dict = None if pkuseg_user_dict in (None, "default") else pkuseg_user_dict
            self.pkuseg_seg = load_pkuseg(pkuseg_model, user_dict=user_dict,
                                          default_dict=self.default_dict)
        else:
            super().initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model,
                               pkuseg_user_dict=pkuseg_user_dict)

    def __call__(self, text: str) -> Doc:
        if self.segmenter != Segmenter.pkuseg:
            return super().__call__(text)
        if self.pkuseg_seg is None:
            raise ValueError(Errors.E1000)
        words = self.pkuseg_seg.cut(text)
        if self.boundary_rules:
            words = apply_boundaries(text, words)
        if sum(map(len, words)) == len(text):  # pkuseg drops only whitespace, and there was none
            spaces = [False] * len(words)
        else:
            words, spaces = util.get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def _get_config(self) -> dict[str, Any]:
        return {**super()._get_config(), "boundary_rules": self.boundary_rules,
                "default_dict": self.default_dict}

    def _set_config(self, config: dict[str, Any] = {}) -> None:  # noqa: B006 (spaCy's signature)
        super()._set_config(config)
        self.boundary_rules = config.get("boundary_rules", True)
        self.default_dict = config.get("default_dict", False)


@registry.tokenizers(TOKENIZER_NAME)
def create_tokenizer(segmenter: str = "pkuseg", boundary_rules: bool = True,
                     default_dict: bool = False) -> Callable[[Language], GovfactsChineseTokenizer]:
    """spaCy's Chinese tokenizer plus the govfacts number/unit boundary rules."""

    def make(nlp: Language) -> GovfactsChineseTokenizer:
        return GovfactsChineseTokenizer(nlp.vocab, segmenter=segmenter,
                                        boundary_rules=boundary_rules, default_dict=default_dict)

    return make


def default_model_dir() -> Path:
    """The shipped model: ``$GOVFACTS_MODELS/pkuseg`` (``models/pkuseg`` in the repository)."""
    return get_settings().models / "pkuseg"


def make_tokenizer_nlp(model_dir: Path | str | None = None, *, user_dict: bool = True,
                       boundary_rules: bool = True) -> Language:
    """``spacy.blank("zh")`` whose tokenizer is the shipped pkuseg model plus boundary rules.

    Built from ``configs/tokenizer.cfg``; cached, so the model loads once per process for each
    set of arguments.
    """
    model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
    return _cached_tokenizer_nlp(model_dir.resolve(), user_dict, boundary_rules)


def build_tokenizer_nlp(model_dir: Path, *, user_dict: bool = True,
                        boundary_rules: bool = True) -> Language:
    """Like ``make_tokenizer_nlp`` but always loads afresh (after retraining a model)."""
    model_dir = Path(model_dir).resolve()
    for name in ("features.msgpack", "weights.npz"):
        if not (model_dir / name).is_file():
            raise FileNotFoundError(
                f"pkuseg model file {model_dir / name} is missing: the shipped model lives in "
                "models/pkuseg (set GOVFACTS_MODELS) or retrain it with `govfacts train-segmenter`"
            )
    dict_path = model_dir / USER_DICT_NAME
    overrides = {
        "paths.pkuseg_model": str(model_dir),
        "paths.pkuseg_user_dict": str(dict_path) if user_dict and dict_path.is_file() else None,
        "nlp.tokenizer.boundary_rules": boundary_rules,
    }
    config = util.load_config(CONFIG_PATH, overrides=overrides, interpolate=False)
    nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
    nlp.initialize()
    return nlp


@lru_cache(maxsize=4)
def _cached_tokenizer_nlp(model_dir: Path, user_dict: bool, boundary_rules: bool) -> Language:
    return build_tokenizer_nlp(model_dir, user_dict=user_dict, boundary_rules=boundary_rules)


def segment(text: str, nlp: Language | None = None) -> Doc:
    """Tokenize one text (a sentence) with the shipped tokenizer."""
    return (nlp or make_tokenizer_nlp())(text)
