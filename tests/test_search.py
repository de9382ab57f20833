"""Search (issue 10): the query language, the index every load keeps in step, and its matches against
a plain SQL scan of the same articles."""
from __future__ import annotations

import shutil

import duckdb
import pytest

import warehouse
from etl import search_index
from etl.load import load_paths
from warehouse import search
from warehouse.search import And, Not, Or, Phrase, Prefix, QueryError, Term

from .conftest import SEEDS, needs_corpus
from .dashboard_data import FIXTURE_PAGES

# --- the language ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, tree", [
    ("korupsi", Term("korupsi")),
    ("Korupsi KPK", And((Term("korupsi"), Term("kpk")))),
    ('"dana desa"', Phrase(("dana", "desa"))),
    ("Covid-19", Phrase(("covid", "19"))),
    ("korupsi AND (kpk OR kejaksaan) NOT \"dana desa\"",
     And((Term("korupsi"), Or((Term("kpk"), Term("kejaksaan"))), Not(Phrase(("dana", "desa")))))),
    ("prabowo -gibran", And((Term("prabowo"), Not(Term("gibran"))))),
    ("korup*", Prefix("korup")),
    ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),  # AND binds tighter than OR
    ("jakarta and bandung", And((Term("jakarta"), Term("and"), Term("bandung")))),  # operators only in capitals
])
def test_queries_parse_as_media_cloud_reads_them(text, tree):
    assert search.parse(text) == tree


@pytest.mark.parametrize("text, says", [
    ("", "empty"),
    ("(korupsi", "never closed"),
    ("korupsi)", "closing bracket"),
    ("korupsi AND", "ends where a word"),
    ("NOT korupsi", "only says what to leave out"),
    ("***", "prefix"),
    ("(" * 250 + "korupsi" + ")" * 250, "more than 20 deep"),  # was a RecursionError traceback (issue 22)
    ("NOT " * 250 + "korupsi", "more than 20 deep"),
    ("a" * 41, "40 bytes or more, which the index does not keep"),  # was "has no letters or digits"
])
def test_a_broken_query_says_what_is_wrong(text, says):
    with pytest.raises(QueryError, match=says):
        search.parse(text)


def test_a_long_query_is_not_repeated_whole_in_its_error():
    with pytest.raises(QueryError) as caught:
        search.parse("x" * 5000)
    assert len(str(caught.value)) < 200
    assert search.parse("(" * 20 + "korupsi" + ")" * 20) == search.parse("korupsi")


def test_the_index_and_the_scan_split_words_alike():
    assert search.words_of("Covid-19 di JAKARTA, naïve") == ["covid", "19", "di", "jakarta", "naïve"]


# --- the index beside the warehouse ---------------------------------------------------------------

def _scan(db, node) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute(f"""
            WITH t AS (SELECT article_id, {search.SQL_TOKENS} AS toks FROM articles),
            j AS (SELECT article_id, toks, ' ' || array_to_string(toks, ' ') || ' ' AS joined FROM t)
            SELECT article_id FROM j WHERE {search.to_sql(node)}""").fetchall()}
    finally:
        con.close()


def _find(db, text: str, forms: bool = False) -> search.Matches:
    return search.search(search.open_index(db), text, word_forms=forms)


def test_every_load_keeps_the_index_in_step(db_path):
    load_paths([SEEDS], db=db_path, progress=False)
    assert search.index_path(db_path).is_dir()
    assert len(_find(db_path, "interpol").ids) == 1
    assert _find(db_path, "sleman").ids == []
    load_paths([SEEDS, FIXTURE_PAGES], db=db_path, progress=False)
    assert len(_find(db_path, "sleman").ids) == 1
    assert len(_find(db_path, "interpol").ids) == 1
    # a second load of the same files changes nothing: no article is indexed twice
    load_paths([SEEDS, FIXTURE_PAGES], db=db_path, progress=False)
    index = search.open_index(db_path)
    index.reload()
    assert index.searcher().num_docs == 3
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'done') FROM search_indexed").fetchone() == (3, 3)
    con.close()


def test_a_sync_interrupted_after_the_index_commit_heals_without_duplicates(db_path):
    load_paths([SEEDS, FIXTURE_PAGES], db=db_path, progress=False)
    # As if the last sync died after writing the index but before marking its rows done.
    con = warehouse.connect(db_path)
    con.execute("UPDATE search_indexed SET status = 'pending'")
    report = search_index.sync(con, db_path)
    con.close()
    assert report.added == 3
    index = search.open_index(db_path)
    index.reload()
    assert index.searcher().num_docs == 3


def test_a_deleted_index_is_rebuilt_from_the_warehouse(db_path):
    load_paths([SEEDS, FIXTURE_PAGES], db=db_path, progress=False)
    shutil.rmtree(search.index_path(db_path))
    con = warehouse.connect(db_path)
    report = search_index.sync(con, db_path)
    con.close()
    assert report.added == 3 and len(_find(db_path, "interpol").ids) == 1


def test_an_index_of_another_layout_is_rebuilt(db_path):
    load_paths([SEEDS], db=db_path, progress=False)
    (search.index_path(db_path) / search.LAYOUT_FILE).write_text("an older layout\n", encoding="utf-8")
    con = warehouse.connect(db_path)
    report = search_index.sync(con, db_path)
    con.close()
    assert report.rebuilt and report.added == 1


def test_word_forms_are_found_only_when_asked(db_path):
    load_paths([SEEDS], db=db_path, progress=False)
    # The seed writes "kerja sama" and "bekerja sama"; "penegakan" is an affixed form of "tegak".
    plain = _find(db_path, "tegak")
    forms = _find(db_path, "tegak", forms=True)
    assert plain.ids == [] and len(forms.ids) == 1
    assert "penegakan" in forms.expanded.words
    assert set(forms.ids) == _scan(db_path, forms.expanded)


def test_prefixes_expand_to_the_words_the_index_holds(db_path):
    load_paths([SEEDS, FIXTURE_PAGES], db=db_path, progress=False)
    found = _find(db_path, "interp*")
    assert "interpol" in found.expanded.words and len(found.ids) == 1
    assert set(found.ids) == _scan(db_path, found.expanded)


QUERIES = [
    "korupsi", '"dana desa"', 'korupsi AND (kpk OR kejaksaan) NOT "dana desa"', "korup*", "Covid-19",
    "prabowo -gibran", "banjir OR longsor", '"makan bergizi gratis" AND (anak OR sekolah)', "timnas -(sepak OR bola)",
]


@needs_corpus()
@pytest.mark.parametrize("forms", [False, True])
def test_search_finds_what_a_plain_sql_scan_finds_on_the_corpus(corpus_warehouse, forms):
    for text in QUERIES:
        found = _find(corpus_warehouse, text, forms)
        assert found.ids, text
        assert set(found.ids) == _scan(corpus_warehouse, found.expanded), text


def test_the_search_page_says_when_a_warehouse_has_no_index_yet(db_path):
    from dashboard import loaders

    load_paths([SEEDS], db=db_path, progress=False)
    shutil.rmtree(search.index_path(db_path))
    ids, expanded, error = loaders.load_search(str(db_path), 0.0, "interpol", False)
    assert ids == [] and "python -m etl index" in error
    ids, expanded, error = loaders.load_search(str(db_path), 1.0, "(interpol", False)
    assert "python -m etl index" in error  # the index is missing before the query is read
