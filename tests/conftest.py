"""Shared fixtures: paths to the samples and test data, a fresh lake per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TEST_DATA = ROOT / "tests" / "data"

# Prefect must not phone home (no internet here) and stays quiet in tests.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def lake_dir(tmp_path: Path) -> Path:
    return tmp_path / "lake"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect database for every flow test of the session (starting one takes seconds)."""
    with prefect_test_harness():
        yield
