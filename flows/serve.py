"""Nightly runs: a Prefect deployment of the extraction flow with a cron schedule, served from this process."""

from __future__ import annotations

from pathlib import Path

from prefect.deployments.runner import RunnerDeployment

from flows.extract import extract_flow

DEPLOYMENT_NAME = "govfacts-nightly"
DEFAULT_CRON = "0 2 * * *"


def build_deployment(inbox: Path, lake: Path, cron: str = DEFAULT_CRON) -> RunnerDeployment:
    """The extraction flow over `inbox` into `lake` on a cron schedule; unchanged files are skipped each run."""
    return extract_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        cron=cron,
        parameters={"paths": [str(Path(inbox).resolve())], "lake_dir": str(Path(lake).resolve())},
        description=f"Land new and changed reports from {inbox} into {lake}",
        tags=["govfacts"],
    )
