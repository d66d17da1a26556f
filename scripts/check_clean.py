"""Clean every report of the corpus and the samples; report chrome that survives, idempotence and what was removed.

Developer tool (reads the corpus beside the project):

    python -m scripts.check_clean [--shared ../shared] [--show-removed]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from nlp.clean import clean
from nlp.ingest import read_file

ROOT = Path(__file__).resolve().parents[1]

#: Lines that are page chrome in the corpus; none may survive cleaning (also used by tests/nlp/test_clean.py).
CHROME_PROBE = re.compile(
    r"^(?:下载|打印|全屏|收藏|加大|还原|减小|】|【|>|首页|分享.*|大|中|小|×|导航菜单|关闭窗口|打印本页)$"
    r"|^【?字[号体]|^(?:来源|时间|发表时间|编辑|责任编辑|阅读量|本文地址|验证码)[：:]|^（来源："
    r"|^相关(?:报道|链接|附件|文档)|摄$|^\d{4}-\d\d-\d\d \d\d:\d\d|扫一扫|点击图片|本文仅代表作者观点"
    r"|留言与评论|Public domain|^false$|公有领域|维基文库"
)
#: Signs of unrepaired seed-003 corruption: pinyin readings with tone marks, stray € and private-use characters.
CORRUPTION_PROBE = re.compile(r"[（(][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]|€|[\ue000-\uf8ff]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--show-removed", action="store_true", help="print the lines cleaning removed from each document")
    args = parser.parse_args()
    paths = sorted((args.shared / "corpus" / "reports").glob("*/*.txt")) + sorted((ROOT / "data" / "samples").glob("*.txt"))
    failures = 0
    chars = 0
    started = time.perf_counter()
    for path in paths:
        raw = read_file(path).text
        result = clean(raw)
        chars += len(raw)
        lines = result.text.split("\n")
        survivors = [line for line in lines if CHROME_PROBE.search(line)]
        corrupt = CORRUPTION_PROBE.findall(result.text)
        idempotent = clean(result.text).text == result.text
        if survivors or corrupt or not idempotent:
            failures += 1
            print(f"FAIL {path.name}: chrome={survivors[:3]} corruption={corrupt[:5]} idempotent={idempotent}")
        if args.show_removed:
            kept = set(lines)
            removed = [line.strip() for line in raw.split("\n") if line.strip() and line.strip() not in kept]
            print(f"{path.name}: removed {len(removed)} line(s): {' | '.join(r[:30] for r in removed[:30])}")
    elapsed = time.perf_counter() - started
    print(f"{len(paths)} documents, {failures} with surviving chrome, corruption or non-idempotent cleaning; "
          f"{chars / elapsed / 1000:.0f}k chars/s (one core, cleaning twice)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
