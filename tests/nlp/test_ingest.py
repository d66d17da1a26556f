"""Ingest: encodings, HTML, provenance and refusals with a reason."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from nlp.ingest import IngestError, decode, html_to_text, iter_input_files, read_file

# Real sentences: a 2010 national report line and the 1954 report (traditional) for Big5.
SIMPLIFIED = "国内生产总值达到33.5万亿元，比上年增长8.7%；财政收入6.85万亿元，增长11.7%；城镇新增就业1102万人。"
TRADITIONAL = "我們第一屆全國人民代表大會第一次會議，在聽了劉少奇同志關於憲法草案的報告並進行了三天的討論以後，已經光榮地完成了一件歷史性的任務。"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf-16-le"),
        (b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be"),
        (SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le"),
        (SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "big5", "utf16-bom-le", "utf16-bom-be", "utf16-le", "utf16-be"],
)
def test_decode_detects_the_encodings_reports_arrive_in(data: bytes, text: str, encoding: str) -> None:
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"  \n\t ", "empty"), (b"%PDF-1.7\n%\xe2\xe3", "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")],
)
def test_decode_refuses_non_text_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as err:
        decode(data, "bad.txt")
    assert err.value.reason == reason
    assert "bad.txt" in str(err.value)


def test_html_to_text_keeps_visible_text_one_block_per_line() -> None:
    html = (
        "<html><head><title>t</title><style>p{color:red}</style><script>var x = '城镇';</script></head>"
        "<body><div>政府工作报告</div><p>我們第一屆<a href='#'>全國人民代表大會</a>第一次會議，</p><p>各位代表：<br>现在</p></body></html>"
    )
    lines = [line for line in html_to_text(html).split("\n") if line]
    assert lines == ["政府工作报告", "我們第一屆全國人民代表大會第一次會議，", "各位代表：", "现在"]


def test_read_file_records_provenance(tmp_path: Path) -> None:
    data = SIMPLIFIED.encode("gb18030")
    path = tmp_path / "报告 2010.txt"
    path.write_bytes(data)
    raw = read_file(path)
    assert raw.text == SIMPLIFIED
    assert raw.sha256 == raw.doc_id == hashlib.sha256(data).hexdigest()
    assert (raw.n_bytes, raw.encoding, raw.source) == (len(data), "gb18030", str(path))


def test_iter_input_files_walks_directories_once_and_skips_other_suffixes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r.txt").write_text("x")
    (tmp_path / "a" / "r.html").write_text("x")
    (tmp_path / "a" / "notes.md").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    found = list(iter_input_files([tmp_path, tmp_path / "a" / "r.txt"]))
    assert sorted(p.name for p in found) == ["r.html", "r.txt"]
