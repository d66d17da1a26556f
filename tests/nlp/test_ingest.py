"""Ingest: encodings, HTML, provenance, refusals with a reason, and the bad-input corpus of tests/data/bad."""

from __future__ import annotations

import errno
import hashlib
import inspect
import os
import re
import threading
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import ingest
from tests.data.bad import make_bad_inputs as corpus
from nlp.ingest import (
    REASONS,
    IngestError,
    check_chinese,
    check_text,
    decode,
    decode_text,
    html_to_text,
    iter_input_files,
    open_input,
    read_file,
    source_name,
)

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


# --- bad input ------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_SKIP = "running as root: root reads files and lists directories whatever their mode, so mode 000 cannot make them unreadable"




@pytest.mark.parametrize("case", corpus.CASES, ids=lambda case: case.name)
def test_read_file_reaches_the_documented_outcome_for_every_committed_bad_input(case) -> None:
    path = BAD / case.name
    if case.outcome in ("landed", "duplicate"):
        raw = read_file(path)
        assert raw.encoding == case.encoding
        assert raw.text.strip()
        if case.warning:
            assert any(w.startswith(case.warning) for w in raw.warnings), raw.warnings
        else:
            assert raw.warnings == ()
    else:
        with pytest.raises(IngestError) as err:
            read_file(path)
        assert err.value.reason == case.outcome, err.value
        assert err.value.reason in REASONS and err.value.detail


def test_the_committed_bad_inputs_are_what_the_script_builds() -> None:
    for case in corpus.CASES:
        assert (BAD / case.name).read_bytes() == case.build(), f"{case.name}: run python tests/data/bad/make_bad_inputs.py"


def test_every_reason_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What happens to bad input", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))
    assert set(REASONS) <= documented


def _fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    return fifo


def _unblock(fifo: Path) -> bool:
    """Open the FIFO's write end if a reader waits on it (so a blocked test can end); True if one did."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError as err:
        assert err.errno == errno.ENXIO  # no reader: nobody is blocked
        return False
    return True


def test_a_fifo_is_refused_as_unreadable_without_blocking(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    outcome: list[BaseException | object] = []
    reader = threading.Thread(target=lambda: outcome.append(_catch(read_file, fifo)), daemon=True)
    reader.start()
    reader.join(5)
    blocked = reader.is_alive()
    if blocked:
        _unblock(fifo)
        reader.join(5)
    assert not blocked, "read_file blocked on a FIFO"
    assert isinstance(outcome[0], IngestError) and outcome[0].reason == "unreadable"
    assert "FIFO" in outcome[0].detail


def _catch(fn, *args):
    try:
        return fn(*args)
    except BaseException as err:  # noqa: BLE001 — handed to the test thread
        return err


def test_open_input_refuses_directories_and_fifos_with_an_os_error(tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    for path in (fifo, tmp_path):
        with pytest.raises(ingest.NotRegularFileError) as err:
            open_input(path)
        assert isinstance(err.value, OSError) and "not a regular file" in err.value.strerror


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_broken_symlinks_are_unreadable(tmp_path: Path, kind: str) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(tmp_path / "gone.txt" if kind == "dangling" else link)
    with pytest.raises(IngestError) as err:
        read_file(link)
    assert err.value.reason == "unreadable"


@pytest.mark.skipif(AS_ROOT, reason=ROOT_SKIP)
def test_a_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(IngestError) as err:
            read_file(path)
        assert (err.value.reason, err.value.detail) == ("unreadable", "Permission denied")
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(AS_ROOT, reason=ROOT_SKIP)
def test_a_directory_that_cannot_be_listed_is_yielded_so_the_run_records_it(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(SIMPLIFIED, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text(SIMPLIFIED, encoding="utf-8")
    locked.chmod(0)
    try:
        assert sorted(p.name for p in iter_input_files([tmp_path])) == ["locked", "ok.txt"]
    finally:
        locked.chmod(0o755)


def test_too_large_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_bytes(SIMPLIFIED.encode() * 3)
    with pytest.raises(IngestError) as err:
        read_file(path)
    assert err.value.reason == "too_large"


def test_a_name_that_is_not_utf8_is_kept_as_escapes(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), "报告.txt".encode("gbk"))))
    path.write_bytes(SIMPLIFIED.encode())
    raw = read_file(path)
    assert raw.source == f"{tmp_path}/\\xb1\\xa8\\xb8\\xe6.txt" == source_name(path)
    raw.source.encode("utf-8")  # storable in Parquet


def test_iter_input_files_is_a_lazy_generator(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.txt").write_text("x")
    (tmp_path / "b").mkdir()
    walk = iter_input_files([tmp_path])
    assert inspect.isgenerator(walk)
    assert next(walk).name == "1.txt"
    (tmp_path / "b" / "2.txt").write_text("x")  # written after the walk started: found, so b was not listed up front
    assert [p.name for p in walk] == ["2.txt"]


def test_iter_input_files_survives_a_directory_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "again").symlink_to("..", target_is_directory=True)
    (loop / "deeper").symlink_to(".", target_is_directory=True)
    (loop / "r.txt").write_text("x")
    assert [p.name for p in iter_input_files([tmp_path, loop])] == ["r.txt"]


def _real_reports() -> list[Path]:
    data = ROOT / "tests" / "data"
    return sorted((data / "tails").glob("*.txt")) + sorted((data / "heads").rglob("*.txt")) + sorted((ROOT / "data" / "samples").glob("*.txt"))


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16-le", "utf-16-be"])
def test_every_real_report_round_trips_through_the_encodings_reports_arrive_in(encoding: str) -> None:
    """Detection on whole reports without BOM or declaration; Big5 on their Taiwan-standard traditional
    forms (OpenCC s2tw), for the reports whose every character Big5 has."""
    to_traditional = opencc.OpenCC("s2tw").convert
    checked = 0
    for path in _real_reports():
        text = path.read_text(encoding="utf-8")
        if encoding == "big5":
            text = to_traditional(text)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        assert decode_text(data, path.name).text == text, path.name
        checked += 1
    assert checked >= 100


def test_the_text_checks_pass_every_real_report() -> None:
    for path in _real_reports():
        text = path.read_text(encoding="utf-8")
        check_text(text, path.name)
        check_chinese(text, path.name)


def test_a_utf16_file_cut_in_half_a_code_unit_keeps_its_text() -> None:
    decoded = decode_text(b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le") + b"\x41")
    assert decoded.text == SIMPLIFIED
    assert decoded.warnings[0].startswith("truncated")


def test_a_single_corrupt_line_is_not_decoded_as_another_encoding() -> None:
    lines = [SIMPLIFIED, TRADITIONAL, SIMPLIFIED]
    data = bytearray("\n".join(lines).encode())
    data[len(SIMPLIFIED.encode()) + 4] = 0xFF
    decoded = decode_text(bytes(data))
    assert decoded.encoding == "utf-8"
    assert decoded.text.split("\n")[0::2] == [SIMPLIFIED, SIMPLIFIED]
    assert len(decoded.warnings) == 1 and decoded.warnings[0].startswith("invalid UTF-8:")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000) | st.text(max_size=800).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_decoding_any_bytes_gives_text_or_a_documented_reason(data: bytes) -> None:
    try:
        decoded = decode_text(data)
    except IngestError as err:
        assert err.reason in REASONS
    else:
        assert decoded.text.strip()
        assert isinstance(decoded.encoding, str) and decoded.encoding
