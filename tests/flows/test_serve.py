"""The nightly deployment and its schedule."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.serve import DEPLOYMENT_NAME, build_deployment

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_deployment_runs_the_extraction_flow_on_the_cron_schedule(tmp_path: Path) -> None:
    deployment = build_deployment(tmp_path / "inbox", tmp_path / "lake", "30 1 * * *")
    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.flow_name == "govfacts-extract"
    assert [s.schedule.cron for s in deployment.schedules] == ["30 1 * * *"]
    assert deployment.parameters == {"paths": [str((tmp_path / "inbox").resolve())], "lake_dir": str((tmp_path / "lake").resolve())}
