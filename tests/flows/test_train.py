"""The retrain flow on a tiny configuration: fixtures → DocBin → spacy train → evaluation → promotion."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from flows.train import train_flow
from nlp.training.ner import is_better
from nlp.settings import get_settings

TINY = Path(__file__).resolve().parents[1] / "data" / "ner_tiny"
CONFIG = Path(__file__).resolve().parents[2] / "configs" / "ner.cfg"
QUICK = {"training.max_steps": 30, "training.eval_frequency": 10, "components.tok2vec.model.encode.width": 32}


pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_train_flow_trains_evaluates_and_promotes_a_model(tmp_path: Path) -> None:
    shipped = tmp_path / "models" / "ner"
    result = train_flow(TINY, tmp_path / "work", shipped, get_settings().models / "pkuseg", CONFIG, overrides=QUICK)
    assert result.promoted and result.shipped is None
    metrics = json.loads((shipped / "metrics.json").read_text(encoding="utf-8"))
    assert set(metrics["test"]) == {"FIGURE", "UNIT", "SLOGAN", "ALL"}
    assert metrics["n_sentences"] == {"train": 15, "dev": 2, "test": 3}
    assert set(metrics["n_windows"]) == {"train", "dev"}
    assert set(metrics["test_f1_interval_95"]) == set(metrics["test"])
    for label, (low, high) in metrics["test_f1_interval_95"].items():
        assert low <= metrics["test"][label]["f"] <= high
    nlp = spacy.load(shipped)  # loads through the registered govfacts tokenizer
    assert nlp.pipe_names == ["tok2vec", "ner", "figures", "quotes"]
    assert [t.text for t in nlp("新增城镇就业6.6万人")][-2:] == ["6.6万", "人"]


def test_train_command_reports_the_interval_and_leaves_the_shipped_model_alone(tmp_path: Path) -> None:
    shipped = get_settings().models / "ner" / "meta.json"
    before = shipped.read_bytes()
    quick = [f"--set={key}={value}" for key, value in QUICK.items()]
    run = subprocess.run(
        [sys.executable, "-m", "flows.cli", "train", "--annotations", str(TINY), "--config", str(CONFIG),
         "--work-dir", str(tmp_path / "work"), "--no-promote", *quick],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "F 95% interval" in run.stdout
    assert "the shipped model's ALL F1" in run.stdout and "95% interval on the test split" in run.stdout
    assert "not promoted: --no-promote" in run.stdout
    assert shipped.read_bytes() == before


@pytest.mark.parametrize(
    ("new", "shipped", "promote"),
    [(0.95, None, True), (0.95, 0.94, True), (0.95, 0.95, True), (0.94, 0.95, False)],
)
def test_promotion_needs_a_model_at_least_as_good(new: float, shipped: float | None, promote: bool) -> None:
    score = lambda f: {"ALL": {"f": f}}  # noqa: E731
    assert is_better(score(new), None if shipped is None else score(shipped)) is promote


def test_fixtures_with_bad_offsets_stop_training(tmp_path: Path) -> None:
    bad = tmp_path / "annotations"
    shutil.copytree(TINY, bad)
    (bad / "train.jsonl").write_text(json.dumps({"text": "新建智慧社区25个。", "spans": [{"start": 6, "end": 99, "label": "FIGURE"}]}, ensure_ascii=False) + "\n")
    with pytest.raises(Exception, match="outside the text"):
        train_flow(bad, tmp_path / "work", tmp_path / "ner", get_settings().models / "pkuseg", CONFIG, overrides=QUICK)
