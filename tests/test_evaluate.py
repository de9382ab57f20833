"""The evaluation harness: BIO reading, conlleval-style scoring, JSON output."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from etl.evaluate import evaluate_ner, mean_of, read_conll, spans_from_tags

from .conftest import ROOT, SHARED

NER = SHARED / "benchmarks" / "ner"


def test_bio_files_in_every_layout_are_read(tmp_path):
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(
        "Presiden PROPN O\r\nJoko PROPN B-PER\r\nWidodo PROPN I-PER\r\ndi ADP O\r\nSolo PROPN B-LOC\r\n\r\n"
        "KPK PROPN B-ORG\r\n".encode("utf-8")
    )
    tabs = tmp_path / "tabs.tsv"
    tabs.write_text("Menurut\tO\nBadan\tB-ORGANISATION\nGizi\tI-ORGANISATION\nNasional\tI-ORGANISATION\n"
                    "di\tO\nJakarta\tB-PLACE\n", encoding="utf-8")
    [s1, s2] = list(read_conll(crlf))
    assert s1.tokens == ["Presiden", "Joko", "Widodo", "di", "Solo"]
    assert s1.tags == ["O", "B-PER", "I-PER", "O", "B-LOC"] and s2.tags == ["B-ORG"]
    [s3] = list(read_conll(tabs))
    assert spans_from_tags(s3.tags) == {("ORG", 1, 3), ("LOC", 5, 5)}


def test_conlleval_spans():
    assert spans_from_tags(["B-PER", "I-PER", "O", "I-ORG", "I-ORG", "B-ORG"]) == {("PER", 0, 1), ("ORG", 3, 4), ("ORG", 5, 5)}
    assert spans_from_tags(["B-PER", "I-LOC"]) == {("PER", 0, 0), ("LOC", 1, 1)}


def test_scores_are_exact_span_and_type(tmp_path):
    path = tmp_path / "gold.tsv"
    # Gold: Sri Mulyani Indrawati (PER), Kemenkeu (ORG), Jakarta (LOC). The extractor strips the title.
    path.write_text(
        "Menteri\tO\nKeuangan\tO\nSri\tB-PERSON\nMulyani\tI-PERSON\nIndrawati\tI-PERSON\nmengatakan\tO\n"
        "di\tO\nJakarta\tB-LOCATION\n.\tO\n\n"
        "Kantor\tO\nKemenkeu\tB-ORGANIZATION\nbuka\tO\n.\tO\n",
        encoding="utf-8",
    )
    r = evaluate_ner(path).as_dict()
    assert r["sentences"] == 2
    assert (r["PER"]["gold"], r["PER"]["correct"]) == (1, 1)
    assert r["LOC"]["correct"] == 1 and r["ORG"]["gold"] == 1
    micro = r["micro"]
    assert micro["gold"] == 3 and micro["correct"] >= 2 and micro["pred"] >= micro["correct"]
    # F1 = 2·correct / (predicted + gold), in per cent, as conlleval gives it.
    assert micro["f1"] == pytest.approx(200 * micro["correct"] / (micro["pred"] + micro["gold"]), abs=0.01)
    folds = mean_of([evaluate_ner(path), evaluate_ner(path)], "two folds")
    assert folds["PER"]["gold"] == 2 and folds["PER"]["f1"] == r["PER"]["f1"]


def test_json_output_for_other_tools(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("Wali\tO\nKota\tO\nArmuji\tB-PER\nmeninjau\tO\nbanjir\tO\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "etl.evaluate", "ner", str(path), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    per = json.loads(out)["ner"][0]["PER"]
    assert set(per) == {"gold", "pred", "correct", "p", "r", "f1"}
    assert (per["gold"], per["pred"], per["correct"], per["f1"]) == (1, 1, 1, 100.0)


@pytest.mark.skipif(not (NER / "nerui").is_dir(), reason="../shared/benchmarks/ner is not beside this checkout")
def test_runs_on_the_public_sets():
    r = evaluate_ner(NER / "nerui" / "test.01.tsv").as_dict()
    assert r["sentences"] > 400 and r["micro"]["gold"] > 900
    assert r["micro_PER_ORG"]["f1"] > 50  # rules alone; docs/quality.md has the current figures


def test_registry_scores_a_warehouse_from_the_command_line(tmp_path):
    """`python -m etl.evaluate registry GROUPS APART --db FILE` on a small warehouse: a group whose
    names are one entity is whole, one whose second name is another kind is not, and an apart pair
    of two entities is not merged."""
    from etl.load import load_paths

    db = tmp_path / "w.duckdb"
    load_paths([ROOT / "tests" / "fixtures" / "pages"], db=db, progress=False)
    groups, apart = tmp_path / "groups.jsonl", tmp_path / "apart.jsonl"
    groups.write_text(
        json.dumps({"kind": "person", "names": ["Wang Xiaohong"]}) + "\n"
        + json.dumps({"kind": "organization", "names": ["PSS Sleman", "Sleman"]}) + "\n"
        + json.dumps({"kind": "person", "names": ["Nobody Anywhere"]}) + "\n", encoding="utf-8")
    apart.write_text(json.dumps({"a": "Prabowo Subianto", "b": "Listyo Sigit Prabowo"}) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "etl.evaluate", "registry", str(groups), str(apart), "--db", str(db), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    r = json.loads(out)["registry"]
    assert (r["groups_total"], r["groups_found"], r["apart_total"], r["apart_merged"]) == (3, 2, 1, 0)
    cohesion = {g["group"]: g.get("cohesion") for g in r["per_group"]}
    assert cohesion["Wang Xiaohong"] == 1.0
    assert cohesion["PSS Sleman"] < 0.95  # Sleman is a place in the other articles: it counts against the group
    assert r["whole"] == 1


@pytest.mark.skipif(not (SHARED / "corpus" / "pages").is_dir(), reason="../shared/corpus is not beside this checkout")
def test_the_projects_own_sets_are_written_out_in_gold_devs_layout(tmp_path):
    from etl import eval_sets

    assert eval_sets.names() == ["own-a", "own-b", "own-c"]
    for name in eval_sets.names():
        target = eval_sets.materialize(name, SHARED, tmp_path / name)
        ids = [json.loads(line)["id"] for line in (target / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        assert ids and len(ids) == len(set(ids))
        for i in ids:
            text = (target / "articles" / f"{i}.txt").read_text(encoding="utf-8")
            assert len(text.splitlines()) >= 2 and json.loads((target / "articles" / f"{i}.meta.json").read_text())["url"]
