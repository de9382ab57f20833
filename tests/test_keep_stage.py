"""The learned keep-or-drop stage (etl/candidates.py): its fast path decides as the feature rows do,
its model file is checked against the code's features, and `python -m etl.train keep` rebuilds the
shipped model byte for byte."""
from __future__ import annotations

import json

import pytest

from etl.candidates import FEATURES, Keeper, article_index, features, load_keeper
from etl.extract import find_candidates

from .conftest import SHARED

BODY = (
    "Wali Kota Surabaya Eri Cahyadi mengatakan Pemkot Surabaya bekerja sama dengan Badan Gizi Nasional (BGN). "
    "\"Kami siap,\" kata Eri di Balai Kota Surabaya, Senin. Menurut Eri, BGN akan datang ke Surabaya. "
    "Sebelumnya Presiden Prabowo Subianto meminta Kementerian Kesehatan membantu. INFOGRAFIK: Program MBG. "
    "Manchester United dan Man United bermain di Old Trafford. 1. Ranca Upas - tempat wisata di Bandung."
)


def test_the_fast_path_decides_as_the_feature_rows_do():
    keeper = load_keeper()
    if keeper is None:
        pytest.skip("no keep model shipped")
    cands = [c for _, c in find_candidates("Eri Cahyadi Sambut BGN di Surabaya", None, BODY)]
    assert len(cands) >= 10
    index = article_index(cands)
    slow = [keeper.keep(c.kind, features(c, index)) for c in cands]
    assert keeper.keep_candidates(cands) == slow
    # A threshold that drops everything and one that keeps everything are honoured too.
    for t, want in ((0.999999, False), (0.0, True)):
        k = Keeper(keeper.weights, {kind: t for kind in keeper.weights})
        assert set(k.keep_candidates(cands)) == {want}


def test_a_model_trained_with_other_features_is_refused(tmp_path):
    path = tmp_path / "keep.json"
    path.write_text(json.dumps({"features": list(FEATURES)[:-1], "weights": {}, "threshold": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        load_keeper(path)
    path.write_text(json.dumps({"features": list(FEATURES), "weights": {"person": [0.0] * len(FEATURES)},
                                "threshold": {"person": 0.5}}), encoding="utf-8")
    k = load_keeper(path)
    assert k is not None and k.keep("person", [1.0] * len(FEATURES))  # p = 0.5 >= 0.5


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "corpus" / "pages").is_dir(), reason="../shared/corpus is not beside this checkout")
def test_the_shipped_model_is_what_etl_train_keep_builds(tmp_path):
    from etl.candidates import MODEL_FILE
    from etl.train_keep import train

    out = train(tmp_path / "keep.json", verbose=False)
    assert out.read_bytes() == MODEL_FILE.read_bytes(), "rebuild etl/models/keep.json: python -m etl.train keep"
    load_keeper.cache_clear()


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "corpus" / "pages").is_dir(), reason="../shared/corpus is not beside this checkout")
def test_the_shipped_casing_table_is_what_etl_train_casing_builds(tmp_path):
    from etl.train import main

    assert main(["casing", "--out", str(tmp_path)]) == 0
    from etl.phrase_casing import CASING_FILE

    assert (tmp_path / "casing.tsv.gz").read_bytes() == CASING_FILE.read_bytes(), \
        "rebuild etl/models/casing.tsv.gz: python -m etl.train casing"
