"""Settings: the pipeline version that decides whether a landed file is processed again."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import settings
from nlp.settings import pipeline_version


@pytest.fixture()
def version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """pipeline_version() over a library and models of files written by the test; the library's checkout sits
    under a directory named like the training code it leaves out, which must not matter."""
    library = tmp_path / "training" / "checkout" / "nlp"
    (library / "training").mkdir(parents=True)
    (library / "relations.py").write_text("RULES = 1\n")
    (library / "training" / "ner.py").write_text("STEPS = 1\n")
    models = tmp_path / "models" / "ner"
    models.mkdir(parents=True)
    (models / "model").write_bytes(b"weights of one training run")
    monkeypatch.setattr(settings, "PACKAGE_DIR", library)
    monkeypatch.setenv("GOVFACTS_MODELS", str(models.parent))

    def current() -> str:
        pipeline_version.cache_clear()
        return pipeline_version()

    yield current, library, models
    pipeline_version.cache_clear()


def test_the_pipeline_version_changes_with_the_models_and_the_library_code(version) -> None:
    current, library, models = version
    first = current()
    assert current() == first  # the same files give the same version
    (models / "model").write_bytes(b"weights of another training run")
    second = current()
    (library / "relations.py").write_text("RULES = 2\n")
    third = current()
    assert len({first, second, third}) == 3
    assert {v.split("+")[0] for v in (first, second, third)} == {first.split("+")[0]}  # the package version stays


def test_the_training_code_does_not_change_the_pipeline_version(version) -> None:
    current, library, _ = version
    first = current()
    (library / "training" / "ner.py").write_text("STEPS = 2\n")
    assert current() == first
