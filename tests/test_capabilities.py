"""Extraction capabilities (issue 3), each on real Indonesian news sentences."""
from __future__ import annotations

import pytest

from etl.extract import extract_article
from etl.records import bundle_from_page
from etl.registry import NameCount, resolve
from etl.topics import score_topics, topics


def found(body: str, title: str = "", kinds=("person", "organization", "country", "place")) -> set[tuple[str, str]]:
    return {(m.kind, m.entity) for m in extract_article(title, None, body, []) if m.kind in kinds}


def people(body: str, title: str = "") -> set[str]:
    return {e for k, e in found(body, title) if k == "person"}


# ---------------------------------------------------------------------------------------------
# Persons: titles, ranks, honorifics and degrees go; the name stays whole.


@pytest.mark.parametrize("sentence, name", [
    ("Presiden Prabowo Subianto membuka sidang kabinet di Istana Negara.", "Prabowo Subianto"),
    ("Wapres Gibran Rakabuming Raka meninjau dapur MBG di Solo, Senin (5/5/2025).", "Gibran Rakabuming Raka"),
    ("Menteri Keuangan Sri Mulyani Indrawati menyampaikan APBN masih sehat.", "Sri Mulyani Indrawati"),
    ("Menko Perekonomian Airlangga Hartarto menyebut ekspor naik.", "Airlangga Hartarto"),
    ("Wakil Ketua DPR Sufmi Dasco Ahmad menerima delegasi buruh.", "Sufmi Dasco Ahmad"),
    ("Gubernur Jawa Tengah Ahmad Luthfi meninjau banjir di Demak.", "Ahmad Luthfi"),
    ("Bupati Sleman Harda Kiswaya meresmikan pasar rakyat.", "Harda Kiswaya"),
    ("Wali Kota Yogyakarta Hasto Wardoyo hadir dalam acara itu.", "Hasto Wardoyo"),
    ("Kapolri Jenderal Listyo Sigit Prabowo memimpin apel pasukan.", "Listyo Sigit Prabowo"),
    ("Kapolda DIY Irjen Pol Suwondo Nainggolan meminta jajarannya waspada.", "Suwondo Nainggolan"),
    ("Kapolres Sleman AKBP Edy Bagus Sumantri mengatakan pelaku sudah ditangkap.", "Edy Bagus Sumantri"),
    ("Kasat Reskrim Polresta Sleman AKP Wahyu Agha Ari Septyan menuturkan perkara naik ke penyidikan.", "Wahyu Agha Ari Septyan"),
    ("Panglima TNI Jenderal TNI Agus Subiyanto menghadiri upacara di Jakarta.", "Agus Subiyanto"),
    ("Kepala Badan Gizi Nasional (BGN) Dadan Hindayana mengatakan dapur bertambah.", "Dadan Hindayana"),
    ("Direktur Utama PT Pertamina Simon Aloysius Mantiri meninjau kilang Balikpapan.", "Simon Aloysius Mantiri"),
    ("Sekjen PDI-P Hasto Kristiyanto diperiksa penyidik.", "Hasto Kristiyanto"),
    ("Kombes Pol Ade Ary Syam Indradi menjelaskan kronologi kejadian.", "Ade Ary Syam Indradi"),
    ("Dandim 0732 Sleman Letkol Inf Bambang Setyo mengatakan TNI siap membantu.", "Bambang Setyo"),
    ("Bantuan diserahkan kepada Bapak Sugeng Riyadi dan Ibu Sri Wahyuni.", "Sugeng Riyadi"),
    ("Warga mengadu kepada Pak Ganjar Pranowo soal jalan rusak.", "Ganjar Pranowo"),
    ("Hj. Siti Aminah menyerahkan bantuan beras.", "Siti Aminah"),
    ("Prof. Dr. Ir. Budi Santoso, M.Si. menjadi pembicara utama.", "Budi Santoso"),
    ("Dr. H. Ahmad Fauzi, S.H., M.H. membacakan putusan.", "Ahmad Fauzi"),
])
def test_titles_ranks_honorifics_and_degrees_are_stripped(sentence, name):
    assert name in people(sentence)
    assert not any(p != name and name in p for p in people(sentence))  # no "Irjen Pol Suwondo ..."


@pytest.mark.parametrize("sentence, name", [
    ("Putra Mahkota Arab Saudi Mohammed bin Salman menerima Presiden Prabowo.", "Mohammed bin Salman"),
    ("Siti Rahmawati binti Abdullah dipulangkan ke kampung halamannya.", "Siti Rahmawati binti Abdullah"),
    ("Presiden Interpol Ahmed Nasser Al-Raisi membuka sidang umum di Lyon.", "Ahmed Nasser Al-Raisi"),
    ("Pelatih Louis van Gaal memuji pemain keturunan Indonesia.", "Louis van Gaal"),
    ("Bek Timnas Indonesia Kevin Diks bermain di Jerman. Penyerang Ole Romeny mencetak gol.", "Kevin Diks"),
])
def test_names_with_connectors(sentence, name):
    assert name in people(sentence)


def test_short_form_merges_into_the_full_name_within_an_article():
    body = ("Menteri Keamanan Publik Tiongkok Wang Xiaohong bertemu Sekjen Interpol Valdecy Urquiza. "
            "Wang mengatakan kerja sama diperkuat. Urquiza menyambut baik.")
    ms = [m for m in extract_article("", None, body, []) if m.kind == "person"]
    assert {m.entity for m in ms} == {"Wang Xiaohong", "Valdecy Urquiza"}
    assert sum(m.entity == "Wang Xiaohong" for m in ms) == 2


def test_alias_file_makes_one_person_across_articles():
    # Each article keeps the name it uses; the registry makes them one entity.
    a = people("Mantan Presiden Jokowi menghadiri acara di Solo.")
    b = people("Presiden ke-7 RI Joko Widodo menerima tamu di Solo.")
    c = people("Ketua Umum PKB Muhaimin Iskandar bertemu kader. Cak Imin mengatakan koalisi solid.")
    d = people("Wakil Ketua DPR Cak Imin menanggapi kritik itu.")
    assert a == {"Jokowi"} and b == {"Joko Widodo"}
    assert c == {"Muhaimin Iskandar"} and d == {"Cak Imin"}  # within one article the nickname joins the name
    entities = resolve([NameCount("person", n, 5) for n in ["Jokowi", "Joko Widodo", "Cak Imin", "Muhaimin Iskandar", "SBY"]])
    assert entities[("person", "Jokowi")] == entities[("person", "Joko Widodo")]
    assert entities[("person", "Jokowi")].name == "Joko Widodo"
    assert entities[("person", "Cak Imin")].name == "Muhaimin Iskandar"
    assert entities[("person", "SBY")].name == "Susilo Bambang Yudhoyono"


def test_single_name_is_kept_with_a_speech_cue_only():
    assert "Luhut" in people('"Kita harus cepat," kata Luhut di Jakarta.')
    assert people("Sleman Bersih Sampah.") == set()


# ---------------------------------------------------------------------------------------------
# Organisations


def test_acronym_and_long_form_are_one_organisation():
    body = ("Badan Gizi Nasional (BGN) menambah 500 dapur. Menurut BGN, jumlah penerima manfaat naik. "
            "PT Kereta Api Indonesia (KAI) menambah perjalanan, kata KAI.")
    orgs = {e for k, e in found(body) if k == "organization"}
    # One name per organisation in an article, written as the annotation guide asks: Long Form (ACR).
    assert orgs == {"Badan Gizi Nasional (BGN)", "PT Kereta Api Indonesia (KAI)"}
    entities = resolve([NameCount("organization", n, 3) for n in ["Badan Gizi Nasional (BGN)", "BGN", "Badan Gizi Nasional"]])
    assert len({entities[("organization", n)] for n in ["Badan Gizi Nasional (BGN)", "BGN", "Badan Gizi Nasional"]}) == 1


@pytest.mark.parametrize("sentence, org", [
    ("Kementerian Keuangan mencairkan anggaran MBG.", "Kementerian Keuangan"),
    ("Polres Bantul menangkap dua pelaku curanmor.", "Polres Bantul"),
    ("Polda Jawa Tengah menggelar Operasi Patuh Candi.", "Polda Jawa Tengah"),
    ("Partai Golkar menggelar musyawarah nasional.", "Partai Golkar"),
    ("PT Pertamina Patra Niaga menjamin stok BBM aman.", "PT Pertamina Patra Niaga"),
    ("Universitas Negeri Yogyakarta membuka jalur mandiri.", "Universitas Negeri Yogyakarta"),
    ("Institut Pertanian Stiper membuka program baru.", "Institut Pertanian Stiper"),
    ("PSS Sleman menang 2-1 atas PSM Makassar.", "PSS Sleman"),
    ("Perserikatan Bangsa-Bangsa (PBB) mengecam serangan itu.", "Perserikatan Bangsa-Bangsa (PBB)"),
    ("Maskapai Garuda Indonesia menambah penerbangan haji.", "Garuda Indonesia"),
    ("Manajemen Blue Bird Group menaikkan tarif.", "Blue Bird Group"),
])
def test_kinds_of_organisations(sentence, org):
    assert ("organization", org) in found(sentence)


def test_listed_long_and_short_forms_are_one_organisation():
    assert found("Kemenkeu mencairkan anggaran.") == {("organization", "Kemenkeu")}
    assert found("Kementerian Keuangan mencairkan anggaran.") == {("organization", "Kementerian Keuangan")}
    both = found("Kementerian Keuangan mencairkan anggaran. Kemenkeu menyebut dana cukup.")
    assert both == {("organization", "Kementerian Keuangan (Kemenkeu)")}
    names = ["Kemenkeu", "Kementerian Keuangan", "Kementerian Keuangan (Kemenkeu)"]
    entities = resolve([NameCount("organization", n, 2) for n in names])
    assert {entities[("organization", n)].name for n in names} == {"Kemenkeu"}  # organizations.csv names it


def test_country_inside_an_organisation_name_counts_as_the_guide_says():
    # The annotation guide counts a country wherever the article writes it, organisation names included.
    assert ("country", "Indonesia") in found("Maskapai Garuda Indonesia menambah penerbangan haji.")
    assert ("country", "Indonesia") in found("Wisatawan asing kembali ke Indonesia.")
    assert not any(k == "country" for k, _ in found("Sekjen Interpol Valdecy Urquiza tiba."))


# ---------------------------------------------------------------------------------------------
# Countries and places


def test_cldr_names_aliases_and_demonyms():
    f = found("Dua WN Australia dan seorang warga Jepang ditangkap. Pemerintah Tiongkok, AS dan Prancis bereaksi.")
    assert {("country", "Australia"), ("country", "Jepang"), ("country", "Tiongkok"), ("country", "Amerika Serikat"),
            ("country", "Prancis")} <= f


def test_inggris_as_a_language_is_not_a_country():
    assert not any(k == "country" for k, _ in found("Ia fasih berbahasa Inggris dan menulis dalam bahasa Jepang."))
    assert ("country", "Inggris") in found("Perdana Menteri Inggris Keir Starmer tiba di Jakarta.")


def test_papua_province_is_not_papua_new_guinea():
    f = found("Gubernur Papua Mathius Fakhiri meninjau banjir. Papua Nugini menutup perbatasan.")
    assert ("place", "Papua") in f and ("country", "Papua Nugini") in f
    assert ("country", "Papua Nugini") not in found("Banjir melanda Papua sejak Senin.")


def test_a_city_is_a_place_in_its_country_not_a_country_mention():
    ms = [m for m in extract_article("", None, "Wisatawan dari Paris dan Tokyo memadati Malioboro.", [])]
    places = {(m.entity, m.entity_code) for m in ms if m.kind == "place"}
    assert {("Paris", "FR"), ("Tokyo", "JP"), ("Malioboro", "ID")} <= places
    assert not any(m.kind == "country" for m in ms)


# ---------------------------------------------------------------------------------------------
# Topics


def test_seventeen_iptc_topics_from_an_editable_file():
    assert len(topics()) == 17
    assert all(code.startswith("medtop:") for code in topics())


def test_several_topics_with_scores_and_their_triggers():
    scores = score_topics(
        "Banjir Rendam Demak, Ribuan Warga Mengungsi",
        "Banjir setinggi satu meter merendam rumah warga dan SD Negeri 2 Demak. BPBD mengevakuasi warga ke "
        "pengungsian. Guru tetap mengajar siswa di tenda darurat. Hujan deras diperkirakan BMKG masih turun.",
    )
    by_code = {s.code: s for s in scores}
    assert scores[0].code == "medtop:03000000"  # disaster first
    assert "medtop:05000000" in by_code and "medtop:17000000" in by_code  # education and weather too
    assert "banjir" in by_code["medtop:03000000"].triggers
    assert scores == sorted(scores, key=lambda s: -s.score)


# ---------------------------------------------------------------------------------------------
# Boilerplate


def test_boilerplate_produces_no_mentions():
    page = (
        "Warga Sleman Gotong Royong Bersihkan Sungai\n"
        "Foto: ANTARA/Andreas Fitri AtmokoSLEMAN - Ratusan warga membersihkan Sungai Gajah Wong, Minggu "
        "(4/5/2025). Kepala Desa Caturtunggal Agus Santoso memimpin kegiatan itu.\n"
        "Baca Juga: Prabowo Subianto Resmikan Jembatan Baru di Kulon Progo\n"
        "SCROLL TO CONTINUE WITH CONTENT\n"
        "Kegiatan itu diikuti relawan dan pelajar.\n"
        "Editor: Budi Hartono PT Badan Penerbit Kedaulatan Rakyat Jl. Margo utomo No. 40 Gowongan Jetis "
        "Yogyakarta 55232 (0274) 565685\n"
    )
    b = bundle_from_page(page, "x.txt", {})
    entities = {m["entity"] for m in b.mentions}
    assert "Agus Santoso" in entities
    for junk in ["Andreas Fitri Atmoko", "Prabowo Subianto", "Budi Hartono", "Kulon Progo", "SCROLL", "Gowongan"]:
        assert not any(junk in e for e in entities), junk


# ---------------------------------------------------------------------------------------------
# Issue 8: organisations the articles name, places that are places, one name per person


@pytest.mark.parametrize("sentence, org", [
    ("Ketua Badan Pemeriksa Keuangan (BPK) Isma Yatun menyerahkan laporan.", "Badan Pemeriksa Keuangan (BPK)"),
    ("TikTok menghapus akun tersebut.", "TikTok"),
    ("Tayangan itu disiarkan ulang oleh SCTV pekan ini.", "SCTV"),
    ("Siswa SMA Negeri 1 Sleman menjuarai lomba itu.", "SMA Negeri 1 Sleman"),
    ("Data Riskesdas 2023 dari Kementerian Kesehatan mencatat prevalensi diabetes naik.", "Kementerian Kesehatan"),
    ("Pasien dirujuk ke RSUD Prof. dr. Soekandar Mojosari.", "RSUD Prof. dr. Soekandar Mojosari"),
])
def test_organisations_the_articles_name(sentence, org):
    assert ("organization", org) in found(sentence)


def test_a_platform_as_the_channel_of_a_post_is_no_organisation():
    assert not any(k == "organization" for k, _ in found("Video itu diunggah di akun TikTok @dr.erta, Selasa."))


def test_joint_tickets_give_both_people():
    assert people("Pasangan Prabowo Subianto-Gibran Rakabuming Raka menang pemilu.") == {
        "Prabowo Subianto", "Gibran Rakabuming Raka"}


@pytest.mark.parametrize("sentence, place", [
    ("AC Milan menang 2-0 di San Siro.", "Milan"),
    ("Israel Serang Palestina, Puluhan Warga Tewas", "Serang"),
])
def test_a_club_or_a_verb_is_no_place(sentence, place):
    assert ("place", place) not in found(sentence, title=sentence if sentence.istitle() else "")


def test_nicknames_and_short_forms_join_the_full_name_in_an_article():
    body = ("Wakil Ketua MPR RI, Lestari Moerdijat, menekankan pentingnya keluarga. Lestari, yang akrab disapa "
            "Rerie, menegaskan pola asuh menentukan. Menurut Rerie, semua pihak harus terlibat.")
    assert people(body) == {"Lestari Moerdijat"}


@pytest.mark.parametrize("sentence, name", [
    ("Pasukan itu tetap setia kepada rezim Presiden Suriah Bashar al-Assad hingga akhir tahun.", "Bashar al-Assad"),
    ("Menlu AS bertemu Presiden Abdel Fattah al-Sisi di Kairo untuk membahas gencatan senjata.", "Abdel Fattah al-Sisi"),
    ("Pemerintah Irak pimpinan Perdana Menteri Nuri al-Maliki menolak usulan itu.", "Nuri al-Maliki"),
])
def test_arabic_names_keep_their_article(sentence, name):
    assert name in people(sentence)


def test_a_single_name_that_is_also_part_of_a_title_is_a_name():
    # "Agung" is a word of "Jaksa Agung", but alone after "kata" it names a man.
    assert "Agung" in people("Sejak awal, kata Agung, menteri itu berasal dari kalangan profesional partai.")


@pytest.mark.parametrize("sentence, wrong", [
    # the office's acronym may not leave a bare numeral as the name
    ("Presiden hadir di Yogyakarta untuk pernikahan putri Sultan HB X siang tadi.", "X"),
    # a country after the office is the office's, not a person
    ("Menteri Kesehatan Kongo Felix Numbi mengatakan zona karantina sudah ditetapkan.", "Kongo"),
    # a word the corpus reads as a body ("Panitia Seleksi") after a title names no one
    ("Presiden bisa saja mengganti Ketua Pansel dengan Menkum HAM yang baru.", "Pansel"),
])
def test_what_is_left_after_a_title_must_be_a_name(sentence, wrong):
    assert wrong not in people(sentence)


def test_a_model_number_is_not_a_count_of_organisations():
    # "10 Universitas ..." counts bodies; "iPhone 4S Apple" names the maker.
    assert ("organization", "Apple") in found("Ponsel itu tantangan paling serius untuk iPhone 4S Apple tahun ini.")


def test_a_city_the_tagger_reads_as_a_club_stays_a_club():
    got = found("Dalam tujuh laga terakhir, Roma akan bertanding melawan Bologna di kandang.")
    assert ("organization", "Roma") in got and ("place", "Roma") not in got


def test_antara_lain_is_not_the_news_agency():
    assert not any(k == "organization" for k, _ in found("Antara lain, 12 petani ditangkap polisi di Kendal."))


def test_a_headline_name_the_corpus_knows_as_a_person_is_no_place():
    # In Title Case the tagger read "Netanyahu" as a place in 353 corpus headlines; the bodies name him.
    got = found("", title="Netanyahu Perintahkan Jajarannya Bersiap Perang Melawan Hamas")
    assert ("person", "Netanyahu") in got and ("place", "Netanyahu") not in got


def test_a_brand_written_with_a_small_first_letter_is_an_organisation():
    assert ("organization", "detikINET") in found("Seperti dikutip detikINET dari Gizmodo, Senin, ponsel itu dirilis.")


@pytest.mark.parametrize("sentence, venue", [
    ("Pameran itu digelar di Jakarta Convention Center, Jumat siang.", "Convention Center"),
    ("Presiden langsung menuju Ambon City Center, salah satu pusat belanja di kota itu.", "City Center"),
])
def test_a_venue_after_a_city_is_no_person(sentence, venue):
    assert venue not in people(sentence)


def test_a_ticket_written_as_one_word_gives_both_people_but_a_compound_given_name_stays():
    assert people("Pasangan Prabowo-Gibran menang dalam pemilu itu.") >= {"Prabowo", "Gibran"}
    assert "Jean-Paul" in people("Kata Jean-Paul, latihan itu berjalan baik.")


def test_a_unit_name_does_not_run_on_into_the_next_body():
    got = found("Kemauan Pemerintah dan PSSI dalam mereformasi sepak bola harus didengar.")
    assert ("organization", "PSSI") in got and not any("Pemerintah dan" in e for _, e in got)
    assert ("organization", "Dinas Kependudukan dan Catatan Sipil Kota Surabaya") in found(
        "Pelayanan Dinas Kependudukan dan Catatan Sipil Kota Surabaya dibuka Sabtu.")


@pytest.mark.parametrize("sentence, unit", [
    ("Kepala Dinas Kesehatan Kota Yogyakarta Emma Rahmi mengatakan itu.", "Dinas Kesehatan Kota Yogyakarta"),
    ("Pelayanan Dinas Kependudukan dan Catatan Sipil Kota Surabaya dibuka Sabtu.", "Dinas Kependudukan dan Catatan Sipil Kota Surabaya"),
])
def test_a_units_region_is_part_of_its_name(sentence, unit):
    """The tagger may stop a unit's name on `Kota` and read the city as a place of its own: the
    name would end on a dangling `Kota` (a fragment the registry keeps)."""
    got = found(sentence)
    assert ("organization", unit) in got
    assert not any(k == "organization" and e.endswith(" Kota") for k, e in got)


def test_a_cup_named_after_a_company_is_not_the_company():
    assert not any(k == "organization" for k, _ in found("Indonesia mengubah skuat menuju Piala Uber 2016 di Kunshan."))


@pytest.mark.parametrize("body", [
    "Seorang pria berinisial MA (29) membakar rumah kontrakannya di kawasan Cakung.",
    "Polisi menangkap dua kurir narkoba yakni AP (25) dan AW (37) di Sewon.",
    "Korban berinisial RK mengalami luka bakar. Kapolsek menyebut RK tinggal sendirian.",
])
def test_a_person_named_only_by_initials_is_no_actor(body):
    """The guide leaves such persons out; read as an organisation, `MA` would join the Supreme
    Court's line."""
    got = found(body)
    assert not any(e in ("MA", "AP", "AW", "RK") for _, e in got), got


def test_a_sentence_end_after_a_head_does_not_join_it_to_the_next_name():
    got = found("Upacara diikuti pengurus PAC serta personel Satgas. Subagyo menjelaskan bahwa lokasi itu dipilih.")
    assert not any("." in e for _, e in got), got
    assert ("organization", "RSUD. Prof. dr. Soekandar Mojosari") in found("Ia dirujuk ke RSUD. Prof. dr. Soekandar Mojosari.")


@pytest.mark.parametrize("body, org", [
    ("Pemerintah Kota (Pemkot) Semarang menutup jalan itu pada Senin.", "Pemerintah Kota Semarang (Pemkot Semarang)"),
    ("Kemarin Dinas Kesehatan (Dinkes) Kota Yogyakarta mencatat 12 kasus baru.", "Dinas Kesehatan Kota Yogyakarta (Dinkes Kota Yogyakarta)"),
    ("Kejaksaan Negeri (Kejari) Purbalingga memusnahkan barang bukti dari 25 perkara.", "Kejaksaan Negeri Purbalingga (Kejari Purbalingga)"),
])
def test_a_units_place_after_its_acronym_is_part_of_its_name(body, org):
    """Without the place every city's government or health office would be one actor (470 corpus
    articles write a unit so)."""
    got = found(body)
    assert ("organization", org) in got, got


def test_an_abbreviated_form_of_an_organisation_is_that_organisation():
    body = ("PT Kereta Api Indonesia Daerah Operasi 9 Jember memastikan perjalanan aman. Manajer Humas KAI Daop 9 "
            "Jember, Cahyo Widiantoro, mengatakan itu. Dinas Kesehatan Kabupaten Toba mencatat 95 korban, kata Kepala "
            "Dinas Kesehatan Toba kemarin. Siswa SD Negeri Ungaran 1 Yogyakarta dan guru SDN Ungaran 1 Yogyakarta hadir.")
    orgs = {e for k, e in found(body) if k == "organization"}
    assert "KAI Daop 9 Jember" not in orgs and "PT Kereta Api Indonesia Daerah Operasi 9 Jember" in orgs, orgs
    assert "Dinas Kesehatan Toba" not in orgs and "Dinas Kesehatan Kabupaten Toba" in orgs, orgs
    assert "SDN Ungaran 1 Yogyakarta" not in orgs, orgs
    # Two names it could stand for: left alone.
    both = found("Dinas Kesehatan Kota Bekasi dan Dinas Kesehatan Kabupaten Bekasi bertemu. Dinas Kesehatan Bekasi hadir.")
    assert ("organization", "Dinas Kesehatan Bekasi") in both, both


def test_a_lower_case_word_inside_a_span_ends_the_name():
    got = found("Laga Inter Miami vs FC Porto berakhir imbang, sedangkan Real Madridseri denganAl Hilal kemarin.")
    assert {("organization", "Inter Miami"), ("organization", "FC Porto"), ("organization", "Real Madrid")} <= got, got
    assert not any(" vs " in e or "seri" in e for _, e in got), got


def test_a_countrys_government_is_the_country():
    got = found("Pemerintah Arab Saudi menerapkan sistem baru bagi jemaah, kata Pemerintah Kota Madinah.")
    assert ("country", "Arab Saudi") in got or any(k == "country" for k, _ in got), got
    assert not any(k == "organization" and "Arab Saudi" in e for k, e in got), got


def test_a_company_without_its_legal_forms_and_country_is_that_company():
    got = found("Untuk itu PT Telkom Indonesia (Persero) Tbk menggelar program baru. Selain itu, Telkom juga "
                "menghadirkan aplikasi untuk kader kesehatan.")
    orgs = {e for k, e in got if k == "organization"}
    assert len(orgs) == 1, orgs
