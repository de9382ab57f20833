from etl.extract import count_mentions, extract_article
from etl.page_parser import parse_page


def by(mentions, **want):
    return {m.entity for m in mentions if all(getattr(m, k) == v for k, v in want.items())}


def test_seed_mentions(seed_text):
    p = parse_page(seed_text)
    ms = extract_article(p.title, p.caption, p.body, [(t.rank, t.headline) for t in p.trending])
    persons_body = by(ms, part="body", kind="person")
    assert {"Wang Xiaohong", "Ahmed Nasser Al-Raisi", "Valdecy Urquiza", "Bruno Retailleau"} <= persons_body
    assert "Armuji" in by(ms, part="trending", trending_rank=3, kind="person")
    assert any("Interpol" in e for e in by(ms, kind="organization"))
    assert {"CN", "FR"} <= {m.entity_code for m in ms if m.part == "body" and m.kind == "country"}
    assert "ID" in {m.entity_code for m in ms if m.part == "trending" and m.kind == "country"}
    all_persons = by(ms, kind="person")
    for junk in ["Gao Jing", "Kamis", "Lyon", "Foto", "Berita Trending", "Wang", "Al-Raisi"]:
        assert junk not in all_persons
    counts = {(c.part, c.entity): c.n for c in count_mentions(ms) if c.kind == "person"}
    # The full name once, then "Wang" alone four times.
    assert counts[("body", "Wang Xiaohong")] == 5


def test_titles_are_stripped():
    ms = extract_article("", None, "Kapolres Sleman AKBP Edy Setiyanto SIK memimpin apel. Gubernur DIY Sri Sultan Hamengku Buwono X hadir.")
    persons = by(ms, kind="person")
    assert "Edy Setiyanto" in persons
    assert "Sri Sultan Hamengku Buwono X" in persons


def test_countries_with_aliases_and_codes():
    ms = extract_article("", None, "Delegasi RRT dan AS bertemu di Jakarta. Produk China membanjiri pasar Amerika Serikat.")
    codes = {m.entity_code: m.entity for m in ms if m.kind == "country"}
    assert codes == {"CN": "Tiongkok", "US": "Amerika Serikat"}


def test_language_is_not_a_country():
    ms = extract_article("", None, "Ia fasih berbahasa Inggris dan mengajar bahasa Inggris.")
    assert not [m for m in ms if m.kind == "country"]


def test_topics_have_iptc_codes():
    ms = extract_article("PSS Sleman Menang 2-1 atas PSM", None, "Gol kedua dicetak pada babak kedua. Pelatih memuji pemain.")
    codes = {m.entity_code for m in ms if m.kind == "topic"}
    assert "medtop:15000000" in codes


def test_evidence_is_kept():
    ms = extract_article("", None, "Menteri Luar Negeri Sugiono bertemu Menteri Luar Negeri Jepang. Sugiono menyampaikan salam.")
    sugiono = [m for m in ms if m.entity == "Sugiono"]
    assert len(sugiono) == 2
    assert all("Sugiono" in m.evidence for m in sugiono)
