from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PAGE = SEEDS / "koran-jakarta_tiongkok-interpol.txt"
SHARED = ROOT.parent / "shared"
CORPUS_PAGES = SHARED / "corpus" / "pages"
CORPUS_EXPORTS = SHARED / "corpus" / "exports"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh DuckDB file per test."""
    return tmp_path / "media.duckdb"


@pytest.fixture
def seed_text() -> str:
    return SEED_PAGE.read_text(encoding="utf-8")


def needs_corpus():
    return pytest.mark.skipif(not CORPUS_PAGES.is_dir(), reason="../shared/corpus/pages is not beside this checkout")


def needs_exports():
    return pytest.mark.skipif(not CORPUS_EXPORTS.is_dir(), reason="../shared/corpus/exports is not beside this checkout")
