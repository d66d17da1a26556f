"""Every path and tunable of govfacts in one place; environment variables override."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
PROJECT_DIR = PACKAGE_DIR.parent


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


@cache
def pipeline_version() -> str:
    """The package version and a digest of what decides the rows: the library's code and resources (not its
    training code) and the shipped models. `govfacts run` processes a file landed under another version again,
    so a new model or rule reaches the files already in the lake without `--force`."""
    try:
        version = importlib.metadata.version("govfacts")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        version = "0"
    models = get_settings().models
    digest = hashlib.sha256()
    for root, skip in ((PACKAGE_DIR, {"__pycache__", "training"}), (models, set())):
        for f in sorted(root.rglob("*")):
            name = f.relative_to(root)
            if f.is_file() and not skip & set(name.parts[:-1]):
                digest.update(f"{root.name}/{name.as_posix()}".encode())
                digest.update(hashlib.sha256(f.read_bytes()).digest())
    return f"{version}+{digest.hexdigest()[:12]}"
