"""Every path and tunable of govfacts in one place; environment variables override."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
PROJECT_DIR = PACKAGE_DIR.parent

PIPELINE_VERSION = "0.1.0"

#: File suffixes the ingest stage reads; anything else in a directory is skipped.
INPUT_SUFFIXES = (".txt", ".html", ".htm")

#: Files larger than this are quarantined instead of read (bytes).
MAX_INPUT_BYTES = 64 * 1024 * 1024

#: Documents landed per Parquet part file.
LAND_BATCH_SIZE = 200


@dataclass(frozen=True)
class Settings:
    """Run-time locations, resolved from the environment once per call."""

    lake: Path
    models: Path
    samples: Path
    annotations: Path
    configs: Path

    @property
    def database(self) -> Path:
        """The DuckDB file with one view per dataset."""
        return self.lake / "govfacts.duckdb"


def get_settings(lake: Path | str | None = None) -> Settings:
    """Settings with `lake` taken from the argument, else GOVFACTS_LAKE, else data/lake."""
    home = Path(os.environ.get("GOVFACTS_HOME", PROJECT_DIR))
    lake_path = lake or os.environ.get("GOVFACTS_LAKE") or home / "data" / "lake"
    models = os.environ.get("GOVFACTS_MODELS") or home / "models"
    return Settings(
        lake=Path(lake_path).expanduser().resolve(),
        models=Path(models).expanduser().resolve(),
        samples=home / "data" / "samples",
        annotations=home / "data" / "annotations",
        configs=home / "configs",
    )
