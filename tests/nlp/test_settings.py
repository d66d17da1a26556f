"""Settings: the pipeline version that decides whether a landed file is processed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.settings import pipeline_version


def test_the_pipeline_version_changes_with_the_shipped_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    (models / "ner").mkdir(parents=True)
    weights = models / "ner" / "model"
    weights.write_bytes(b"weights of one training run")
    monkeypatch.setenv("GOVFACTS_MODELS", str(models))

    def version() -> str:
        pipeline_version.cache_clear()
        return pipeline_version()

    try:
        before = version()
        assert version() == before  # the same files give the same version
        weights.write_bytes(b"weights of another training run")
        after = version()
    finally:
        pipeline_version.cache_clear()
    assert after != before
    assert before.split("+")[0] == after.split("+")[0]  # the package version stays
