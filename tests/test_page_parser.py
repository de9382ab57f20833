import pytest

from etl.page_parser import PageParseError, parse_page

TRENDING = "Berita Trending\n" + "\n".join(f"- {i} Judul Berita Nomor {i} di Sleman" for i in range(1, 8))


def page(*lines: str, trending: str = TRENDING) -> str:
    return "\n".join(lines) + ("\n" + trending if trending else "")


def test_seed_page_fields(seed_text):
    p = parse_page(seed_text)
    assert p.title == "Tiongkok dan Interpol Bertekad Perkuat Kerja Sama Penegakan Hukum"
    assert p.caption.startswith("Pejabat Tiongkok bertemu")
    assert p.photo_credit == "ANTARA/Xinhua/Gao Jing"
    assert p.dateline == "Lyon"
    assert p.body.startswith("Anggota Dewan Negara")
    assert p.body.endswith("Bruno Retailleau.")
    assert len(p.paragraphs) == 8
    assert [t.rank for t in p.trending] == [1, 2, 3, 4, 5]
    assert p.trending[2].headline == "Calon Wakil Wali Kota Armuji Sebut Warga Surabaya Cerdas Gunakan Hak Pilih"
    assert p.trending[4].headline == "Jangan Hanya Ditunda, Tarif PPN 12 Persen Harus Dibatalkan"


def test_no_caption_no_credit():
    p = parse_page(page("Harga Cabai Naik", "SLEMAN - Harga cabai rawit di Pasar Sleman naik tajam pekan ini."))
    assert p.caption is None and p.photo_credit is None
    assert p.dateline == "Sleman"
    assert p.body.startswith("Harga cabai rawit")


def test_no_caption_no_dateline():
    p = parse_page(page("Judul", "Babak pertama laga PSS Sleman vs PSM Makassar berakhir 2-1."))
    assert p.caption is None and p.dateline is None
    assert p.body.startswith("Babak pertama")


@pytest.mark.parametrize(
    "credit_line, credit, dateline",
    [
        ("Foto: IstimewaJAKARTA - Pemerintah menaikkan tarif.", "Istimewa", "Jakarta"),
        ("Foto: Dok. Humas Polda DIYYogyakarta - Polisi menangkap dua orang.", "Dok. Humas Polda DIY", "Yogyakarta"),
        ("Foto: ANTARA/Budi SantosoBandung – Warga memadati alun-alun.", "ANTARA/Budi Santoso", "Bandung"),
        ("Foto: Istimewa", "Istimewa", None),
    ],
)
def test_photo_credits(credit_line, credit, dateline):
    lines = ["Judul Berita", "Warga berkumpul di alun-alun kota.", credit_line]
    if dateline is None:
        lines.append("Pemerintah menaikkan tarif listrik mulai bulan depan.")
    p = parse_page(page(*lines))
    assert p.caption == "Warga berkumpul di alun-alun kota."
    assert p.photo_credit == credit
    assert p.dateline == dateline
    assert p.body and not p.body.startswith(("-", "–"))


@pytest.mark.parametrize(
    "first_line, dateline",
    [
        ("KUDUS - Kejuaraan balap sepeda gunung dimulai.", "Kudus"),
        ("Kudus – Kejuaraan balap sepeda gunung dimulai.", "Kudus"),
        ("KUDUS — Kejuaraan balap sepeda gunung dimulai.", "Kudus"),
        ("KUDUS -- Kejuaraan balap sepeda gunung dimulai.", "Kudus"),
        ("Krjogja.com - KUDUS - Kejuaraan balap sepeda gunung dimulai.", "Kudus"),
        ("TRIBUNJOGJA.COM, SLEMAN - Kejuaraan balap sepeda gunung dimulai.", "Sleman"),
        ("JAKARTA, KOMPAS.com - Kejuaraan balap sepeda gunung dimulai.", "Jakarta"),
        ("Jakarta (ANTARA) - Kejuaraan balap sepeda gunung dimulai.", "Jakarta"),
        ("Liputan6.com, Jakarta - Kejuaraan balap sepeda gunung dimulai.", "Jakarta"),
        ("https://jogja.times.co.id/ TIMES JOGJA, PACITAN – Kejuaraan balap sepeda gunung dimulai.", "Pacitan"),
        ("Yogyakarta, IDN Times - Kejuaraan balap sepeda gunung dimulai.", "Yogyakarta"),
        ("TRIBUNJOGJA.COM - Kejuaraan balap sepeda gunung dimulai.", None),
    ],
)
def test_datelines(first_line, dateline):
    p = parse_page(page("Balap Sepeda", first_line))
    assert p.dateline == dateline
    assert p.body == "Kejuaraan balap sepeda gunung dimulai."


def test_crlf_bom_and_nbsp():
    text = "\ufeffJudul\u00a0Berita\r\nSLEMAN\u00a0- Warga\u00a0panen raya.\r\nBerita Trending\r\n- 1 Satu Dua\r\n- 2 Tiga Empat\r\n"
    p = parse_page(text)
    assert p.title == "Judul Berita"
    assert p.dateline == "Sleman"
    assert p.body == "Warga panen raya."
    assert [t.headline for t in p.trending] == ["Satu Dua", "Tiga Empat"]


def test_boilerplate_and_read_also_are_not_body():
    body = (
        "Krjogja.com - BANTUL - Bupati Bantul meninjau pasar. SCROLL TO CONTINUE WITH CONTENT Ia didampingi "
        "camat. Baca Juga: Pemkab Sleman Gelar Pasar Murah Warga antusias datang sejak pagi. Baca Juga: "
        "SD dan SMP di Temanggung Bebas Pungutan, Bupati: Laporkan Jika AdaSebab, selama ini banyak laporan."
    )
    text = page(
        "Bupati Tinjau Pasar",
        "PT Badan Penerbit Kedaulatan Rakyat",
        "Jl. Margo utomo  No. 40 Gowongan Jetis",
        "Yogyakarta 55232",
        " (0274) 565685",
        " [email\u00a0protected] " + body,
        "    Semua karya tulis yang dibuat adalah sepenuhnya tanggung jawab dari penulis.",
    )
    p = parse_page(text)
    assert p.dateline == "Bantul"
    assert "SCROLL" not in p.body and "Baca Juga" not in p.body and "Pasar Murah" not in p.body
    assert "Temanggung" not in p.body
    assert "Warga antusias datang sejak pagi." in p.body
    assert "Sebab, selama ini banyak laporan." in p.body
    assert "Margo" not in p.body and "karya tulis" not in p.body and "protected" not in p.body
    assert p.caption is None


def test_no_trending_block():
    p = parse_page(page("Judul", "JAKARTA - Isi berita.", trending=""))
    assert p.trending == []


@pytest.mark.parametrize("n", [5, 10])
def test_trending_lists_of_5_to_10(n):
    block = "Berita Trending\n" + "\n".join(f"- {i} Berita ke-{i}" for i in range(1, n + 1))
    p = parse_page(page("Judul", "JAKARTA - Isi berita.", trending=block))
    assert [t.rank for t in p.trending] == list(range(1, n + 1))
    assert p.trending[-1].headline == f"Berita ke-{n}"


def test_page_without_body_is_kept_with_a_warning():
    p = parse_page(page("Judul Saja", "PT Badan Penerbit Kedaulatan Rakyat", "Yogyakarta 55232"))
    assert p.title == "Judul Saja" and p.body == "" and p.warnings


def test_empty_page_is_an_error():
    with pytest.raises(PageParseError):
        parse_page("\n \n")


def test_a_read_also_headline_ends_before_the_given_name_that_opens_the_next_sentence():
    from etl.page_parser import _strip_read_also

    para = ("Yogya dikenal sebagai kota budaya. Baca Juga: Mendikdasmen Akan Hadiri Deklarasi Gerakan 7 "
            "Kebiasaan Anak Indonesia Hebat dan SPMB Berintegritas di BPMP DIY Retno Sudiyanti selaku "
            "pimpinan cabang menuturkan rencana itu.")
    assert _strip_read_also(para) == "Yogya dikenal sebagai kota budaya. Retno Sudiyanti selaku pimpinan cabang menuturkan rencana itu."
    # A word that opens no person's name in the corpus stays with the headline.
    assert _strip_read_also("Baca Juga: Jokowi Datang ke Solo Warga menyambut.") == "Warga menyambut."
