"""Issue 8's lines on the whole of ../shared/corpus: the actor lists hold actors."""
from __future__ import annotations

import duckdb
import pytest

from etl.load import load_paths

from .conftest import SHARED

CORPUS = SHARED / "corpus"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (CORPUS / "pages").is_dir(), reason="../shared/corpus is not beside this checkout"),
]
NOT_ACTORS = ["Whatsapp Channel Republika", "Premier League", "Hoegeng Awards", "Los Blancos", "The Gunners",
              "Undang-Undang Nomor 163", "Piala Dunia Antarklub", "Klub Degradasi", "Universitas Islam"]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("corpus") / "media.duckdb"
    load_paths([CORPUS], db=db, progress=False)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def test_junk_is_neither_a_person_nor_an_organisation(corpus_db):
    found = corpus_db.execute(
        "SELECT DISTINCT coalesce(name, entity), kind FROM mentions WHERE kind IN ('person', 'organization') "
        "AND (name IN (SELECT unnest(?)) OR entity IN (SELECT unnest(?)))", [NOT_ACTORS, NOT_ACTORS]).fetchall()
    assert found == []


def test_kpk_and_its_long_form_are_one_entity(corpus_db):
    ids = corpus_db.execute(
        "SELECT DISTINCT entity_id FROM mentions WHERE kind = 'organization' "
        "AND name IN ('KPK', 'Komisi Pemberantasan Korupsi', 'Komisi Pemberantasan Korupsi (KPK)')").fetchall()
    assert len(ids) == 1


def test_serang_the_verb_is_no_place(corpus_db):
    # Before the tagger: 1,071 place mentions, mostly "Israel Serang Palestina" in headlines.
    [(n,)] = corpus_db.execute("SELECT count(*) FROM mentions WHERE kind = 'place' AND name = 'Serang'").fetchall()
    assert n <= 107


def test_the_registry_merges_names_into_entities(corpus_db):
    [(names, entities)] = corpus_db.execute(
        "SELECT (SELECT count(DISTINCT (kind, name)) FROM mentions WHERE kind IN ('person', 'organization', 'place')), "
        "(SELECT count(*) FROM entities WHERE kind IN ('person', 'organization', 'place'))").fetchall()
    assert entities < names
    [(aliases,)] = corpus_db.execute("SELECT aliases FROM entities WHERE kind = 'person' AND entity = 'Prabowo Subianto'").fetchall()
    assert {"Prabowo", "Prabowo Subianto"} <= set(aliases)
