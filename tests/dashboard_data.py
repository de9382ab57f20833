"""A small warehouse for dashboard tests: the seed plus the project's own fixture pages."""
from __future__ import annotations

from pathlib import Path

from etl.load import load_paths

from .conftest import ROOT, SEEDS

FIXTURE_PAGES = ROOT / "tests" / "fixtures" / "pages"


def build_dashboard_db(path: Path) -> Path:
    report = load_paths([SEEDS, FIXTURE_PAGES], db=path, progress=False)
    assert report.failed == 0 and report.added == 3
    return path
