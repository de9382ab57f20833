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


def one_article_csv(folder: Path, n: int, sentence: str, host: str) -> Path:
    """An export of one article, number `n`, whose body is `sentence` and the number, dated in June 2025
    (a day per number) at https://HOST/N: loads that add exactly what a test says."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"article-{n}.csv"
    path.write_text("title,content,date,url,source\n"
                    f"Berita nomor {n},{sentence} nomor {n}.,2025-06-{n % 28 + 1:02d},https://{host}/{n},{host}\n",
                    encoding="utf-8")
    return path


def _corpus_test(folder: Path, reason: str):
    # Heavy tests that read ../shared: marked `corpus` (deselect with -m "not corpus") and skipped
    # with the reason when the folder is not there.
    def mark(fn):
        return pytest.mark.corpus(pytest.mark.skipif(not folder.is_dir(), reason=reason)(fn))
    return mark


def needs_corpus():
    return _corpus_test(CORPUS_PAGES, "../shared/corpus/pages is not beside this checkout")


def needs_exports():
    return _corpus_test(CORPUS_EXPORTS, "../shared/corpus/exports is not beside this checkout")


@pytest.fixture(scope="session")
def corpus_warehouse(tmp_path_factory) -> Path:
    """All of ../shared/corpus (pages and exports) loaded once per test session."""
    from etl.load import load_paths

    if not (SHARED / "corpus" / "pages").is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    db = tmp_path_factory.mktemp("corpus") / "media.duckdb"
    load_paths([SHARED / "corpus"], db=db, progress=False)
    return db


@pytest.fixture(scope="session")
def dask_scheduler(tmp_path_factory) -> str:
    """A real Dask scheduler with 2 worker processes on 127.0.0.1, for the whole session."""
    from .services import dask_cluster

    with dask_cluster(2, tmp_path_factory.mktemp("dask")) as address:
        yield address


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory) -> str:
    """A local S3 (moto's server) on 127.0.0.1 with a bucket `media`, for the whole session."""
    from .services import s3_server

    with s3_server(tmp_path_factory.mktemp("s3")) as endpoint:
        yield endpoint


@pytest.fixture
def s3_env(s3_endpoint, monkeypatch, tmp_path):
    """This test talks to the local S3, with its own lake cache."""
    monkeypatch.setenv("MEDIA_S3_ENDPOINT", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("MEDIA_LAKE_CACHE", str(tmp_path / "lake-cache"))
    return s3_endpoint
