"""The entity registry: one entity per actor, in the pure resolver and in a real warehouse."""
from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from etl import lexicons, registry
from etl.load import load_paths
from etl.registry import NameCount, resolve
from etl.resolution import Together
from etl.resolution import resolve as resolve_with_reasons


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


# --- Resolution mechanisms (issue 21): each one general, each with its reason ------------------------



def _orgs(*pairs, together=()):
    return resolve_with_reasons([NameCount("organization", n, a) for n, a in pairs], together)


def _people(*pairs):
    return resolve_with_reasons([NameCount("person", n, a) for n, a in pairs])


def test_legal_forms_and_affixes_do_not_make_another_organisation():
    r = _orgs(("PT Bank Pembangunan Sentosa (Persero) Tbk", 9), ("Bank Pembangunan Sentosa", 30),
              ("Bank Pembangunan Sentosa Tbk", 3), ("Partai Garuda Muda", 4), ("Garuda Muda", 20),
              ("Pemprov Sulawesi Tengah", 12), ("Pemerintah Provinsi Sulteng", 5), ("Dewan Kota RI", 3), ("Dewan Kota", 8))
    ids = lambda *ns: {r[("organization", n)].entity.entity_id for n in ns}  # noqa: E731
    assert len(ids("PT Bank Pembangunan Sentosa (Persero) Tbk", "Bank Pembangunan Sentosa", "Bank Pembangunan Sentosa Tbk")) == 1
    assert len(ids("Partai Garuda Muda", "Garuda Muda")) == 1
    assert len(ids("Pemprov Sulawesi Tengah", "Pemerintah Provinsi Sulteng")) == 1  # unit word and place alias
    assert len(ids("Dewan Kota RI", "Dewan Kota")) == 1
    assert "legal form" in r[("organization", "Bank Pembangunan Sentosa Tbk")].reason


def test_abbreviated_names_join_their_full_form_but_not_a_lookalike():
    r = _orgs(("Manchester Rovers", 200), ("Man Rovers", 80), ("Madura Rovers", 60), ("Mad Rovers", 2))
    assert r[("organization", "Man Rovers")].entity.name == "Manchester Rovers"
    assert r[("organization", "Madura Rovers")].entity.name == "Madura Rovers"
    assert "abbreviated form of Manchester Rovers" in r[("organization", "Man Rovers")].reason
    p = _people(("Sri Paduka Hamengku Buwana X", 30), ("Sri Paduka HB X", 20), ("Sultan HB X", 1))
    assert p[("person", "Sri Paduka HB X")].entity.name == "Sri Paduka Hamengku Buwana X"


def test_old_spelling_and_spacing_are_one_person():
    p = _people(("Sutrisno Pandjaitan", 12), ("Sutrisno Panjaitan", 7), ("Ratna Hamengkubuwono", 3), ("Ratna Hamengku Buwono", 4))
    assert p[("person", "Sutrisno Panjaitan")].entity.name == "Sutrisno Pandjaitan"
    assert p[("person", "Ratna Hamengkubuwono")].entity == p[("person", "Ratna Hamengku Buwono")].entity


def test_short_forms_follow_the_actor_most_longer_names_belong_to():
    p = _people(("Marcus Delgado", 87), ("Delgado", 63), ("Alex Delgado", 14), ("Marcus Delgado Juara", 5),
                ("Luhut Budiman", 32), ("Luhut Sitorus Pandjaitan", 12), ("Luhut Sitorus Panjaitan", 7),
                ("Kemaritiman Luhut Sitorus Panjaitan", 4), ("Luhut Sitorus", 2),
                ("Kim", 30), ("Kim Jong Un", 50), ("Kim Yo Jong", 45))
    assert p[("person", "Delgado")].entity.name == "Marcus Delgado"
    assert p[("person", "Alex Delgado")].entity.name == "Alex Delgado"
    assert p[("person", "Luhut Sitorus")].entity.name == "Luhut Sitorus Pandjaitan"
    assert p[("person", "Kim")].entity.name == "Kim"  # two Kims about as often: left alone
    assert p[("person", "Kim Jong Un")].entity != p[("person", "Kim Yo Jong")].entity
    assert "92 of 106 articles" in p[("person", "Delgado")].reason  # Marcus Delgado (Juara) against Alex


def test_short_forms_written_beside_their_long_form_join_it_but_a_unit_does_not():
    r = _orgs(("Kementerian Pertahanan", 19), ("Kemenhan", 4), ("DPR", 800), ("Komisi III DPR", 40),
              together=[Together("Kemenhan", "Kementerian Pertahanan", 3), Together("DPR", "Komisi III DPR", 38)])
    assert r[("organization", "Kemenhan")].entity.name == "Kementerian Pertahanan"
    assert "beside Kementerian Pertahanan in 3 articles" in r[("organization", "Kemenhan")].reason
    assert r[("organization", "DPR")].entity != r[("organization", "Komisi III DPR")].entity


def test_names_that_differ_in_a_number_or_a_last_name_are_two_actors():
    # Found auditing the corpus registry: a longer form joined the short name inside it even when
    # the short name goes on with other words (Kim Jong Il joined Kim Jong, then Kim Jong Un), and a
    # trailing numeral counted as a shortened word (Angkasa Pura I as Angkasa Pura Indonesia).
    p = _people(("Kim Jong Un", 60), ("Kim Jong", 12), ("Kim Jong Il", 5), ("Kim Jong Nam", 3),
                ("Sri Paduka Hamengku Buwana X", 30), ("Hamengku Buwana", 20), ("Hamengku Buwana IX", 4),
                ("Prabowo Subianto", 900), ("Prabowo Subianto Djojohadikusumo", 6))
    assert p[("person", "Kim Jong")].entity.name == "Kim Jong Un"
    assert p[("person", "Kim Jong Il")].entity.name == "Kim Jong Il"
    assert p[("person", "Kim Jong Nam")].entity.name == "Kim Jong Nam"
    assert p[("person", "Hamengku Buwana IX")].entity.name == "Hamengku Buwana IX"
    assert p[("person", "Prabowo Subianto Djojohadikusumo")].entity.name == "Prabowo Subianto"  # still joins
    r = _orgs(("PT Angkasa Pura Indonesia", 30), ("PT Angkasa Pura I", 5), ("Angkasa Pura II", 20), ("PT Angkasa Pura II", 6))
    assert len({r[("organization", n)].entity for n in ("PT Angkasa Pura Indonesia", "PT Angkasa Pura I", "Angkasa Pura II")}) == 3
    assert r[("organization", "PT Angkasa Pura II")].entity.name == "Angkasa Pura II"


def test_names_written_together_join_only_as_initials_and_never_across_listed_organisations():
    # Articles about banks name several of them: BRI beside Bank Mandiri is two listed banks, and an
    # acronym in capitals joins a long name only if it is made of that name's word starts.
    r = _orgs(("Bank Mandiri", 200), ("BRI", 300), ("BTR", 10), ("BPJS Kesehatan", 50),
              ("BPKN", 10), ("Badan Perlindungan Konsumen Nasional", 20), ("CNN", 40), ("CNN Indonesia", 90),
              together=[Together("BRI", "Bank Mandiri", 50), Together("BTR", "BPJS Kesehatan", 8),
                        Together("BPKN", "Badan Perlindungan Konsumen Nasional", 8)])
    assert r[("organization", "BRI")].entity != r[("organization", "Bank Mandiri")].entity
    assert r[("organization", "BTR")].entity != r[("organization", "BPJS Kesehatan")].entity
    assert r[("organization", "BPKN")].entity == r[("organization", "Badan Perlindungan Konsumen Nasional")].entity
    assert r[("organization", "CNN")].entity != r[("organization", "CNN Indonesia")].entity


def test_a_legal_form_in_brackets_is_no_acronym():
    from etl.name_forms import long_and_acronym

    assert long_and_acronym("PT Pertamina (Persero)") is None
    assert long_and_acronym("Badan Gizi Nasional (BGN)") == ("Badan Gizi Nasional", "BGN")
    r = _orgs(("PT Pertamina (Persero)", 20), ("PT Pelindo (Persero)", 15), ("Pertamina", 300), ("Pelindo", 80))
    assert r[("organization", "PT Pertamina (Persero)")].entity != r[("organization", "PT Pelindo (Persero)")].entity


def test_a_first_word_used_alone_joins_the_dominant_organisation_and_the_country_suffix_goes():
    r = _orgs(("Inter Milano", 106), ("Inter", 61), ("Inter Miami", 18), ("Arema Malang", 10), ("Arema Jaya", 105),
              ("Arema", 30), ("Danantara", 160), ("Danantara Indonesia", 39), ("Bank Indonesia", 300), ("Bank", 5),
              ("Universitas Indonesia", 80))
    assert r[("organization", "Inter")].entity.name == "Inter Milano"
    assert r[("organization", "Inter Miami")].entity.name == "Inter Miami"
    assert r[("organization", "Arema Malang")].entity != r[("organization", "Arema Jaya")].entity
    assert r[("organization", "Danantara Indonesia")].entity.name == "Danantara"
    assert r[("organization", "Bank Indonesia")].entity != r[("organization", "Universitas Indonesia")].entity
    assert r[("organization", "Bank")].entity.name == "Bank"


def test_a_users_split_holds_against_every_mechanism(tmp_path, monkeypatch):
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "entity_overrides.csv").write_text("action,kind,name,target\nsplit,person,Delgado,Marcus Delgado\n")
    monkeypatch.setenv("MEDIA_LEXICON_DIR", str(folder))
    for f in (lexicons.lines, lexicons.rows, lexicons.word_set, registry.overrides, registry.blocked):
        f.cache_clear()
    try:
        p = _people(("Marcus Delgado", 87), ("Delgado", 63), ("Marcus Delgado Juara", 5))
        assert p[("person", "Delgado")].entity.name == "Delgado"
    finally:
        monkeypatch.delenv("MEDIA_LEXICON_DIR")
        for f in (lexicons.lines, lexicons.rows, lexicons.word_set, registry.overrides, registry.blocked):
            f.cache_clear()


def test_the_entity_page_says_why_each_name_belongs(pages, db_path):
    from dashboard import profile_queries, queries

    load_paths([pages], db=db_path)
    reasons = dict(_q(db_path, "SELECT alias, reason FROM entity_aliases WHERE entity = 'KPK' AND kind = 'organization'"))
    assert reasons["KPK"] == "canonical name"
    assert reasons["Komisi Pemberantasan Korupsi (KPK)"] == "organizations.csv"
    [(eid,)] = _q(db_path, "SELECT entity_id FROM entities WHERE entity = 'KPK'")
    names = profile_queries.variants(db_path, queries.Filters(), eid)
    assert set(names.columns) >= {"name", "why"}
    assert names.set_index("name").loc["Komisi Pemberantasan Korupsi (KPK)", "why"] == "organizations.csv"


def test_nested_writings_of_one_long_form_agree_on_its_acronym():
    # The corpus's counts: no one writing of Danantara's long form held 60% of its definitions.
    e = resolve([NameCount("organization", n, a) for n, a in [
        ("Danantara", 178), ("Badan Pengelola Investasi Daya Anagata Nusantara (Danantara)", 31),
        ("Daya Anagata Nusantara (Danantara)", 20), ("Badan Pengelola Investasi Danantara (Danantara)", 14),
        ("Investasi Daya Anagata Nusantara (Danantara)", 2),
    ]])
    assert one(e, "organization", "Danantara", "Badan Pengelola Investasi Daya Anagata Nusantara (Danantara)",
               "Daya Anagata Nusantara (Danantara)", "Investasi Daya Anagata Nusantara (Danantara)")


def test_an_ordinary_word_is_not_the_ticker_written_in_capitals():
    e = resolve([NameCount("organization", n, a) for n, a in [
        ("Bumi", 34), ("PT Bumi Resources Tbk (BUMI)", 3), ("Bumi Resources (BUMI)", 2)]])
    assert not one(e, "organization", "Bumi", "PT Bumi Resources Tbk (BUMI)")
    assert one(e, "organization", "PT Bumi Resources Tbk (BUMI)", "Bumi Resources (BUMI)")
