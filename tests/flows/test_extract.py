"""The extraction flow and the command line, end to end on the real samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.extract import extract_flow
from nlp.land import connect_read_only


pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_flow_lands_samples_and_quarantines_bad_files(samples: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted(samples.glob("*.txt"))[:2]:
        (inbox / sample.name).write_bytes(sample.read_bytes())
    (inbox / "scan.txt").write_bytes(b"%PDF-1.4\n binary")
    (inbox / "empty.txt").write_bytes(b"")
    lake_dir = tmp_path / "lake"

    summary = extract_flow([inbox], lake_dir)

    assert len(summary.landed) == 2
    assert sorted((Path(q.source).name, q.reason) for q in summary.quarantined) == [("empty.txt", "empty"), ("scan.txt", "binary")]
    with connect_read_only(lake_dir) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchall() == [(2,)]
        assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(2,)]
        # every sentence's offsets slice its document's cleaned text
        bad = con.execute(
            "SELECT count(*) FROM sentences s JOIN documents d USING (doc_id) WHERE substr(d.text, s.start + 1, s.\"end\" - s.start) <> s.text"
        ).fetchall()
        assert bad == [(0,)]

    again = extract_flow([inbox], lake_dir)
    assert (len(again.landed), len(again.skipped), len(again.quarantined)) == (0, 2, 2)
    forced = extract_flow([inbox], lake_dir, force=True)
    assert len(forced.landed) == 2
    with connect_read_only(lake_dir) as con:
        assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchall() == [(2, 2)]
        assert con.execute("SELECT count(*) FROM sentences").fetchall() == [(summary.n_sentences,)]


def test_a_changed_file_replaces_its_previous_version(samples: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = inbox / "report.txt"
    original = (samples / "004_2f518651d2eeaeee.txt").read_text(encoding="utf-8")
    report.write_text(original, encoding="utf-8")
    lake_dir = tmp_path / "lake"
    first = extract_flow([inbox], lake_dir)
    report.write_text(original.replace("新增城镇就业6.6万人", "新增城镇就业6.7万人"), encoding="utf-8")
    second = extract_flow([inbox], lake_dir)
    assert first.landed != second.landed
    with connect_read_only(lake_dir) as con:
        assert con.execute("SELECT doc_id FROM documents").fetchall() == [(second.landed[0],)]
        assert con.execute("SELECT count(*) FROM sentences WHERE text LIKE '%6.6万人%'").fetchall() == [(0,)]
        assert con.execute("SELECT count(DISTINCT doc_id) FROM sentences").fetchall() == [(1,)]


def test_a_file_landed_by_another_pipeline_version_is_processed_again(samples: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "report.txt").write_bytes((samples / "004_2f518651d2eeaeee.txt").read_bytes())
    lake_dir = tmp_path / "lake"
    first = extract_flow([inbox], lake_dir)
    # a new model or rule: another version, as pipeline_version() gives when the models or the library change
    for module in ("flows.extract", "nlp.process"):
        monkeypatch.setattr(f"{module}.pipeline_version", lambda: "0.1.0+another")
    second = extract_flow([inbox], lake_dir)
    assert (second.landed, second.skipped) == (first.landed, [])
    with connect_read_only(lake_dir) as con:
        assert con.execute("SELECT count(*), any_value(pipeline_version) FROM documents").fetchall() == [(1, "0.1.0+another")]
        assert con.execute("SELECT count(*) FROM sentences").fetchone()[0] == first.n_sentences


def test_cli_run_with_two_worker_processes(samples: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted(samples.glob("*.txt"))[:2]:
        (inbox / sample.name).write_bytes(sample.read_bytes())
    env = {**os.environ, "GOVFACTS_LAKE": str(tmp_path / "lake")}
    run = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(inbox), "--workers", "2"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "documents landed: 2" in run.stdout
    with connect_read_only(tmp_path / "lake") as con:
        assert con.execute("SELECT count(*) FROM facts WHERE report_year = 2023").fetchone()[0] > 10


def test_cli_run_and_query_on_the_samples(samples: Path, tmp_path: Path) -> None:
    lake_dir = tmp_path / "lake"
    env = {**os.environ, "GOVFACTS_LAKE": str(lake_dir)}
    govfacts = [sys.executable, "-m", "flows.cli"]
    run = subprocess.run([*govfacts, "run", str(samples)], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "documents landed: 5" in run.stdout

    query = subprocess.run(
        [*govfacts, "query", "SELECT province, city, county, level, report_year, speaker FROM documents ORDER BY county", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert query.returncode == 0, query.stderr
    rows = json.loads(query.stdout)
    assert {(r["province"], r["county"], r["report_year"]) for r in rows} == {
        ("吉林省", "东昌区", 2023), ("天津市", "和平区", 2023), ("江苏省", "通州区", 2023),
        ("浙江省", "海曙区", 2023), ("重庆市", "渝中区", 2023),
    }
    dongchang = next(r for r in rows if r["county"] == "东昌区")
    assert (dongchang["city"], dongchang["level"], dongchang["speaker"]) == ("通化市", "county", "黄正杰")

    jobs = subprocess.run(
        [*govfacts, "query", "SELECT s.text, s.section_kind FROM sentences s JOIN documents d USING (doc_id) "
         "WHERE d.county = '通州区' AND s.text LIKE '%新增城镇就业1.2万人%'", "--format", "csv"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert "精准对接“用工”“就业”需求，新增城镇就业1.2万人、创业4200人，城镇登记失业率控制在3%。,review" in jobs.stdout

    facts = subprocess.run(
        [*govfacts, "query", "SELECT f.indicator, f.value, f.unit, f.change, f.status, f.period_year FROM facts f "
         "JOIN documents d USING (doc_id) WHERE d.county = '通州区' AND f.figure = '1.2万'", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert json.loads(facts.stdout) == [{"indicator": "新增城镇就业", "value": 12000.0, "unit": "人", "change": "level",
                                         "status": "actual", "period_year": 2022}]
    slogans = subprocess.run(
        [*govfacts, "query", "SELECT e.text FROM entities e JOIN documents d USING (doc_id) "
         "WHERE d.county = '和平区' AND e.label = 'SLOGAN' ORDER BY e.start", "--format", "csv"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert {"放管服", "证照分离", "跨省通办"} <= set(slogans.stdout.split())

    refused = subprocess.run([*govfacts, "query", "DELETE FROM documents"], env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "read-only" in refused.stderr
