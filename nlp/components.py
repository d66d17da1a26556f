"""spaCy components of the shipped NER pipeline, registered through the `spacy_factories` entry point so that
`spacy.load("models/ner")` finds them in a user's own code (spaCy imports this module when it needs one)."""

from __future__ import annotations

import re

from spacy.language import Language

#: Inside a slogan there is no end of a sentence: a quote holding 。！？ is quoted speech.
_SPEECH = re.compile(r"[。！？!?]")
#: A quote followed by one of these is the title of a book or article (a media work, not a slogan).
_TITLE_AFTER = re.compile(r"[”’」』]\s*(?:一书|一文|著作|这本书|这篇文章|文章中)")


def is_quoted_speech_or_title(text: str, start: int, end: int) -> bool:
    """True when the quoted phrase text[start:end] is quoted speech or a title, which ANNOTATION.md does not
    count as SLOGAN whatever the model says (no annotated SLOGAN of the fixtures is either)."""
    return bool(_SPEECH.search(text, start, end) or _TITLE_AFTER.match(text, end))


@Language.component("govfacts_quote_filter")
def quote_filter(doc):
    """Drop SLOGAN predictions that are quoted speech or titles (the last step of the shipped pipeline)."""
    keep = [e for e in doc.ents if e.label_ != "SLOGAN" or not is_quoted_speech_or_title(doc.text, e.start_char, e.end_char)]
    if len(keep) < len(doc.ents):
        doc.ents = keep
    return doc
