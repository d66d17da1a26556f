"""The bad-input corpus: what reports look like when they arrive from scrapers, mail and shared drives.

Every case names the outcome govfacts must reach: `landed` (processed, possibly with a warning in
`documents.warnings`), `duplicate` (the same bytes as another input: landed once, as one document) or
the `quarantine.reason` it is refused with (see README, "What happens to bad input"). The small
cases are committed next to this script; run

    python tests/data/bad/make_bad_inputs.py

to rewrite them (tests/flows/test_bad_input.py checks that the committed bytes are what this script
builds). Cases that cannot or should not be committed (a 20 MB line, symlinks, a FIFO, an unreadable
file, a file name that is not UTF-8) are made at test time by `make_special(dest)`.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: An excerpt of a real report (data/samples/004, 重庆市渝中区 2023), with its title line.
TITLE = "(重庆市)重庆市渝中区人民政府工作报告(2023年2月1日)"
BODY = (
    "（六）抓民生福祉添新\n"
    "民生保障更有温度。15件民生实事高效推进。建成“劳动者港湾”11个。整治老旧电梯安全隐患32台，加装老旧住宅电梯51台。"
    "稳步实施长期护理保险试点，基本养老保险、医疗保险参保率均超96%。聚焦重点群体稳就业，兑现稳岗返还等补贴2.8亿元，"
    "稳岗50.73万人，新增城镇就业6.6万人。保障5951户低收入住房困难家庭住有所居。学前教育普惠率达90.8%。\n"
    "社会事业更为优质。坚持校点布局优化与城市功能完善同步谋划，完成13个中小学改扩建，“名校+”集团化发展迈出新步伐。"
    "人均期望寿命达80.73岁。新增体育场地面积15万平方米，启动建设渝中区全民健身中心。成功创建全国科普示范区。\n"
    "（七）抓基层治理出新\n"
    "多维度提高基层治理水平。深化市域社会治理现代化示范区建设，三级社会治理中心建设扎实推进。39个“五社联动”试点社区提速打造。"
    "新建智慧社区25个。初步建成全市领先的“基层智慧治理平台”。\n"
)
REPORT = f"{TITLE}\n{BODY}"
#: A real report in traditional characters (the 1954 national report, tests/data/heads/national), for Big5.
TRADITIONAL = (
    "政府工作報告\n各位代表：\n"
    "我們第一屆全國人民代表大會第一次會議，在聽了劉少奇同志關於憲法草案的報告並進行了三天的討論以後，"
    "已經光榮地完成了一件歷史性的工作，通過了我們國家的根本法——中華人民共和國憲法，接著，又通過了幾個重要的法律。"
    "現在，我代表中央人民政府作工作報告。\n"
    "我國偉大的人民革命的根本目的，是在於從帝國主義、封建主義和官僚資本主義的壓迫下面，最後也從資本主義的束縛和"
    "小生產的限制下面，解放我國的生產力，使我國國民經濟能夠沿著社會主義的道路而得到有計劃的迅速的發展。\n"
)
ENGLISH_PAGE = """<!DOCTYPE html>
<html><head><title>Report on the Work of the Government</title></head>
<body><nav>Home | News | Policies</nav>
<h1>Report on the Work of the Government</h1>
<p>Fellow Deputies, on behalf of the State Council, I will now report to you on the work of the government
over the past year and present our proposals for the government's work this year.</p>
<p>Last year, our country's gross domestic product grew by 5.2 percent, and 12.44 million urban jobs were
added. Consumer prices rose by 0.2 percent, and the surveyed urban unemployment rate averaged 5.2 percent.</p>
<footer>Copyright english.www.gov.cn</footer></body></html>
"""
PAGE_WITH_SCRIPTS = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政府工作报告</title>
<style>body {{ font-family: "宋体"; }} p::before {{ content: "广告"; }}</style>
<script>var stats = {{"新增就业": "99万人"}}; document.write("<p>脚本写入的文字</p>");</script>
</head><body>
<script type="text/javascript">window.alert("请升级浏览器");</script>
<div class="title">{TITLE}</div>
{"".join(f"<p>{line}</p>" for line in BODY.splitlines())}
<noscript>请启用JavaScript</noscript>
<style>.share {{ display: none; }}</style>
</body></html>
"""


@dataclass(frozen=True)
class Case:
    """One bad input: its file name, how it is built, and the outcome govfacts must reach."""

    name: str
    outcome: str  # "landed", "duplicate" (landed once under another input's name) or a quarantine reason
    what: str
    build: Callable[[], bytes] | None = None
    encoding: str | None = None  # documents.encoding when landed
    warning: str | None = None  # a prefix one of documents.warnings starts with
    fix: str | None = None  # a documents.fixes entry it must have


def _noise(n: int, low: int = 0, high: int = 256, seed: int = 20240501) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, high) for _ in range(n))


def _gb2312_pairs(n: int, seed: int = 7) -> bytes:
    """Random byte pairs in GB2312's Han rows: valid GBK, decodes to random Han characters."""
    rng = random.Random(seed)
    return b"".join(bytes([rng.randrange(0xB0, 0xF7), rng.randrange(0xA1, 0xFF)]) for _ in range(n))


def _cut_inside_last_character(data: bytes) -> bytes:
    """The bytes cut one byte into their last multi-byte character (a truncated download)."""
    i = len(data) - 1
    while data[i] < 0x80:
        i -= 1
    while i > 0 and 0x80 <= data[i] < 0xC0:  # back to the lead byte of that UTF-8 character
        i -= 1
    return data[: i + 1]


def _cut_gb18030(text: str) -> bytes:
    data = text.rstrip("\n。").encode("gb18030")
    return data[:-1]  # the text ends in a Han character: drop its trail byte


def _mixed_utf8_gbk() -> bytes:
    lines = REPORT.splitlines()
    return b"\n".join(line.encode("utf-8" if i % 2 == 0 else "gb18030") for i, line in enumerate(lines)) + b"\n"


def _nul_and_control() -> bytes:
    text = REPORT.replace("。", "。\x00", 3).replace("，", "，\x07\x1b", 2).replace("\n", "\r\n")
    return ("\x0c" + text[:60] + "\ufeff\u200b" + text[60:] + "\x00\x00\x08").encode("utf-8")


def _corrupt_utf8() -> bytes:
    data = bytearray(REPORT.encode("utf-8"))
    for at in (len(TITLE.encode()) + 40, len(data) // 2):  # two bytes of two characters overwritten
        data[at] = 0xFF
    return bytes(data)


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa" + _noise(200)


def _docx() -> bytes:
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + _noise(300) + b"word/document.xml"


#: Small cases, committed to tests/data/bad/.
CASES: list[Case] = [
    Case("empty.txt", "empty", "0 bytes", lambda: b""),
    Case("whitespace_only.txt", "empty", "spaces, tabs, ideographic spaces and blank lines",
         lambda: " \t\n\r\n\u3000\u3000 \n\n".encode()),
    Case("only_nul_bytes.txt", "empty", "a preallocated download that never got its data", lambda: b"\x00" * 4096),
    Case("page_with_only_scripts.html", "empty", "a page whose only text is in <script> and <style>",
         lambda: b"<html><head><script>var a='\xe6\x8a\xa5\xe5\x91\x8a';</script><style>p{}</style></head><body><script>x()</script></body></html>"),
    Case("binary_noise.txt", "undecodable", "4 KB of random bytes", lambda: _noise(4096)),
    Case("binary_noise_7bit.txt", "not_text", "random bytes below 0x80: valid UTF-8, a quarter control characters",
         lambda: _noise(4096, 0, 0x80)),
    Case("noise_valid_gbk.txt", "not_text", "random GB2312 byte pairs: decodes to random Han characters",
         lambda: _gb2312_pairs(2048)),
    Case("utf16_bom_then_binary.txt", "undecodable", "a UTF-16 byte-order mark followed by lone surrogates",
         lambda: b"\xff\xfe" + b"\x00\xd8\x41\x00" * 64),
    Case("scan_pdf.txt", "binary", "a PDF named .txt", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" + _noise(400)),
    Case("photo_png.txt", "binary", "a PNG named .txt", _png),
    Case("word_docx.txt", "binary", "a .docx (ZIP) named .txt", _docx),
    Case("gzip_archive.htm", "binary", "a gzip archive named .htm", lambda: b"\x1f\x8b\x08\x00" + _noise(300)),
    Case("english_page.html", "not_chinese", "an English page of the State Council's site", lambda: ENGLISH_PAGE.encode()),
    Case("numbers_only.txt", "not_chinese", "a table of numbers, no text", lambda: b"2023 5.2 12.44 0.2\n2022 3.0 12.06 2.0\n"),
    Case("truncated_utf8.txt", "landed", "UTF-8 cut inside its last character", lambda: _cut_inside_last_character(REPORT.encode()),
         encoding="utf-8", warning="truncated: the file ends inside a utf-8 character"),
    Case("truncated_gb18030.txt", "landed", "GB18030 cut inside its last character", lambda: _cut_gb18030(REPORT),
         encoding="gb18030", warning="truncated: the file ends inside a character"),
    Case("unfinished_download.txt", "landed", "UTF-8 report followed by 8 KB of NUL padding",
         lambda: REPORT.encode() + b"\x00" * 8192, encoding="utf-8", warning="truncated: the file ends in 8192 NUL bytes"),
    Case("gbk_no_declaration.txt", "landed", "GBK, no BOM or charset anywhere", lambda: REPORT.encode("gbk"), encoding="gb18030"),
    Case("big5_no_declaration.txt", "landed", "Big5 traditional text, no declaration", lambda: TRADITIONAL.encode("big5"),
         encoding="big5", fix="t2s"),
    Case("utf16le_bom.txt", "landed", "UTF-16 LE with BOM", lambda: b"\xff\xfe" + REPORT.encode("utf-16-le"), encoding="utf-16-le"),
    Case("utf16be_bom.txt", "landed", "UTF-16 BE with BOM", lambda: b"\xfe\xff" + REPORT.encode("utf-16-be"), encoding="utf-16-be"),
    Case("utf16le_no_bom.txt", "landed", "UTF-16 LE without BOM", lambda: REPORT.encode("utf-16-le"), encoding="utf-16-le"),
    Case("utf16be_no_bom.txt", "landed", "UTF-16 BE without BOM", lambda: REPORT.encode("utf-16-be"), encoding="utf-16-be"),
    Case("utf8_bom.txt", "landed", "UTF-8 with BOM", lambda: b"\xef\xbb\xbf" + REPORT.encode(), encoding="utf-8-sig"),
    Case("mixed_utf8_gbk.txt", "landed", "UTF-8 and GBK lines alternating in one file", _mixed_utf8_gbk,
         encoding="mixed:utf-8+gb18030", warning="mixed encodings"),
    Case("corrupt_bytes_utf8.txt", "landed", "UTF-8 with two bytes overwritten", _corrupt_utf8,
         encoding="utf-8", warning="invalid UTF-8"),
    Case("nul_and_control.txt", "landed", "NUL, BEL, ESC, BS, form feed, a BOM and a zero-width space inside, CRLF line ends", _nul_and_control,
         encoding="utf-8", fix="control"),
    Case("old_mac_line_ends.txt", "landed", "CR-only line ends", lambda: REPORT.replace("\n", "\r").encode(), encoding="utf-8"),
    Case("page_with_scripts.html", "landed", "HTML with <script>, <style> and <noscript> around the report",
         lambda: PAGE_WITH_SCRIPTS.encode(), encoding="utf-8"),
    Case("no_header.txt", "landed", "the body of a report without title, meeting or speaker lines",
         lambda: BODY.encode(), encoding="utf-8"),
    Case("UPPER_CASE_SUFFIX.TXT", "landed", "an input suffix in capitals", lambda: REPORT.encode(), encoding="utf-8"),
    Case("渝中区 2023年 政府工作报告 (终稿).txt", "landed", "a name with spaces, Chinese and brackets",
         lambda: REPORT.replace("6.6万人", "6.7万人").encode(), encoding="utf-8"),
    Case("it's 100% final; v2.txt", "landed", "a name with a quote, a percent sign and a semicolon",
         lambda: REPORT.replace("6.6万人", "6.8万人").encode(), encoding="utf-8"),
    Case("copy_of_upper_case_suffix.txt", "duplicate", "the same bytes as UPPER_CASE_SUFFIX.TXT (saved twice): one document",
         lambda: REPORT.encode(), encoding="utf-8"),
]

#: A file name in GBK bytes, as unpacked from a Windows zip archive on Linux: 报告.txt.
GBK_NAME = "报告.txt".encode("gbk")


def special_cases(*, as_root: bool) -> list[Case]:
    """Cases `make_special` creates; `unreadable_permissions.txt` only when not root (root reads any file)."""
    cases = [
        Case("dangling_link.txt", "unreadable", "a symlink to a file that is gone"),
        Case("self_link.txt", "unreadable", "a symlink to itself (a loop)"),
        Case("loop/report_in_loop.txt", "landed", "a report in a directory with a symlink loop (loop/again → ..)", encoding="utf-8"),
        Case(os.fsdecode(GBK_NAME), "landed", "a report whose file name is GBK bytes, not UTF-8", encoding="utf-8"),
    ]
    if not as_root:
        cases += [
            Case("unreadable_permissions.txt", "unreadable", "mode 000"),
            Case("unlistable_dir", "unreadable", "a directory with mode 000"),
        ]
    return cases


def make_special(dest: Path) -> list[Case]:
    """Create the special cases in `dest` (an existing directory); returns them."""
    as_root = os.geteuid() == 0
    (dest / "dangling_link.txt").symlink_to(dest / "gone" / "report.txt")
    (dest / "self_link.txt").symlink_to("self_link.txt")
    loop = dest / "loop"
    loop.mkdir()
    (loop / "again").symlink_to("..", target_is_directory=True)
    (loop / "report_in_loop.txt").write_bytes(REPORT.replace("6.6万人", "6.9万人").encode())
    with open(os.path.join(os.fsencode(dest), GBK_NAME), "wb") as out:
        out.write(REPORT.replace("6.6万人", "7.0万人").encode())
    if not as_root:
        unreadable = dest / "unreadable_permissions.txt"
        unreadable.write_bytes(REPORT.encode())
        unreadable.chmod(0)
        unlistable = dest / "unlistable_dir"
        unlistable.mkdir()
        (unlistable / "hidden.txt").write_bytes(REPORT.encode())
        unlistable.chmod(0)
    return special_cases(as_root=as_root)


def restore_permissions(dest: Path) -> None:
    """Make what make_special locked readable again, so the directory can be removed."""
    for name in ("unreadable_permissions.txt", "unlistable_dir"):
        path = dest / name
        if path.exists() or path.is_symlink():
            path.chmod(0o755)


#: Clauses of real reports without a digit, a Chinese numeral or a quote: the NER skips them.
_PLAIN_CLAUSES = (
    "坚持以人民为中心的发展思想", "推动经济社会高质量发展", "深化市域社会治理现代化示范区建设",
    "基层治理水平持续提高", "坚持校点布局优化与城市功能完善同步谋划", "优质教育体系更加完善",
    "加快推进政府职能转变", "强化经济发展功能", "政务服务全面普及", "民生保障更有温度",
)
#: Clauses per sentence of the big line: long sentences keep the sentence count (and the run's time,
#: which grows with it) modest; the size is what the case is about.
BIG_LINE_CLAUSES_PER_SENTENCE = 60


def write_big_line(path: Path, n_bytes: int = 20 * 1024 * 1024) -> int:
    """A report on one line of about `n_bytes` UTF-8 bytes (no line break at all), written in chunks.

    Its clauses hold no digit, Chinese numeral or quote, so the NER reads none of them: the case tests
    size and memory through every stage, not the model's speed.
    """
    header = TITLE + "各位代表：现在，我代表区人民政府向大会报告工作，请予审议。"
    clauses = [_PLAIN_CLAUSES[i % len(_PLAIN_CLAUSES)] for i in range(BIG_LINE_CLAUSES_PER_SENTENCE)]
    chunk = ("，".join(clauses) + "。").encode()
    with path.open("wb") as out:
        written = out.write(header.encode())
        while written + len(chunk) <= n_bytes:
            written += out.write(chunk)
    return written


def write_committed(dest: Path = HERE) -> list[Path]:
    """Write the small cases into `dest`."""
    paths = []
    for case in CASES:
        assert case.build is not None
        path = dest / case.name
        path.write_bytes(case.build())
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for written in write_committed(target):
        print(written)
