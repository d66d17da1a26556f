"""Bad input never breaks a batch or loses landed data.

End to end through `govfacts run` (a subprocess, as a user runs it): the bad-input corpus of
tests/data/bad, a run killed with SIGKILL while it lands, two runs on one lake at once (with a 20 MB
single-line report, whose memory is measured), read-only queries during a run. In this process: the
bookkeeping of a 10,000-file directory, and the flow's handling of a FIFO and of a file name that is
not UTF-8 (the flow's code run without Prefect's engine).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

import flows.extract as extract
from nlp import ingest
from tests.data.bad import make_bad_inputs as corpus
from nlp.ingest import iter_input_files, source_name
from nlp.land import DocumentRows, Lake, connect_read_only
from nlp.schema import DocumentRow

ROOT = Path(__file__).resolve().parents[2]
GOVFACTS = [sys.executable, "-m", "flows.cli"]
#: Exit statuses of `govfacts run` (README, "Command line").
EXIT_OK, EXIT_FAILED, EXIT_QUARANTINED = 0, 1, 3




# --- running the command --------------------------------------------------------------------------
@dataclass
class Finished:
    """What a `govfacts` subprocess did."""

    pid: int
    returncode: int
    stdout: str
    stderr: str
    max_rss: int  # bytes, of this process alone (the Prefect server it starts is a separate process)

    @property
    def message(self) -> str:
        """stderr with its line wrapping undone."""
        return " ".join(self.stderr.split())


def _start(args: list[str], logs: Path) -> subprocess.Popen:
    """Start `govfacts ARGS` in its own process group (it starts a Prefect server as a child)."""
    logs.mkdir(parents=True, exist_ok=True)
    name = f"{time.monotonic_ns()}"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "COLUMNS": "500"}
    with (logs / f"{name}.out").open("w") as out, (logs / f"{name}.err").open("w") as err:
        proc = subprocess.Popen([*GOVFACTS, *args], stdout=out, stderr=err, cwd=ROOT, env=env, start_new_session=True)
    proc.logs = (logs / f"{name}.out", logs / f"{name}.err")  # type: ignore[attr-defined]
    return proc


def _finish(proc: subprocess.Popen, timeout: float = 300) -> Finished:
    """Wait for the process (killing its group after `timeout`) and collect its exit status and peak memory."""
    watchdog = threading.Timer(timeout, _kill_group, args=(proc,))
    watchdog.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = (path.read_text(encoding="utf-8", errors="replace") for path in proc.logs)  # type: ignore[attr-defined]
    return Finished(proc.pid, proc.returncode, out, err, usage.ru_maxrss * 1024)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and then the rest of its group (call before it is reaped: the group id stays ours)."""
    for kill in (lambda: os.kill(proc.pid, signal.SIGKILL), lambda: os.killpg(proc.pid, signal.SIGKILL)):
        try:
            kill()
        except ProcessLookupError:
            pass


def _running(proc: subprocess.Popen) -> bool:
    """Whether the process has not exited yet; unlike Popen.poll() this does not reap it (wait4 needs it)."""
    return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None


def _run(args: list[str], logs: Path, timeout: float = 300) -> Finished:
    return _finish(_start(args, logs), timeout)


def _query(lake: Path, sql: str) -> list[tuple]:
    with connect_read_only(lake) as con:
        return con.execute(sql).fetchall()


# --- the corpus through one run -----------------------------------------------------------------
@dataclass
class CorpusRun:
    inbox: Path
    lake: Path
    cases: list
    run: Finished


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory):
    """`govfacts run` once over every bad input: the committed ones and those made at test time."""
    inbox = tmp_path_factory.mktemp("bad inbox")
    corpus.write_committed(inbox)
    cases = corpus.CASES + corpus.make_special(inbox)
    lake = tmp_path_factory.mktemp("lake") / "lake"
    try:
        yield CorpusRun(inbox, lake, cases, _run(["run", str(inbox), "--out", str(lake)], lake.parent / "logs"))
    finally:
        corpus.restore_permissions(inbox)


def test_the_corpus_has_every_kind_of_bad_input(corpus_run: CorpusRun) -> None:
    assert len(corpus_run.cases) >= 30
    assert len({case.outcome for case in corpus_run.cases}) >= 8


def test_a_batch_of_bad_inputs_finishes_and_says_so_in_its_exit_status(corpus_run: CorpusRun) -> None:
    run = corpus_run.run
    assert run.returncode == EXIT_QUARANTINED, run.stderr[-3000:]
    quarantined = [case for case in corpus_run.cases if case.outcome not in ("landed", "duplicate")]
    assert f"quarantined: {len(quarantined)}" in run.stdout
    assert "Traceback" not in run.stderr


def test_every_bad_input_is_landed_or_quarantined_with_its_documented_reason(corpus_run: CorpusRun) -> None:
    lake = corpus_run.lake
    documents = {row[0]: row[1:] for row in _query(lake, "SELECT doc_id, source, encoding, warnings, fixes FROM documents")}
    quarantine = {row[0]: row[1:] for row in _query(lake, "SELECT source, stage, reason, detail FROM quarantine")}
    sources = {case.name: source_name(corpus_run.inbox / case.name) for case in corpus_run.cases}
    for case in corpus_run.cases:
        source = sources[case.name]
        if case.outcome not in ("landed", "duplicate"):
            stage, reason, detail = quarantine[source]
            assert (stage, reason) == ("ingest", case.outcome), (case.name, detail)
            assert reason in ingest.REASONS and detail, case.name
            continue
        assert source not in quarantine, (case.name, quarantine.get(source))
        doc_id = hashlib.sha256((corpus_run.inbox / case.name).read_bytes()).hexdigest()
        landed_from, encoding, warnings, fixes = documents[doc_id]
        if case.outcome == "landed" and landed_from != source:  # the same bytes under two names: one document
            assert any(other.outcome == "duplicate" and sources[other.name] == landed_from for other in corpus_run.cases)
        assert encoding == case.encoding, case.name
        if case.warning:
            assert any(w.startswith(case.warning) for w in warnings), (case.name, warnings)
        if case.fix:
            assert case.fix in fixes, (case.name, fixes)
    landed = [case for case in corpus_run.cases if case.outcome in ("landed", "duplicate")]
    assert {source for source, *_ in documents.values()} <= set(sources.values())
    assert set(quarantine) == {sources[case.name] for case in corpus_run.cases if case not in landed}
    assert len(documents) == len({(corpus_run.inbox / case.name).read_bytes() for case in landed})


def test_what_lands_from_bad_input_is_whole_and_single(corpus_run: CorpusRun) -> None:
    lake = corpus_run.lake
    assert _query(lake, "SELECT count(*) = count(DISTINCT doc_id), count(*) = count(DISTINCT source) FROM documents") == [(True, True)]
    assert _query(lake, "SELECT count(*) = count(DISTINCT (doc_id, sent_id)) FROM sentences") == [(True,)]
    assert _query(
        lake, "SELECT count(*) FROM sentences s JOIN documents d USING (doc_id) WHERE substr(d.text, s.start + 1, s.\"end\" - s.start) <> s.text"
    ) == [(0,)]
    page = _query(lake, "SELECT text FROM documents WHERE source LIKE '%page_with_scripts.html'")[0][0]
    assert "渝中区人民政府工作报告" in page
    for hidden in ("脚本写入", "请升级浏览器", "请启用JavaScript", "广告", "宋体", "99万人"):
        assert hidden not in page
    no_header = _query(lake, "SELECT title, n_chars FROM documents WHERE source LIKE '%no_header.txt'")
    assert no_header[0][0] is None and no_header[0][1] > 100


# --- a run killed while it lands ------------------------------------------------------------------
def _new_reports(folder: Path, n: int) -> Path:
    """`n` small reports the lake has not seen (the corpus excerpt with another figure)."""
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"new_{i}.txt").write_bytes(corpus.REPORT.replace("6.6万人", f"{i + 10}.1万人").encode())
    return folder


def _lake_state(lake: Path) -> dict[str, tuple]:
    """doc_id → (text digest, sentences, entities, facts) of every landed document."""
    rows = _query(
        lake,
        "SELECT d.doc_id, md5(d.text), (SELECT count(*) FROM sentences s WHERE s.doc_id = d.doc_id), "
        "(SELECT count(*) FROM entities e WHERE e.doc_id = d.doc_id), (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id) "
        "FROM documents d",
    )
    return {doc_id: tuple(rest) for doc_id, *rest in rows}


def _assert_single_and_whole(lake: Path) -> None:
    """One copy of each document's rows; sentences numbered 0..n-1; entities and facts point at them."""
    assert _query(lake, "SELECT count(*) = count(DISTINCT doc_id) FROM documents") == [(True,)]
    assert _query(lake, "SELECT count(*) FROM (SELECT doc_id FROM sentences GROUP BY doc_id "
                        "HAVING count(*) <> count(DISTINCT sent_id) OR max(sent_id) + 1 <> count(*))") == [(0,)]
    for dataset in ("entities", "facts"):
        assert _query(lake, f"SELECT count(*) FROM {dataset} x LEFT JOIN sentences s USING (doc_id, sent_id) WHERE s.doc_id IS NULL") == [(0,)]
    assert _query(lake, "SELECT sum(length(text)) > 0 FROM sentences") == [(True,)]  # every part file reads


def _landing_progress(lake: Path, since_ns: int) -> tuple[bool, int]:
    """(a document is half-landed or a part file is being written, documents written since `since_ns`)."""
    written: dict[str, set[str]] = {}
    mid_write = False
    for dataset in ("sentences", "entities", "facts", "documents"):
        written[dataset] = set()
        try:
            entries = list(os.scandir(lake / dataset))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.startswith(".tmp-"):
                mid_write = True
                continue
            try:
                if entry.stat().st_mtime_ns >= since_ns:
                    written[dataset].add(entry.name)
            except FileNotFoundError:
                continue
    half_landed = bool(written["sentences"] - written["documents"])
    return mid_write or half_landed, len(written["documents"])


def test_a_run_killed_while_it_lands_leaves_the_lake_whole_and_the_next_run_completes_it(
    corpus_run: CorpusRun, tmp_path: Path
) -> None:
    before = _lake_state(corpus_run.lake)
    quarantined_before = _query(corpus_run.lake, "SELECT source, reason FROM quarantine ORDER BY source")
    lake = tmp_path / "lake"
    shutil.copytree(corpus_run.lake, lake, symlinks=True)
    new = _new_reports(tmp_path / "new reports", 3)
    args = ["run", str(corpus_run.inbox), str(new), "--out", str(lake)]

    since = time.time_ns()
    proc = _start([*args, "--force"], tmp_path / "logs")  # re-lands every document, then lands the new ones
    deadline = time.monotonic() + 240
    trigger = None
    while trigger is None and _running(proc) and time.monotonic() < deadline:
        mid, relanded = _landing_progress(lake, since)
        trigger = "mid-document" if mid else "after 4 documents" if relanded >= 4 else None
        if trigger is None:
            time.sleep(0.002)
    _kill_group(proc)
    killed = _finish(proc)
    assert trigger is not None, f"the run ended before it could be killed: {killed.returncode} {killed.stderr[-2000:]}"
    assert killed.returncode == -signal.SIGKILL
    print(f"\nkilled {trigger}, {_landing_progress(lake, since)[1]} document(s) re-landed before")

    # the previous lake: readable, every document whole, nothing doubled
    after_kill = _lake_state(lake)
    assert {doc_id: after_kill.get(doc_id) for doc_id in before} == before, trigger
    _assert_single_and_whole(lake)
    assert (lake / ".lock").read_text() == str(killed.pid)  # left behind; the next run takes it over

    finished = _run(args, tmp_path / "logs")
    assert finished.returncode == EXIT_QUARANTINED, finished.stderr[-3000:]
    final = _lake_state(lake)
    assert {doc_id: final[doc_id] for doc_id in before} == before
    assert len(final) == len(before) + 3
    _assert_single_and_whole(lake)
    for dataset in ("sentences", "entities", "facts"):  # no rows of a document the lake does not have
        assert _query(lake, f"SELECT count(*) FROM {dataset} WHERE doc_id NOT IN (SELECT doc_id FROM documents)") == [(0,)]
    assert _query(lake, "SELECT source, reason FROM quarantine ORDER BY source") == quarantined_before
    assert not (lake / ".lock").exists()


# --- two runs at once, on a 20 MB single-line report ---------------------------------------------
@dataclass
class TwoRuns:
    winner: Finished
    loser: Finished
    lake: Path
    big_line: Path
    reads_during_run: list[Finished]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> TwoRuns:
    """Two `govfacts run` on one lake, started together; the inbox holds a 20 MB line and three small reports."""
    inbox = tmp_path_factory.mktemp("big inbox")
    big_line = inbox / "one line of 20 MB.txt"
    corpus.write_big_line(big_line)
    _new_reports(inbox / "more", 3)
    lake = tmp_path_factory.mktemp("shared") / "lake"
    logs = lake.parent / "logs"
    procs = [_start(["run", str(inbox), "--out", str(lake)], logs) for _ in range(2)]
    reads: list[Finished] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and all(_running(p) for p in procs):
        time.sleep(0.05)
    # one has ended (the one refused, if all is well); read the lake while the other still writes it
    if any(_running(p) for p in procs) and (lake / "govfacts.duckdb").exists():
        queries = [["SELECT count(*) AS n FROM documents", "--format", "csv"], ["DROP VIEW documents"]]
        reads = [_finish(p) for p in [_start(["query", *query, "--out", str(lake)], logs) for query in queries]]
    first, second = (_finish(p) for p in procs)
    winner, loser = (first, second) if second.returncode == EXIT_FAILED else (second, first)
    return TwoRuns(winner, loser, lake, big_line, reads)


def test_a_second_run_on_the_same_lake_stops_with_the_holders_pid(two_runs: TwoRuns) -> None:
    winner, loser = two_runs.winner, two_runs.loser
    assert winner.returncode == EXIT_OK, winner.stderr[-3000:]
    assert loser.returncode == EXIT_FAILED, f"both runs went through one after the other: {loser.stdout[-2000:]}"
    assert f"is being written by process {winner.pid} (lock file {two_runs.lake.resolve() / '.lock'})" in loser.message
    assert "documents landed" not in loser.stdout


def test_two_runs_at_once_leave_one_whole_lake(two_runs: TwoRuns) -> None:
    lake = two_runs.lake
    sources = {row[0] for row in _query(lake, "SELECT source FROM documents")}
    assert sources == {str(two_runs.big_line), *(str(p) for p in (two_runs.big_line.parent / "more").glob("*.txt"))}
    _assert_single_and_whole(lake)
    assert _query(lake, "SELECT count(*) FROM quarantine") == [(0,)]
    assert not (lake / ".lock").exists()


def test_the_lake_can_be_queried_read_only_while_a_run_writes_it(two_runs: TwoRuns) -> None:
    if not two_runs.reads_during_run:
        pytest.skip("the winning run ended before the lake could be read during it")
    count, drop = two_runs.reads_during_run
    assert count.returncode == 0 and count.stdout.splitlines()[0] == "n", count.stderr
    assert drop.returncode == EXIT_FAILED
    assert "DROP statements are refused: govfacts query is read-only" in drop.message
    assert _query(two_runs.lake, "SELECT count(*) FROM documents") == [(4,)]  # the DROP did nothing


def test_a_20mb_single_line_report_lands_in_bounded_memory(two_runs: TwoRuns, corpus_run: CorpusRun) -> None:
    """Peak memory of the run over a small-files run's: at most 25 times the report's size (measured: ~14)."""
    size = two_runs.big_line.stat().st_size
    assert size >= 20 * 1024 * 1024 - 1024
    row = _query(two_runs.lake, f"SELECT n_chars, (SELECT count(*) FROM sentences s WHERE s.doc_id = d.doc_id) "
                                f"FROM documents d WHERE source = '{two_runs.big_line}'")
    assert row and row[0][0] > 6_000_000 and row[0][1] > 1000
    growth = two_runs.winner.max_rss - corpus_run.run.max_rss
    assert growth < 25 * size, f"peak RSS {two_runs.winner.max_rss >> 20} MiB, small-files run {corpus_run.run.max_rss >> 20} MiB"


# --- 10,000 files: the walk and the flow's bookkeeping, without the NLP ---------------------------------
class _Future:
    def __init__(self, fn, *args) -> None:
        self._call = (fn, args)

    def result(self):
        fn, args = self._call
        return fn(*args)


class _Submitter:
    """A task whose submit() returns a future that runs the function when its result is asked for."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def submit(self, *args) -> _Future:
        return _Future(self.fn, *args)


def _make_inbox(inbox: Path, n_files: int) -> Path:
    for d in range(max(1, n_files // 100)):
        folder = inbox / f"{d:02d} 县"
        folder.mkdir(parents=True)
        for f in range(min(n_files, 100)):
            (folder / f"{f:03d}.txt").write_bytes(f"报告 {d} {f}\n".encode())
    return inbox


def _peak(fn, *args) -> tuple[object, int]:
    """fn(*args) and the peak of the Python memory it allocated (tracemalloc), in bytes."""
    tracemalloc.start()
    try:
        result = fn(*args)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_10000_file_directory_streams_through_the_flow_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk and the flow's bookkeeping on 10,000 files, with the NLP and the landing stubbed out:
    files are read one at a time as their turn comes, at most IN_FLIGHT_PER_WORKER + 1 batches are in
    flight, and memory grows by well under a KiB per file (measured: 5.5-7.5 MiB at 10,000 files)."""
    events = {"hashed": 0, "submitted": 0, "landed": 0, "batches": 0, "landed_batches": 0, "max_in_flight": 0}
    real_sha256 = extract._sha256

    def counting_sha256(path: Path) -> str:
        events["hashed"] += 1
        return real_sha256(path)

    def process(paths: list[Path]) -> list[DocumentRows]:  # stands in for the NLP: reads nothing
        return [_rows(path) for path in paths]

    def _rows(path: Path) -> DocumentRows:
        doc_id = hashlib.sha256(str(path).encode()).hexdigest()
        return DocumentRows(DocumentRow(
            doc_id=doc_id, source=str(path), sha256=doc_id, n_bytes=0, encoding="utf-8", title=None, province=None,
            city=None, county=None, level=None, region_code=None, report_date=None, report_year=None, speaker=None,
            n_chars=0, text="", fixes=[], warnings=[], pipeline_version="test",
        ))

    class Submitter(_Submitter):
        def submit(self, paths: list[Path]) -> _Future:
            events["submitted"] += len(paths)
            events["batches"] += 1
            assert 1 <= len(paths) <= extract.BATCH_DOCUMENTS
            assert events["hashed"] == events["submitted"], "a file was read before its turn"
            events["max_in_flight"] = max(events["max_in_flight"], events["batches"] - events["landed_batches"])
            return super().submit(paths)

    def land(lake, batch) -> None:  # the flow passes the batch wrapped in prefect's quote()
        events["landed"] += len(batch.unquote())
        events["landed_batches"] += 1

    monkeypatch.setattr(extract, "_sha256", counting_sha256)
    monkeypatch.setattr(extract, "documents_task", Submitter(process))
    monkeypatch.setattr(extract, "land_task", land)
    monkeypatch.setattr(extract, "create_markdown_artifact", lambda *args, **kwargs: None)
    extract.extract_flow.fn([_make_inbox(tmp_path / "one", 1)], tmp_path / "lake1")  # imports, caches: not bookkeeping

    small, big = _make_inbox(tmp_path / "hundred", 100), _make_inbox(tmp_path / "ten thousand", 10_000)
    walk = iter_input_files([big])
    assert hasattr(walk, "__next__") and not isinstance(walk, (list, tuple))
    n_walked, walk_peak = _peak(lambda: sum(1 for _ in walk))
    assert n_walked == 10_000
    _, small_peak = _peak(extract.extract_flow.fn, [small], tmp_path / "lake100")
    events.update(submitted=0, hashed=0, landed=0, batches=0, landed_batches=0, max_in_flight=0)
    summary, big_peak = _peak(extract.extract_flow.fn, [big], tmp_path / "lake10000")

    assert len(summary.landed) == events["landed"] == events["hashed"] == 10_000
    assert events["max_in_flight"] <= extract.IN_FLIGHT_PER_WORKER + 1
    print(f"\n10,000 files: walk peak {walk_peak / 2**20:.1f} MiB; flow bookkeeping peak {big_peak / 2**20:.1f} MiB "
          f"(100 files: {small_peak / 2**20:.1f} MiB)")
    assert walk_peak < 6 * 2**20  # measured: ~3 MiB (the seen set of resolved paths)
    assert big_peak < 16 * 2**20  # measured: 5.5-7.5 MiB (the list of paths, the seen set, summary.landed)
    assert (big_peak - small_peak) / 9_900 < 1024  # per file


# --- the flow's own handling of special files, without Prefect's engine -----------------------------
@pytest.fixture
def flow_without_prefect(monkeypatch: pytest.MonkeyPatch):
    """extract_flow's code in this process: each task is its plain function, submit() runs it when asked."""
    land = extract.land_task.fn
    monkeypatch.setattr(extract, "land_task", lambda lake, batch: land(lake, batch.unquote()))  # Prefect unquotes
    monkeypatch.setattr(extract, "documents_task", _Submitter(extract.documents_task.fn))
    monkeypatch.setattr(extract, "create_markdown_artifact", lambda *args, **kwargs: None)
    return extract.extract_flow.fn


def _unblock_after(fifo: Path, seconds: float, done: threading.Event, unblocked: list[bool]) -> None:
    """If a reader is still blocked on the FIFO after `seconds`, open its write end so the test can end."""
    if done.wait(seconds):
        return
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        unblocked.append(True)
    except OSError:
        pass


def test_a_fifo_in_the_inbox_is_quarantined_without_hanging_the_run(tmp_path: Path, flow_without_prefect) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    fifo = inbox / "pipe.txt"
    os.mkfifo(fifo)
    done, unblocked = threading.Event(), []
    threading.Thread(target=_unblock_after, args=(fifo, 3, done, unblocked), daemon=True).start()
    try:
        summary = flow_without_prefect([inbox], tmp_path / "lake")
    finally:
        done.set()
    assert [(q.source, q.reason) for q in summary.quarantined] == [(str(fifo), "unreadable")]
    assert not unblocked, "the run blocked on the FIFO until the test opened its write end"


def test_a_bad_file_whose_name_is_not_utf8_is_quarantined(tmp_path: Path, flow_without_prefect) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with open(os.path.join(os.fsencode(inbox), "空白.txt".encode("gbk")), "wb"):
        pass
    summary = flow_without_prefect([inbox], tmp_path / "lake")
    # GBK 空白 is bf d5 b0 d7: d5 b0 happens to be valid UTF-8 (հ), the other bytes are escaped
    assert [(q.source, q.reason) for q in summary.quarantined] == [(f"{inbox}/\\xbfհ\\xd7.txt", "empty")]


def test_a_document_the_lake_cannot_take_is_quarantined_and_the_rest_of_its_batch_lands(
    tmp_path: Path, samples: Path, flow_without_prefect, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch lands in one task; when writing fails for one document (disk full, permissions) even after the
    retries, that document is quarantined at stage `land` and the others of the batch still land."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    reports = sorted(samples.glob("*.txt"))[:2]
    for report in reports:
        shutil.copyfile(report, inbox / report.name)
    broken = ingest.read_file(inbox / reports[0].name).doc_id
    real_land = Lake.land

    def land(self, rows: DocumentRows) -> None:
        if rows.document.doc_id == broken:
            raise OSError(28, "No space left on device")
        real_land(self, rows)

    monkeypatch.setattr(Lake, "land", land)
    summary = flow_without_prefect([inbox], tmp_path / "lake")
    assert [(q.source, q.stage, q.reason) for q in summary.quarantined] == [(str(inbox / reports[0].name), "land", "io_error")]
    assert len(summary.landed) == 1 and summary.landed[0] != broken
    with connect_read_only(tmp_path / "lake") as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
        assert con.execute("SELECT stage, reason FROM quarantine").fetchall() == [("land", "io_error")]
