"""One document through the library stages: raw text → the rows it lands in the lake."""

from __future__ import annotations

from nlp.clean import Cleaned
from nlp.ingest import RawText
from nlp.land import DocumentRows
from nlp.metadata import Meta
from nlp.ner import Entity
from nlp.relations import Fact
from nlp.schema import DocumentRow, EntityRow, FactRow, SentenceRow
from nlp.settings import pipeline_version
from nlp.structure import Sentence


def document_rows(
    raw: RawText,
    cleaned: Cleaned,
    meta: Meta,
    sentences: list[Sentence],
    entities: list[Entity],
    facts: list[tuple[int, Fact]],
) -> DocumentRows:
    """Assemble the lake rows of one document from the outputs of its stages."""
    document = DocumentRow(
        doc_id=raw.doc_id,
        source=raw.source,
        sha256=raw.sha256,
        n_bytes=raw.n_bytes,
        encoding=raw.encoding,
        title=meta.title,
        province=meta.province,
        city=meta.city,
        county=meta.county,
        level=meta.level,
        region_code=meta.region_code,
        report_date=meta.report_date,
        report_year=meta.report_year,
        speaker=meta.speaker,
        n_chars=len(cleaned.text),
        text=cleaned.text,
        fixes=list(cleaned.fixes),
        warnings=[*raw.warnings, *cleaned.warnings],
        pipeline_version=pipeline_version(),
    )
    sentence_rows = [
        SentenceRow(
            doc_id=raw.doc_id,
            sent_id=i,
            start=s.start,
            end=s.end,
            section=s.section,
            section_kind=s.section_kind,
            text=s.text,
        )
        for i, s in enumerate(sentences)
    ]
    entity_rows = [EntityRow(raw.doc_id, e.sent_index, e.label, e.text, e.start, e.end) for e in entities]
    fact_rows = [
        FactRow(
            doc_id=raw.doc_id, sent_id=index, indicator=f.indicator or None, value=f.value, unit=f.unit or None,
            figure=f.figure, qualifier=f.qualifier or None, change=f.change, status=f.status,
            period_year=f.period_year, start=f.start, end=f.end,
        )
        for index, f in facts
    ]
    return DocumentRows(document=document, sentences=sentence_rows, entities=entity_rows, facts=fact_rows)
