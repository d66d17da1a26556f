"""Ingest: file bytes → decoded text with provenance (encoding detection, HTML → visible text)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from selectolax.lexbor import LexborHTMLParser

from nlp.settings import INPUT_SUFFIXES, MAX_INPUT_BYTES

#: Encodings a report may arrive in; detection is limited to these (Python codec names).
CANDIDATE_ENCODINGS = ("utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be")

#: Byte-order marks: (bytes, codec that drops the mark, name recorded in `documents.encoding`).
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe", "utf-16", "utf-16-le"),
    (b"\xfe\xff", "utf-16", "utf-16-be"),
)

#: Magic numbers of binary formats that sometimes arrive with a .txt name.
_BINARY_SIGNATURES = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive (docx/xlsx?)",
    b"\xd0\xcf\x11\xe0": "OLE document (doc/xls?)",
    b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "ELF executable",
}

_HTML_DROP = ["script", "style", "noscript", "template", "head", "svg"]
_HTML_BLOCKS = "p, div, br, li, tr, h1, h2, h3, h4, h5, h6, title, table, section, article, header, footer, blockquote, pre, dd, dt"


class IngestError(Exception):
    """A file that cannot be read as a report; `reason` is a short stable code."""

    def __init__(self, source: str, reason: str, detail: str) -> None:
        super().__init__(f"{source}: {reason}: {detail}")
        self.source = source
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class RawText:
    """Decoded text of one input file and where it came from."""

    source: str
    sha256: str
    n_bytes: int
    encoding: str
    text: str

    @property
    def doc_id(self) -> str:
        """Documents are keyed by the sha256 of their raw bytes."""
        return self.sha256


def iter_input_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Input files under `paths` (files as given, directories recursively), sorted, each once."""
    seen: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            candidates = sorted(_walk(path))
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve() if candidate.exists() else candidate
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(root: Path) -> Iterator[Path]:
    """Files with an input suffix below `root`, without following symlinked directories twice."""
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        stat = os.stat(dirpath)
        if (stat.st_dev, stat.st_ino) in visited:
            dirnames.clear()
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirnames.sort()
        for name in filenames:
            if name.lower().endswith(INPUT_SUFFIXES):
                yield Path(dirpath) / name


def read_file(path: Path | str) -> RawText:
    """Read one input file; raise IngestError with a specific reason when it is not a report."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise IngestError(source, "too_large", f"{size} bytes > limit {MAX_INPUT_BYTES}")
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(source, "unreadable", err.strerror or str(err)) from err
    text, encoding = decode(data, source)
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    return RawText(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        n_bytes=len(data),
        encoding=encoding,
        text=text,
    )


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode report bytes: BOM, then strict UTF-8, then charset-normalizer over the candidates."""
    if not data.strip():
        raise IngestError(source, "empty", "the file has no content")
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise IngestError(source, "binary", f"starts like a {kind}, not text")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError as err:
                raise IngestError(source, "undecodable", f"{name} byte-order mark but invalid data: {err}") from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is None:
        raise IngestError(source, "undecodable", "no supported encoding (UTF-8, GB18030, Big5, UTF-16) fits the bytes")
    return str(best), best.encoding.replace("_", "-")


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_HTML_DROP)
    for node in tree.css(_HTML_BLOCKS):
        node.insert_after("\n")
    root = tree.body or tree.root
    return root.text(separator="") if root is not None else ""
