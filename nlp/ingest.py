"""Ingest: file bytes → decoded text with provenance (encoding detection, HTML → visible text).

A file that is not a readable report raises `IngestError` with one of the stable `REASONS`; the flow
quarantines it and goes on. What ingest can repair it repairs and records in `RawText.warnings`
(a tail cut inside a character, NUL padding of an unfinished download, lines in mixed encodings).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

import charset_normalizer
import opencc
from selectolax.lexbor import LexborHTMLParser

from nlp.settings import INPUT_SUFFIXES, MAX_INPUT_BYTES

#: Why a file was refused (`quarantine.reason` at stage `ingest`); the README's "What happens to bad
#: input" section explains each one.
REASONS = {
    "empty": "no content: 0 bytes, only whitespace or NUL bytes, or a page with no visible text",
    "binary": "starts with the signature of a binary format (PDF, PNG, JPEG, GIF, ZIP/docx, OLE/doc, gzip, ELF)",
    "undecodable": "no supported encoding (UTF-8, GB18030, Big5, UTF-16) fits the bytes, or a byte-order mark with invalid data",
    "not_text": "decodes, but into control, unassigned or private-use characters, or into random-looking Han characters",
    "not_chinese": "text without Chinese: Han characters are fewer than a fifth of its letters (an English page, a table of numbers)",
    "unreadable": "cannot be opened or read: permissions, a dangling symlink or symlink loop, a FIFO, socket or device, a directory that cannot be listed",
    "too_large": "larger than MAX_INPUT_BYTES",
}

#: Encodings a report may arrive in; detection is limited to these (Python codec names).
CANDIDATE_ENCODINGS = ("utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be")
#: Legacy encodings a line that is not UTF-8 may be in (a file mixing UTF-8 and GBK lines).
LEGACY_ENCODINGS = ("gb18030", "big5")

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

#: A run of at least this many NUL bytes at the end is padding (an unfinished download), not text.
NUL_PADDING_MIN = 64
#: Refused as not_text when more than this share of the characters are control (other than line ends
#: and tabs), unassigned, private-use or surrogate characters, or U+FFFD.
MAX_NON_TEXT_SHARE = 0.10
#: Refused as not_text when a text with at least GARBLE_MIN_HAN Han characters has fewer than this
#: share of them among common_han(): what a random byte stream that happens to be valid GBK decodes to.
MIN_COMMON_HAN_SHARE = 0.20
GARBLE_MIN_HAN = 100
#: Refused as not_chinese when Han characters are fewer than this share of the letters.
MIN_HAN_SHARE = 0.20
#: The checks read the whole text up to this many characters, else evenly spaced stretches of it.
CHECK_SAMPLE_CHARS = 100_000

#: The 200 most frequent Han characters of the report excerpts in tests/data and data/samples. With
#: their traditional forms (common_han) they make up 60-85% of a real report's Han characters and
#: about 3% of random GB2312 or Big5 characters.
COMMON_SIMPLIFIED = (
    "的和国一业年大工全民人政展增建发中实化新加进产经会在了生作力设有成重社我主动济行高长改地强要持五上提"
    "农不务制推代面治个到是以平为现保十体基各出开等区定万能家入资革本坚量亿市理深义对方施分度们得合好元步"
    "多府点三四总事稳同用法企城续项下部完时品公百性取过学二表就机党九水省育心收计领效安结整防比系利服第质"
    "创位这决策共造目快支程来文技期规向活升教投调科更关村之于放自划金级善外前达正通八群内运场域导央优风值"
)

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN_RE = re.compile(f"[{_HAN}]")
#: What a line of a Chinese report decoded as UTF-8 may hold besides ASCII: Han, CJK and full-width
#: punctuation, general punctuation (“”—…). GBK bytes that happen to be valid UTF-8 give other scripts.
_NOT_CJK_TEXT = re.compile(f"[^\x00-\x7f\u00b7\u2000-\u206f\u2100-\u214f\u2460-\u24ff\u3000-\u303f\uff00-\uffef{_HAN}]")
_LINE_ENDS_AND_TABS = frozenset("\t\n\r\x0b\x0c")
_CHINESE_PUNCT = frozenset("，。、；：？！“”‘’（）《》【】——…")

_HTML_DROP = ["script", "style", "noscript", "template", "head", "svg"]
_HTML_BLOCKS = "p, div, br, li, tr, h1, h2, h3, h4, h5, h6, title, table, section, article, header, footer, blockquote, pre, dd, dt"


class IngestError(Exception):
    """A file that cannot be read as a report; `reason` is a short stable code (one of REASONS)."""

    def __init__(self, source: str, reason: str, detail: str) -> None:
        super().__init__(f"{source}: {reason}: {detail}")
        self.source = source
        self.reason = reason
        self.detail = detail

    def __reduce__(self):  # picklable with its fields (Dask workers hand exceptions back)
        return (type(self), (self.source, self.reason, self.detail))


class NotRegularFileError(OSError):
    """An input path that is a FIFO, socket, device or directory: opening it for reading could block."""


@dataclass(frozen=True)
class RawText:
    """Decoded text of one input file, where it came from, and what decoding had to repair."""

    source: str
    sha256: str
    n_bytes: int
    encoding: str
    text: str
    warnings: tuple[str, ...] = ()

    @property
    def doc_id(self) -> str:
        """Documents are keyed by the sha256 of their raw bytes."""
        return self.sha256


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, the encoding it was in and what decoding had to repair."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


# --- finding the input files ----------------------------------------------------------------
def iter_input_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Input files under `paths` (files as given, directories recursively), each once.

    A generator that walks one directory at a time (its files sorted, then its subdirectories in
    order), so a large tree is never listed into memory at once. A directory that cannot be listed
    is yielded itself, so that the run records it as unreadable instead of skipping it silently.
    """
    seen: set[str] = set()
    for path in map(Path, paths):
        candidates = _walk(path) if path.is_dir() else iter([path])
        for candidate in candidates:
            key = _identity(candidate)
            if key not in seen:
                seen.add(key)
                yield candidate


def _identity(path: Path) -> str:
    try:
        return str(path.resolve(strict=True))
    except (OSError, RuntimeError):  # dangling link, symlink loop, no permission: keep the path as given
        return str(path)


def _walk(root: Path) -> Iterator[Path]:
    """Files with an input suffix below `root`; a symlinked directory already visited is not entered again."""
    visited: set[tuple[int, int]] = set()
    unlistable: list[Path] = []

    def on_error(err: OSError) -> None:
        if err.filename is not None:
            unlistable.append(Path(err.filename))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        yield from unlistable
        unlistable.clear()
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames.clear()
            continue
        if (st.st_dev, st.st_ino) in visited:
            dirnames.clear()
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames.sort()
        for name in sorted(filenames):
            if name.lower().endswith(INPUT_SUFFIXES):
                yield Path(dirpath) / name
    yield from unlistable


def open_input(path: Path | str) -> BinaryIO:
    """Open an input file for reading without ever blocking: a FIFO, socket, device or directory
    raises NotRegularFileError (an OSError), as do the usual permission and missing-file errors."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(errno.EINVAL, f"not a regular file ({_file_kind(mode)})", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return kind
    return "not a file"


def source_name(path: Path | str) -> str:
    """The path as text for `documents.source`: bytes of a file name that are not UTF-8 (a GBK name
    unpacked from a Windows archive) are written as \\xNN escapes, which Parquet can store."""
    name = os.fspath(path)
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# --- reading one file -----------------------------------------------------------------------
def read_file(path: Path | str) -> RawText:
    """Read one input file; raise IngestError with a specific reason when it is not a report."""
    path = Path(path)
    source = source_name(path)
    try:
        with open_input(path) as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as err:
        raise IngestError(source, "unreadable", err.strerror or str(err)) from err
    if len(data) > MAX_INPUT_BYTES:
        raise IngestError(source, "too_large", f"more than the limit of {MAX_INPUT_BYTES} bytes")
    decoded = decode_text(data, source)
    text = decoded.text
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
        if not text.strip():
            raise IngestError(source, "empty", "the page has no visible text")
    check_chinese(text, source)
    return RawText(
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        n_bytes=len(data),
        encoding=decoded.encoding,
        text=text,
        warnings=decoded.warnings,
    )


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decoded text and encoding name of report bytes (see decode_text)."""
    decoded = decode_text(data, source)
    return decoded.text, decoded.encoding


def decode_text(data: bytes, source: str = "<bytes>") -> Decoded:
    """Decode report bytes: BOM, then strict UTF-8, then line by line when UTF-8 lines are mixed with
    others, then charset-normalizer over the candidates; refuse what is empty, binary or no text."""
    warnings: list[str] = []
    if not data.strip(b" \t\r\n\x0b\x0c\x00"):
        detail = "the file has no content" if not data else "the file holds only whitespace or NUL bytes"
        raise IngestError(source, "empty", detail)
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise IngestError(source, "binary", f"starts like a {kind}, not text")
    padding = len(data) - len(data.rstrip(b"\x00"))
    if padding >= NUL_PADDING_MIN:
        data = data[: len(data) - padding + padding % 2]  # an even count keeps UTF-16 code units whole
        warnings.append(f"truncated: the file ends in {padding} NUL bytes (an unfinished download?); the text may be incomplete")
    text, encoding = _decode(data, source, warnings)
    if not text.strip():
        raise IngestError(source, "empty", f"no text after decoding as {encoding}")
    check_text(text, source)
    return Decoded(text, encoding, tuple(warnings))


def _decode(data: bytes, source: str, warnings: list[str]) -> tuple[str, str]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return _decode_truncated(data, codec, warnings), name
            except UnicodeDecodeError as err:
                raise IngestError(source, "undecodable", f"{name} byte-order mark but invalid data: {err}") from err
    try:
        return _decode_truncated(data, "utf-8", warnings), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_lines(data, warnings)
    if mixed is not None:
        return mixed
    for cut in range(4):  # a legacy-encoded file cut inside its last (up to 4-byte) character
        candidates = _candidates(data[: len(data) - cut])
        if candidates:
            if cut:
                warnings.append(f"truncated: the file ends inside a character; {cut} byte(s) dropped")
            return max(candidates, key=lambda candidate: _chinese_score(candidate[0]))  # ties: the detector's
        if len(data) - cut < 2 or data[len(data) - cut - 1] < 0x80:
            break
    raise IngestError(source, "undecodable", "no supported encoding (UTF-8, GB18030, Big5, UTF-16) fits the bytes")


def _candidates(data: bytes) -> list[tuple[str, str]]:
    """(text, encoding) readings of non-UTF-8 bytes: charset-normalizer's pick first, then every
    candidate encoding that decodes the bytes strictly. Short texts are ambiguous (时间：2026 is also
    valid Big5 and UTF-16), so the caller keeps the reading that looks most like a Chinese report."""
    if not data:
        return []
    readings: list[tuple[str, str]] = []
    best = charset_normalizer.from_bytes(data, cp_isolation=list(CANDIDATE_ENCODINGS)).best()
    if best is not None:
        readings.append((str(best), best.encoding.replace("_", "-")))
    for codec in CANDIDATE_ENCODINGS[1:]:
        try:
            readings.append((data.decode(codec), codec.replace("_", "-")))
        except UnicodeDecodeError:
            continue
    return readings


def _chinese_score(text: str) -> float:
    """How much a text looks like a Chinese report: per character, 1 for a Han character common in
    reports, 0.5 for another unified Han character or Chinese punctuation, 0 for anything else."""
    sample = _sample(text)
    common = common_han()
    score = sum(1.0 if char in common else 0.5 if "\u4e00" <= char <= "\u9fff" or char in _CHINESE_PUNCT else 0.0 for char in sample)
    return score / max(1, len(sample))


def _decode_truncated(data: bytes, codec: str, warnings: list[str]) -> str:
    """Strict decoding that tolerates only a last character cut off by a truncated file."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        if err.end < len(data) or err.reason not in ("unexpected end of data", "truncated data"):
            raise
        warnings.append(f"truncated: the file ends inside a {codec} character; {len(data) - err.start} byte(s) dropped")
        return data[: err.start].decode(codec)


def _decode_lines(data: bytes, warnings: list[str]) -> tuple[str, str] | None:
    """Decode a file that is UTF-8 except for some lines, line by line; None when it is not one.

    A line is UTF-8 when it decodes as UTF-8 into Han or CJK text, or does so with at most one bad
    byte sequence in twenty characters (a UTF-8 line with a few corrupt bytes, which become U+FFFD);
    the other lines are decoded in the legacy encoding (GB18030 or Big5) detected from them together.
    """
    if data.count(b"\x00") * 100 > len(data):  # UTF-16 without a BOM: not a line-structured byte stream
        return None
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    n_utf8_han = n_utf8 = n_replaced = 0
    legacy: list[int] = []
    for index, line in enumerate(lines):
        if line.isascii():
            decoded.append(line.decode("ascii"))
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("utf-8", "replace")
            bad = text.count("\ufffd")
            is_utf8 = bad * 20 <= len(text) and bool(_HAN_RE.search(text))
            n_replaced += bad if is_utf8 else 0
        else:
            is_utf8 = bool(_HAN_RE.search(text)) or not _NOT_CJK_TEXT.search(text)  # GBK 一 is UTF-8 һ
        if not is_utf8:
            decoded.append(None)
            legacy.append(index)
            continue
        decoded.append(text)
        n_utf8 += 1
        n_utf8_han += len(_HAN_RE.findall(text))
    if n_utf8_han < 4:
        return None  # no real UTF-8 text: a legacy file, left to charset-normalizer
    encoding = "utf-8"
    if legacy:
        sample = b"\n".join(lines[i] for i in legacy)
        best = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
        codec = best.encoding if best is not None else "gb18030"
        for index in legacy:
            decoded[index] = lines[index].decode(codec, "replace")
        encoding = f"mixed:utf-8+{codec.replace('_', '-')}"
        warnings.append(f"mixed encodings: {n_utf8} line(s) in UTF-8, {len(legacy)} line(s) in {codec}; each line decoded in its own")
    if n_replaced:
        warnings.append(f"invalid UTF-8: {n_replaced} byte sequence(s) replaced by U+FFFD")
    return "\n".join(line for line in decoded if line is not None), encoding


# --- is it text, is it Chinese ---------------------------------------------------------------
@cache
def common_han() -> frozenset[str]:
    """COMMON_SIMPLIFIED with their traditional forms (mainland, Taiwan and Hong Kong standards)."""
    forms = {COMMON_SIMPLIFIED}
    for config in ("s2t", "s2tw", "s2hk"):
        forms.add(opencc.OpenCC(config).convert(COMMON_SIMPLIFIED))
    return frozenset("".join(forms))


def _sample(text: str) -> str:
    """The whole text if short, else evenly spaced stretches of it (the checks are statistical)."""
    if len(text) <= CHECK_SAMPLE_CHARS:
        return text
    n_pieces = 50
    piece = CHECK_SAMPLE_CHARS // n_pieces
    step = len(text) // n_pieces
    return "".join(text[i : i + piece] for i in range(0, step * n_pieces, step))


def check_text(text: str, source: str = "<text>") -> None:
    """Refuse decoded text that is no text (reason not_text): control, unassigned, private-use or
    surrogate characters or U+FFFD above MAX_NON_TEXT_SHARE, or random-looking Han characters."""
    sample = _sample(text)
    if not sample:
        return
    non_text = sum(
        1 for char in sample
        if char not in _LINE_ENDS_AND_TABS and (char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs"))
    )
    if non_text > MAX_NON_TEXT_SHARE * len(sample):
        raise IngestError(
            source, "not_text",
            f"{non_text / len(sample):.0%} of the decoded characters are control, unassigned or private-use characters",
        )
    han = _HAN_RE.findall(sample)
    if len(han) >= GARBLE_MIN_HAN:
        common_set = common_han()
        common = sum(1 for char in han if char in common_set)
        if common < MIN_COMMON_HAN_SHARE * len(han):
            raise IngestError(
                source, "not_text",
                f"random-looking Han characters: only {common / len(han):.0%} are common in reports (real ones: 60-80%)",
            )


def check_chinese(text: str, source: str = "<text>") -> None:
    """Refuse text without Chinese (reason not_chinese): Han characters under MIN_HAN_SHARE of its letters."""
    sample = _sample(text)
    n_han = len(_HAN_RE.findall(sample))
    n_letters = sum(1 for char in sample if char.isalpha())
    if n_han == 0 or n_han < MIN_HAN_SHARE * n_letters:
        raise IngestError(source, "not_chinese", f"{n_han} Han characters among {n_letters} letters: not a Chinese report")


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(_HTML_DROP)
    for node in tree.css(_HTML_BLOCKS):
        node.insert_after("\n")
    root = tree.body or tree.root
    return root.text(separator="") if root is not None else ""
