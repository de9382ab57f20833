"""The trained tagger: tokens, decoding, headlines, and a deterministic training run."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from etl.actors import find_actors
from etl.conll import Sentence
from etl.features import span_features
from etl.page_parser import parse_page
from etl.tagger import Tagger, candidate_stretches, default_tagger, spans_of
from etl.tokens import join_tokens, tokenize
from etl.train import Convention, retokenize

from .conftest import SEED_PAGE


def test_tokens_keep_offsets_initials_and_split_glued_sentences():
    text = "Kata dr. Erta P.W. di Jakarta.Peluang itu ada, ujar Al-Raisi (19/6)."
    toks, starts, ends = tokenize(text)
    assert [text[s:e] for s, e in zip(starts, ends)] == toks
    assert "P.W." in toks and "dr." in toks and "Al-Raisi" in toks and "19/6" in toks
    assert toks[toks.index("Jakarta") + 1 : toks.index("Jakarta") + 3] == [".", "Peluang"]


def test_public_sets_are_read_in_their_own_conventions():
    s = Sentence("aktris Song Hye - kyo di Bursa Efek Indonesia (BEI)".split(),
                 ["O", "B-PER", "I-PER", "I-PER", "I-PER", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG"])
    text, tokens, _, _, tags = retokenize(s, Convention(joined_acronyms=True, glued_hyphens=True))
    assert "Hye-kyo" in tokens and text.startswith("aktris Song Hye-kyo")
    labelled = {t: g for t, g in zip(tokens, tags)}
    # One organisation in the file, two for the tagger: the long form, and the acronym without brackets.
    assert labelled["Bursa"] == "B-ORG" and labelled["BEI"] == "B-ORG" and labelled["("] == "O"
    assert join_tokens(["Prabowo", "-", "Hatta"])[0] == "Prabowo - Hatta"


def test_stretch_decoding_agrees_with_decoding_every_token():
    # Inside the stretches around capitalised words the labels are the full decoding's; outside
    # them every token is O (where full decoding may call a lone lower-case word a person).
    tagger = default_tagger()
    page = parse_page(SEED_PAGE.read_text(encoding="utf-8"))
    for text in [page.title, page.body, *[t.headline for t in page.trending]]:
        toks, starts, ends = tokenize(text)
        feats = span_features(text, starts, ends)
        fast, full = tagger.tag_tokens(toks, feats), tagger.tag_tokens(toks, feats, full=True)
        inside = {i for a, b in candidate_stretches(toks) for i in range(a, b)}
        assert [fast[i] for i in sorted(inside)] == [full[i] for i in sorted(inside)]
        assert all(fast[i] == "O" for i in range(len(toks)) if i not in inside)
        assert sum(x != y for x, y in zip(fast, full)) <= 1


def test_spans_from_labels():
    spans = spans_of(["B-PER", "I-PER", "O", "I-ORG", "B-ORG", "B-LOC"], list(range(6)), list(range(1, 7)))
    assert [(s.label, s.first, s.last) for s in spans] == [("PER", 0, 1), ("ORG", 3, 3), ("ORG", 4, 4), ("LOC", 5, 5)]


@pytest.mark.parametrize("headline, people, not_places", [
    ("Putin Sambut Prabowo di Istana Konstantinovsky Rusia", {"Putin", "Prabowo"}, set()),
    ("Calon Wakil Wali Kota Armuji Sebut Warga Surabaya Cerdas Gunakan Hak Pilih", {"Armuji"}, set()),
    ("Israel Serang Palestina Lagi, Puluhan Warga Tewas", set(), {"Serang"}),
    ("PSS Sleman Pagari Dominikus Dion Tiga Tahun", {"Dominikus Dion"}, set()),
])
def test_title_case_headlines(headline, people, not_places):
    hits = find_actors(headline, headline=True)
    assert {h.name for h in hits if h.kind == "person"} == people
    assert not not_places & {h.name for h in hits if h.kind == "place"}


def _bio(path: Path, sentences: list[list[tuple[str, str]]]) -> Path:
    path.write_text("\n\n".join("\n".join(f"{w}\t{t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8")
    return path


def test_training_is_deterministic_and_the_array_tagger_matches_crfsuite(tmp_path):
    pycrfsuite = pytest.importorskip("pycrfsuite")
    from etl.conll import read_conll
    from etl.features import FeatureSpace
    from etl.train import featurize, train_on

    data = [
        [("Presiden", "O"), ("Joko", "B-PER"), ("Widodo", "I-PER"), ("tiba", "O"), ("di", "O"), ("Solo", "B-LOC"), (".", "O")],
        [("KPK", "B-ORG"), ("memeriksa", "O"), ("Budi", "B-PER"), ("Santoso", "I-PER"), (".", "O")],
        [("Menurut", "O"), ("Bank", "B-ORG"), ("Indonesia", "I-ORG"), (",", "O"), ("inflasi", "O"), ("turun", "O"), (".", "O")],
    ] * 5
    sents = [(s, Convention(False, False)) for s in read_conll(_bio(tmp_path / "tiny.tsv", data))]
    a = train_on(sents, tmp_path / "a.npz", {"max_iterations": 30}, bag=1)
    b = train_on(sents, tmp_path / "b.npz", {"max_iterations": 30}, bag=1)
    assert hashlib.sha1(a.read_bytes()).hexdigest() == hashlib.sha1(b.read_bytes()).hexdigest()

    # The shipped tagger runs the exported arrays; CRFsuite's own tagger must agree with it.
    space = FeatureSpace()
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in featurize(sents, space):
        trainer.append(x, y)
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 30, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "ref.crfsuite"))
    ref = pycrfsuite.Tagger()
    ref.open(str(tmp_path / "ref.crfsuite"))
    ours = Tagger(a, space)
    for text in ["Presiden Joko Widodo memeriksa KPK di Solo.", "Budi Santoso tiba di Bank Indonesia."]:
        toks, starts, ends = tokenize(text)
        feats = span_features(text, starts, ends)
        assert ours.tag_tokens(toks, feats, full=True) == ref.tag(space.sequence(toks, feats))


def test_a_bagged_model_is_the_average_of_its_members(tmp_path):
    """The shipped model averages BAG CRFs, member b trained without sentences b, b + BAG, ...:
    its arrays are the members' mean (a feature one member dropped weighs 0 there), and the
    average is as deterministic as one CRF."""
    pytest.importorskip("pycrfsuite")
    import numpy as np

    from etl.conll import read_conll
    from etl.train import train_on

    data = [
        [("Presiden", "O"), ("Joko", "B-PER"), ("Widodo", "I-PER"), ("tiba", "O"), ("di", "O"), ("Solo", "B-LOC"), (".", "O")],
        [("KPK", "B-ORG"), ("memeriksa", "O"), ("Budi", "B-PER"), ("Santoso", "I-PER"), (".", "O")],
        [("Menurut", "O"), ("Bank", "B-ORG"), ("Indonesia", "I-ORG"), (",", "O"), ("inflasi", "O"), ("turun", "O"), (".", "O")],
        [("Gubernur", "O"), ("Anies", "B-PER"), ("tiba", "O"), ("di", "O"), ("Bandung", "B-LOC"), (".", "O")],
    ] * 2  # 8 sentences: each member of 3 leaves out a different mix of them
    sents = [(s, Convention(False, False)) for s in read_conll(_bio(tmp_path / "tiny.tsv", data))]
    params = {"max_iterations": 30}
    bagged = np.load(train_on(sents, tmp_path / "bag.npz", params, bag=3))
    again = np.load(train_on(sents, tmp_path / "bag2.npz", params, bag=3))
    assert all(np.array_equal(bagged[k], again[k]) for k in ("attributes", "weights", "transitions"))
    members = [np.load(train_on([x for i, x in enumerate(sents) if i % 3 != b], tmp_path / f"m{b}.npz", params, bag=1))
               for b in range(3)]
    # The members differ (each saw other sentences), so the average is not any one of them.
    assert not np.array_equal(members[0]["weights"], members[1]["weights"])
    rows = [{str(a): w for a, w in zip(m["attributes"], m["weights"])} for m in members]
    assert len(bagged["attributes"]) > max(len(r) for r in rows) // 2
    for attr, w in zip(bagged["attributes"], bagged["weights"]):
        mean = sum(r.get(str(attr), np.zeros(7)) for r in rows) / 3
        # A member drops weights under 1e-4 when it exports; CRFsuite keeps them for the average.
        assert np.allclose(w, mean, atol=1e-4), attr
    allowed = members[0]["transitions"] > -100
    mean_trans = sum(m["transitions"] for m in members) / 3
    assert np.allclose(bagged["transitions"][allowed], mean_trans[allowed], atol=1e-6)


def test_a_texts_tags_do_not_depend_on_what_was_tagged_before():
    """Score vectors are cached per word type; the last word of each batch of new ones got a stray
    feature's weights added, so tags depended on the process's history (bench/fault_injection.py)."""
    from etl.tagger import MODEL_FILE

    text = "Kepala BMKG DIY Reni Kraningtyas menyebut hujan deras mengguyur Sleman dan Bantul pada Senin."
    fresh = Tagger(MODEL_FILE)
    first = fresh.tag(text)[0]
    used = Tagger(MODEL_FILE)
    for other in (SEED_PAGE.read_text(encoding="utf-8"), "Presiden Joko Widodo di Jakarta.", "Wisma Hartono Tutup 4 Mei"):
        used.tag(other)
    assert used.tag(text)[0] == first
    # and word by word, in any order, the same vector
    a, b = Tagger(MODEL_FILE), Tagger(MODEL_FILE)
    words = ["Kraningtyas", "Sleman", "zzqx", "BMKG"]
    assert (a.vocabulary_rows(words) == b.vocabulary_rows(list(reversed(words)))[::-1]).all()
