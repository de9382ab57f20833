"""The entity registry: one entity per actor, in the pure resolver and in a real warehouse."""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from etl import lexicons, registry
from etl.load import load_paths
from etl.registry import NameCount, resolve


def one(entities, kind, *names) -> bool:
    return len({entities[(kind, n)].entity_id for n in names}) == 1


def test_acronym_and_long_form_are_one_organisation():
    names = [NameCount("organization", n, a) for n, a in [
        ("KPK", 1098), ("Komisi Pemberantasan Korupsi", 227), ("Komisi Pemberantasan Korupsi (KPK)", 150),
        ("Badan Riset Inovasi Nasional (BRIN)", 12), ("BRIN", 40), ("Badan Riset Inovasi Nasional", 3),
    ]]
    e = resolve(names)
    assert one(e, "organization", "KPK", "Komisi Pemberantasan Korupsi", "Komisi Pemberantasan Korupsi (KPK)")
    assert one(e, "organization", "BRIN", "Badan Riset Inovasi Nasional", "Badan Riset Inovasi Nasional (BRIN)")
    assert e[("organization", "KPK")].name == "KPK"  # organizations.csv names it
    assert e[("organization", "BRIN")].name == "Badan Riset Inovasi Nasional (BRIN)"


def test_an_acronym_mostly_used_for_something_else_stays_apart():
    e = resolve([NameCount("organization", n, a) for n, a in [
        ("Hamas", 2500), ("Himpunan Anak Anak Masjid (HAMAS)", 4)]])
    assert not one(e, "organization", "Hamas", "Himpunan Anak Anak Masjid (HAMAS)")


def test_short_forms_join_a_full_name_only_when_unambiguous():
    e = resolve([NameCount("person", n, a) for n, a in [
        ("Dadan Hindayana", 186), ("Hindayana", 62), ("Budi Gunadi Sadikin", 30), ("Budi Arie Setiadi", 25), ("Budi", 40),
        ("President Prabowo Subianto", 3), ("Prabowo Subianto", 897), ("Iriana Joko Widodo", 5), ("Joko Widodo", 800),
        ("Prabowo", 1500),
    ]])
    assert one(e, "person", "Hindayana", "Dadan Hindayana")
    assert e[("person", "Budi")].name == "Budi"  # two Budis: left alone
    assert one(e, "person", "President Prabowo Subianto", "Prabowo Subianto", "Prabowo")
    assert e[("person", "Prabowo")].name == "Prabowo Subianto"
    assert not one(e, "person", "Iriana Joko Widodo", "Joko Widodo")  # his wife, not him


def test_place_variants_merge_with_their_province():
    e = resolve([NameCount("place", n, 5) for n in ["Jogja", "Yogyakarta", "DIY", "DKI Jakarta", "Jakarta", "Sleman"]])
    assert one(e, "place", "Jogja", "Yogyakarta", "DIY") and one(e, "place", "DKI Jakarta", "Jakarta")
    assert e[("place", "Jogja")].name == "Yogyakarta" and e[("place", "Jogja")].region == "DI Yogyakarta"
    assert e[("place", "Sleman")].region == "DI Yogyakarta"


def test_entity_ids_are_stable():
    assert registry.entity_id("person", "Joko Widodo") == registry.entity_id("person", "Joko Widodo")
    assert registry.entity_id("person", "Joko Widodo") != registry.entity_id("organization", "Joko Widodo")


# ---------------------------------------------------------------------------------------------
# In a warehouse


def _page(folder, name, title, body, url):
    (folder / f"{name}.txt").write_text(f"{title}\n{body}\n", encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps({"url": url, "fetched_at": "2025-06-20T10:00:00+07:00"}),
                                               encoding="utf-8")


@pytest.fixture
def pages(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    _page(folder, "a", "KPK Periksa Saksi Korupsi Bansos",
          "JAKARTA - Komisi Pemberantasan Korupsi (KPK) memeriksa tiga saksi, Senin (16/6/2025). "
          "Juru bicara KPK Budi Prasetyo mengatakan pemeriksaan berjalan lancar.", "https://contoh.id/a")
    _page(folder, "b", "KPK Tahan Tersangka Baru",
          "JAKARTA - KPK menahan tersangka baru dalam kasus bansos, Selasa (17/6/2025). "
          "Menurut Budi Prasetyo, penahanan berlaku 20 hari.", "https://contoh.id/b")
    return folder


def _q(db, sql, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_mentions_point_at_one_entity_and_a_reload_changes_nothing(pages, db_path):
    load_paths([pages], db=db_path)
    kpk = _q(db_path, "SELECT DISTINCT entity, entity_id FROM mentions WHERE kind = 'organization' AND name LIKE '%Korupsi%' OR name = 'KPK'")
    assert len(kpk) == 1 and kpk[0][0] == "KPK"
    [(aliases, articles)] = _q(db_path, "SELECT aliases, articles FROM entities WHERE entity = 'KPK'")
    assert {"KPK", "Komisi Pemberantasan Korupsi (KPK)"} <= set(aliases) and articles == 2
    tables = ["articles", "mentions", "entities", "entity_aliases", "trending"]
    before = {t: sorted(_q(db_path, f"SELECT * FROM {t}"), key=repr) for t in tables}
    report = load_paths([pages], db=db_path)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
    assert {t: sorted(_q(db_path, f"SELECT * FROM {t}"), key=repr) for t in tables} == before


def test_user_merges_splits_and_blocks_apply_on_the_next_load(pages, db_path, tmp_path, monkeypatch):
    load_paths([pages], db=db_path)
    assert _q(db_path, "SELECT count(*) FROM mentions WHERE entity = 'Budi Prasetyo'")[0][0] == 2
    own = tmp_path / "lexicons"
    own.mkdir()
    shutil.copy(lexicons.DEFAULT_DIR / "entity_overrides.csv", own / "entity_overrides.csv")
    with (own / "entity_overrides.csv").open("a", encoding="utf-8") as fh:
        fh.write("merge,person,Budi Prasetyo,Budi Prasetyo (juru bicara KPK)\n")
    monkeypatch.setenv("MEDIA_LEXICON_DIR", str(own))
    _clear_lexicon_caches()
    report = load_paths([pages], db=db_path)
    assert report.unchanged == 2  # a merge reads no article again
    assert _q(db_path, "SELECT DISTINCT entity FROM mentions WHERE name = 'Budi Prasetyo'") == [("Budi Prasetyo (juru bicara KPK)",)]
    with (own / "entity_overrides.csv").open("a", encoding="utf-8") as fh:
        fh.write("block,organization,KPK,\n")
    _clear_lexicon_caches()
    report = load_paths([pages], db=db_path)
    assert report.updated == 2  # a block changes what is extracted: the articles are read again
    assert _q(db_path, "SELECT count(*) FROM mentions WHERE kind = 'organization' AND entity = 'KPK'")[0][0] == 0
    _clear_lexicon_caches()


def _clear_lexicon_caches():
    from etl import extract

    for f in (lexicons.lines, lexicons.rows, lexicons.word_set, registry.overrides, registry.blocked):
        f.cache_clear()
    extract.clear_caches()
