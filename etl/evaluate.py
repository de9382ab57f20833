"""Measure the extractor against public yardsticks: `python -m etl.evaluate [ner|gold|dates|topics|speed|all]`.

- ner: IDNer-2k dev, NERGrit valid and the five NER-UI test folds, each scored with a model trained
  without it (trained on first use, cached in .cache/models). Each sentence's text goes through
  the project's extractor; its spans are mapped back to the file's tokens and scored
  conlleval-style (exact span and type), per type and micro.
- ner FILE...: any CoNLL-style BIO files (token first, tag last; tabs or spaces; CRLF allowed; a
  blank line between sentences), with the shipped model.
- gold [DIR|own-a|own-b|own-c]: hand-annotated articles laid out like ../shared/eval/gold-dev (gold.py has
  the rules), or one of the project's own annotated sets (etl/eval_sets/README.md).
- dates [PAGES]: corpus pages against their truth.csv: right, wrong or missing publish day.
- topics [JSONL]: IndoSum categories mapped to IPTC topics; top-1 accuracy.
- speed [PAGES]: extractor throughput in MB of text per second on one core.
- registry [GROUPS APART] [--db FILE]: entity resolution, scored as ../shared/eval/registry-dev's
  score.py does, on a warehouse (default: a fresh load of ../shared/corpus); the top 100 persons and
  organisations with any pair among them that looks like one actor.
- all: each of the above on ../shared.
`--json` prints the same figures as JSON.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

from .conll import read_conll, spans_from_tags
from .shared_data import GOLD_DIR, INDOSUM, NER_DIR, PAGES_DIR, REGISTRY_DIR, SHARED
from .tokens import join_tokens

TYPES = ("PER", "ORG", "LOC")
_KIND_TO_TYPE = {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC"}
# IndoSum category -> IPTC top-level code.
INDOSUM_TOPICS = {
    "olahraga": "medtop:15000000",
    "teknologi": "medtop:13000000",
    "hiburan": "medtop:01000000",
    "showbiz": "medtop:01000000",
}


# ---------------------------------------------------------------------------------------------
# NER


def predict_spans(tokens: list[str], joined_acronyms: bool = True, glued_hyphens: bool = False) -> set[tuple[str, int, int]]:
    """The extractor's entities in a sentence, as spans over the file's own tokens (a token counts
    when the entity covers a letter or digit of it: `(SBY)` is the token of `SBY`).

    joined_acronyms: the set writes `Bursa Efek Indonesia (BEI)` as one organisation, as the
    product does (IDNer-2k: 31 of 34 such pairs in its train split); False splits them in two, as
    NER-UI (132 of 136) and NERGrit do."""
    from .extract import extract_article

    text, offsets = join_tokens(tokens, glued_hyphens)
    out = set()
    found = sorted({(m.kind, m.start, m.end) for m in extract_article("", None, text, []) if m.kind in _KIND_TO_TYPE},
                   key=lambda x: (x[1], x[2]))
    if joined_acronyms:
        # The set's convention: any organisation with a bracket right after it is one entity with it
        # ("PT Pertamina (Persero)", "Badan Kesehatan Dunia (WHO)"), short form or not.
        merged: list[tuple[str, int, int]] = []
        for kind, a, b in found:
            if merged and kind == "organization" and merged[-1][0] == "organization" \
                    and text[merged[-1][2] : a].strip() == "(" and text[b : b + 1] == ")":
                merged[-1] = ("organization", merged[-1][1], b + 1)
            else:
                merged.append((kind, a, b))
        found = merged
    for m_kind, m_start, m_end in found:
        kind = _KIND_TO_TYPE[m_kind]
        pieces = [(m_start, m_end)]
        bracket = _TRAILING_ACRONYM.search(text, m_start, m_end)
        if kind == "ORG" and bracket and not joined_acronyms:
            pieces = [(m_start, bracket.start()), (bracket.start(1), bracket.end(1))]
        for a, b in pieces:
            covered = [i for i, (s, e) in enumerate(offsets) if s < b and a < e and any(c.isalnum() for c in text[max(s, a) : min(e, b)])]
            if covered:
                out.add((kind, covered[0], covered[-1]))
    return out


_TRAILING_ACRONYM = re.compile(r"\s*\(([^()]+)\)$")


@dataclass
class Score:
    gold: int = 0
    pred: int = 0
    correct: int = 0

    def add(self, other: "Score") -> None:
        self.gold += other.gold
        self.pred += other.pred
        self.correct += other.correct

    def as_dict(self) -> dict:
        p = self.correct / self.pred if self.pred else 0.0
        r = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"gold": self.gold, "pred": self.pred, "correct": self.correct,
                "p": round(100 * p, 1), "r": round(100 * r, 1), "f1": round(100 * f1, 1)}


@dataclass
class NerResult:
    file: str
    sentences: int
    by_type: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in TYPES})

    def micro(self, types: Iterable[str] = TYPES) -> Score:
        total = Score()
        for t in types:
            total.add(self.by_type[t])
        return total

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sentences": self.sentences,
            **{t: self.by_type[t].as_dict() for t in TYPES},
            "micro": self.micro().as_dict(),
            "micro_PER_ORG": self.micro(("PER", "ORG")).as_dict(),
        }


def evaluate_ner(path: Path, joined_acronyms: bool = True, glued_hyphens: bool = False) -> NerResult:
    result = NerResult(str(path), 0)
    for sent in read_conll(path):
        result.sentences += 1
        gold = spans_from_tags(sent.tags)
        pred = predict_spans(sent.tokens, joined_acronyms, glued_hyphens)
        for t in TYPES:
            g = {s for s in gold if s[0] == t}
            p = {s for s in pred if s[0] == t}
            result.by_type[t].add(Score(len(g), len(p), len(g & p)))
    return result


def mean_of(results: list[NerResult], label: str) -> dict:
    """Mean over folds of P, R and F1 (as IndoLEM reports NER-UI), with summed counts."""
    return _mean_of_dicts([r.as_dict() for r in results], label)


def _mean_of_dicts(dicts: list[dict], label: str) -> dict:
    out: dict = {"file": label, "folds": len(dicts), "sentences": sum(d["sentences"] for d in dicts)}
    for key in [*TYPES, "micro", "micro_PER_ORG"]:
        out[key] = {
            "gold": sum(d[key]["gold"] for d in dicts), "pred": sum(d[key]["pred"] for d in dicts),
            "correct": sum(d[key]["correct"] for d in dicts),
            **{m: round(sum(d[key][m] for d in dicts) / len(dicts), 1) for m in ("p", "r", "f1")},
        }
    return out


# ---------------------------------------------------------------------------------------------
# Dates


def evaluate_dates(pages: Path = PAGES_DIR) -> dict:
    from .dates import local_day, parse_date_string
    from .records import _parse_fetched_at, bundle_from_page, read_meta

    right = wrong = missing = no_answer = future = 0
    by_source: Counter = Counter()
    wrong_by_source: Counter = Counter()
    examples: list[dict] = []
    today = datetime.now().date()
    with (pages / "truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            path = pages / row["page"]
            meta = read_meta(path)
            fetched, _ = _parse_fetched_at(meta.get("fetched_at"))
            answer = parse_date_string(row["published_as_given_by_source"], reference=fetched) if row["published_as_given_by_source"].strip() else None
            if answer is None:
                no_answer += 1
                continue
            truth = local_day(answer)
            bundle = bundle_from_page(path.read_text(encoding="utf-8"), str(path), meta)
            got, source = bundle.article["published_date"], bundle.article["date_source"]
            by_source[source] += 1
            if got is not None and got > today:
                future += 1
            if got is None:
                missing += 1
            elif got == truth:
                right += 1
            else:
                wrong += 1
                wrong_by_source[source] += 1
                if len(examples) < 10:
                    examples.append({"page": row["page"], "truth": str(truth), "got": str(got), "source": source})
    scored = right + wrong + missing
    return {
        "pages_with_answer": scored, "pages_without_answer": no_answer,
        "right": right, "wrong": wrong, "missing": missing, "in_future": future,
        "right_pct": round(100 * right / scored, 1) if scored else 0.0,
        "by_source": dict(by_source), "wrong_by_source": dict(wrong_by_source), "examples": examples,
    }


# ---------------------------------------------------------------------------------------------
# Topics


def evaluate_topics(path: Path = INDOSUM) -> dict:
    from .topics import score_topics

    total = right = 0
    per_category: dict[str, Counter] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            expected = INDOSUM_TOPICS.get(rec.get("category", ""))
            if expected is None:
                continue
            text = rec.get("text") or ""
            title = rec.get("title") or ""
            scores = score_topics(title, text)
            top = scores[0].code if scores else None
            total += 1
            right += top == expected
            c = per_category.setdefault(rec["category"], Counter())
            c["n"] += 1
            c["right"] += top == expected
    return {
        "articles": total, "right": right, "top1_pct": round(100 * right / total, 1) if total else 0.0,
        "per_category": {k: {"n": v["n"], "top1_pct": round(100 * v["right"] / v["n"], 1)} for k, v in per_category.items()},
    }


# ---------------------------------------------------------------------------------------------
# Speed


def evaluate_speed(pages: Path = PAGES_DIR) -> dict:
    from .extract import extract_article
    from .page_parser import parse_page

    parsed = []
    for f in sorted(pages.rglob("*.txt")):
        p = parse_page(f.read_text(encoding="utf-8"))
        parsed.append((p.title, p.caption, p.body, [(t.rank, t.headline) for t in p.trending]))
    size = sum(len(t.encode()) + len((c or "").encode()) + len(b.encode()) + sum(len(h.encode()) for _, h in tr)
               for t, c, b, tr in parsed)
    extract_article("Presiden Joko Widodo", None, "Presiden Joko Widodo di Jakarta.", [])  # load lexicons
    t0 = time.process_time()
    for title, caption, body, trending in parsed:
        extract_article(title, caption, body, trending)
    cpu = time.process_time() - t0
    return {"pages": len(parsed), "mb": round(size / 1e6, 2), "cpu_seconds": round(cpu, 2),
            "mb_per_s": round(size / 1e6 / cpu, 2), "pages_per_s": round(len(parsed) / cpu)}


# ---------------------------------------------------------------------------------------------
# Command line


def _ner_line(d: dict) -> str:
    cells = [f"{t} P {d[t]['p']:5.1f} R {d[t]['r']:5.1f} F1 {d[t]['f1']:5.1f}" for t in TYPES]
    return (f"{Path(d['file']).name}: {d['sentences']} sentences\n  " + "\n  ".join(cells)
            + f"\n  micro        P {d['micro']['p']:5.1f} R {d['micro']['r']:5.1f} F1 {d['micro']['f1']:5.1f}"
            + f"\n  PER+ORG micro P {d['micro_PER_ORG']['p']:5.1f} R {d['micro_PER_ORG']['r']:5.1f} F1 {d['micro_PER_ORG']['f1']:5.1f}")


def yardsticks() -> list[tuple[str, str, list[str]]]:
    """(label, scored set, sets its held-out model learns from): each public set
    is scored by a model that never saw it, the NER-UI folds each by a model trained with the
    other folds' train and dev splits only."""
    every = ["idner2k-train", "idner2k-dev", "nergrit-train", "nergrit-valid"]
    out = [
        ("IDNer-2k dev", "idner2k-dev", [s for s in every if s != "idner2k-dev"] + ["nerui-all"]),
        ("NERGrit valid", "nergrit-valid", [s for s in every if s != "nergrit-valid"] + ["nerui-all"]),
    ]
    out += [(f"NER-UI test fold {k}", f"nerui-test-{k}", every + [f"nerui-train-{k}"]) for k in range(1, 6)]
    return out


def evaluate_public() -> list[dict]:
    """Every yardstick with its held-out model (trained on first use, then cached in .cache/)."""
    from .tagger import use_model
    from .train import convention, heldout_model, ner_files

    out: list[dict] = []
    folds: list = []
    for label, scored, learned in yardsticks():
        conv = convention(scored)
        with use_model(heldout_model(learned)):
            [path] = ner_files(scored)
            result = evaluate_ner(path, conv.joined_acronyms, conv.glued_hyphens).as_dict()
        result["file"] = f"{label} (held-out model)"
        (folds if scored.startswith("nerui") else out).append(result)
    return [*out, _mean_of_dicts(folds, "NER-UI, 5 test folds (mean; each fold's model never saw it)")]


def run_all() -> dict:
    out: dict = {}
    if NER_DIR.is_dir():
        out["ner"] = evaluate_public()
    if GOLD_DIR.is_dir():
        from . import eval_sets
        from .gold import evaluate_gold

        out["gold"] = evaluate_gold(GOLD_DIR)
        for name in eval_sets.names():
            out[f"gold {name}"] = evaluate_gold(_gold_folder(Path(name)))
    if PAGES_DIR.is_dir():
        out["dates"] = evaluate_dates()
        out["speed"] = evaluate_speed()
    if INDOSUM.exists():
        out["topics"] = evaluate_topics()
    if REGISTRY_DIR.is_dir() and PAGES_DIR.is_dir():
        out["registry"] = evaluate_registry(REGISTRY_DIR / "groups.jsonl", REGISTRY_DIR / "apart.jsonl")
    return out


def _gold_folder(path: Path) -> Path:
    """A folder laid out like gold-dev, or the name of one of the project's own sets (etl/eval_sets:
    `own-a`, `own-b`, `own-c`), written out from ../shared into a temporary folder."""
    from . import eval_sets

    if not path.exists() and str(path) in eval_sets.names():
        import tempfile

        return eval_sets.materialize(str(path), SHARED, Path(tempfile.mkdtemp(prefix=f"{path}-")))
    return path


def evaluate_registry(groups: Path, apart: Path, db: Path | None = None) -> dict:
    """Registry cohesion on a warehouse (registry_eval.py); without one, on a fresh load of all of
    ../shared/corpus in a temporary folder (about a minute)."""
    import tempfile

    from .registry_eval import score

    if db is not None:
        return score(db, groups, apart).as_dict()
    from .load import load_paths

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "corpus.duckdb"
        load_paths([SHARED / "corpus"], db=target, progress=False)
        return score(target, groups, apart).as_dict()


def _gold_lines(g: dict) -> str:
    lines = [f"gold articles: {g['articles']} (P/R/F1 per kind, summed over articles)"]
    for kind in ("persons", "organizations", "countries", "places", "trending_persons", "trending_countries"):
        d = g[kind]
        lines.append(f"  {kind:<18} P {d['p']:.2f} R {d['r']:.2f} F1 {d['f1']:.2f}  (gold {d['gold']}, predicted {d['pred']}, right {d['correct']})")
    t = g["top_topic"]
    lines.append(f"  top topic right    {t['right']} of {t['of']}")
    return "\n".join(lines)


def _print(results: dict, verbose: bool = False) -> None:
    for d in results.get("ner", []):
        print(_ner_line(d))
    for k in [k for k in results if k.startswith("gold")]:
        if k != "gold":
            print(k.replace("gold ", "etl/eval_sets/") + ":")
        print(_gold_lines(results[k]))
    if "dates" in results:
        d = results["dates"]
        print(f"dates: {d['pages_with_answer']} pages with an answer: right {d['right']} ({d['right_pct']}%), "
              f"wrong {d['wrong']}, missing {d['missing']}, in the future {d['in_future']}  "
              f"(wrong by source: {d['wrong_by_source']})")
    if "topics" in results:
        d = results["topics"]
        per = ", ".join(f"{k} {v['top1_pct']}% of {v['n']}" for k, v in d["per_category"].items())
        print(f"topics: IndoSum top-1 {d['top1_pct']}% of {d['articles']} articles ({per})")
    if "registry" in results:
        from .registry_eval import RegistryScore, lines

        print("\n".join(lines(RegistryScore(**results["registry"]), verbose)))
    if "speed" in results:
        d = results["speed"]
        print(f"speed: {d['mb_per_s']} MB/s on one core ({d['pages_per_s']} pages/s, {d['mb']} MB in {d['cpu_seconds']} s CPU)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="?", default="all", choices=["all", "ner", "gold", "dates", "topics", "speed", "registry"])
    ap.add_argument("--db", type=Path, help="registry: the warehouse to score (default: a fresh load of ../shared/corpus)")
    ap.add_argument("--verbose", action="store_true", help="registry: a line per group")
    ap.add_argument("--examples", action="store_true", help="gold: list what was missed and what was extra")
    ap.add_argument("paths", nargs="*", type=Path, help="files (ner) or a folder/file (dates, topics, speed)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if args.what == "all":
        results = run_all()
        if not results:
            print(f"nothing to evaluate: {SHARED} not found", file=sys.stderr)
            return 1
    elif args.what == "ner":
        # Without files: the public yardsticks, each with its held-out model. With files: the
        # shipped model, which may have learned from them (see docs/model-card.md).
        results = {"ner": [evaluate_ner(p).as_dict() for p in args.paths] if args.paths else evaluate_public()}
    elif args.what == "gold":
        from .gold import evaluate_gold

        results = {"gold": evaluate_gold(_gold_folder(args.paths[0] if args.paths else GOLD_DIR), examples=args.examples)}
    elif args.what == "dates":
        results = {"dates": evaluate_dates(*(args.paths[:1] or [PAGES_DIR]))}
    elif args.what == "topics":
        results = {"topics": evaluate_topics(*(args.paths[:1] or [INDOSUM]))}
    elif args.what == "registry":
        groups, apart = (args.paths[:2] if len(args.paths) >= 2 else (REGISTRY_DIR / "groups.jsonl", REGISTRY_DIR / "apart.jsonl"))
        results = {"registry": evaluate_registry(groups, apart, args.db)}
    else:
        results = {"speed": evaluate_speed(*(args.paths[:1] or [PAGES_DIR]))}
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        _print(results, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
