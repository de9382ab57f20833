"""Article-level scoring against hand-annotated articles laid out like ../shared/eval/gold-dev.

A folder holds `articles/gNNN.txt` (the seed's page layout, optional `gNNN.meta.json`) and
`gold.jsonl` (one object per article: persons, organizations, countries, places, trending_persons,
trending_countries, topics, event_date). Each article goes through the loader's own
`bundle_from_page`, and what it extracted is matched per article with the folder's rules:
- names compared after NFKC, lower case and punctuation to spaces; one-to-one matching;
- persons: exact full name; trending persons: exact, over the trending headlines only;
- organisations (and places): exact first, then one name's words contained in the other's;
  a gold `Long Form (ACR)` accepts the long form, the acronym or both;
- countries and trending countries: ISO codes;
- topic: the top topic counts as right when it is among the gold topics.
P/R/F1 come from the sums over all articles.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("persons", "organizations", "countries", "places", "trending_persons", "trending_countries")
_PUNCT = re.compile(r"[^\w\s]|_")
_LONG_ACR = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s*$")
_MID_ACR = re.compile(r"^(.*\S)\s*\(([^()]+)\)\s+([^()]+\S)\s*$")


def norm(name: str) -> str:
    """NFKC, lower case, punctuation to spaces, spaces squeezed."""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFKC", name).lower()).split())


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def as_dict(self, examples: bool = False) -> dict:
        p = self.correct / self.pred if self.pred else 0.0
        r = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out: dict[str, object] = {"gold": self.gold, "pred": self.pred, "correct": self.correct,
               "p": round(p, 3), "r": round(r, 3), "f1": round(f1, 3)}
        if examples:
            out["missed"], out["extra"] = self.misses, self.extras
        return out


def _forms(gold_name: str) -> set[str]:
    """A gold `Long Form (ACR)` stands for the long form, the acronym and both together. Written with
    the unit's place after the bracket (`Dinas Tenaga Kerja dan Transmigrasi (Disnakertrans) DIY`,
    as the articles write it), the place belongs to both: `... DIY`, `Disnakertrans DIY`."""
    forms = {norm(gold_name)}
    m = _LONG_ACR.match(gold_name)
    if m:
        forms |= {norm(m.group(1)), norm(m.group(2))}
    m = _MID_ACR.match(gold_name)
    if m:
        long_form, short = f"{m.group(1)} {m.group(3)}", f"{m.group(2)} {m.group(3)}"
        forms |= {norm(long_form), norm(short), norm(f"{long_form} ({short})")}
    return {f for f in forms if f}


def _contained(a: str, b: str) -> bool:
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return False
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    n = len(short)
    return any(long_[i : i + n] == short for i in range(len(long_) - n + 1))


def match(gold: list[str], pred: list[str], loose: bool) -> tuple[int, list[str], list[str]]:
    """(matched pairs, gold left unmatched, predictions left unmatched) for one article and kind."""
    gold_left = list(dict.fromkeys(gold))
    pred_left = list(dict.fromkeys(pred))
    matched = 0
    passes = [lambda f, p: p in f]
    if loose:
        passes.append(lambda f, p: any(_contained(x, p) for x in f))
    for same in passes:
        for g in list(gold_left):
            forms = _forms(g) if loose else {norm(g)}
            hit = next((p for p in pred_left if same(forms, norm(p))), None)
            if hit is None:
                continue
            gold_left.remove(g)
            pred_left.remove(hit)
            matched += 1
            if loose and (_LONG_ACR.match(g) or _MID_ACR.match(g)):
                # "or both": the other half of a Long Form (ACR) pair is not a false positive.
                pred_left = [p for p in pred_left if norm(p) not in forms]
    return matched, gold_left, pred_left


def predicted(article: Path) -> dict:
    """What the loader extracts from one annotated article, by gold key."""
    from .records import bundle_from_page, read_meta
    from .topics import score_topics

    bundle = bundle_from_page(article.read_text(encoding="utf-8"), str(article), read_meta(article))
    out: dict[str, list] = defaultdict(list)
    kinds = {"person": "persons", "organization": "organizations", "country": "countries", "place": "places"}
    for m in bundle.mentions:
        key = kinds.get(m["kind"])
        if key is None:
            continue
        value = m["entity_code"] if m["kind"] == "country" else m["entity"]
        if m["part"] == "trending":
            if key in ("persons", "countries"):
                out[f"trending_{key}"].append(value)
        else:
            out[key].append(value)
    found: dict[str, object] = {k: list(dict.fromkeys(v)) for k, v in out.items()}
    scores = score_topics(bundle.article["title"], bundle.article["body"] or "")
    found["top_topic"] = scores[0].code if scores else None
    return found


def evaluate_gold(folder: Path, examples: bool = False) -> dict:
    tallies = {k: Tally() for k in KINDS}
    topics_right = topics_total = 0
    gold_rows = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in gold_rows:
        article = folder / "articles" / f"{row['id']}.txt"
        pred = predicted(article)
        for kind in KINDS:
            gold = row.get(kind) or []
            got = pred.get(kind, [])
            loose = kind in ("organizations", "places")
            n, missed, extra = match(gold, got, loose) if "countries" not in kind else _codes(gold, got)
            t = tallies[kind]
            t.gold += len(set(gold)) if "countries" in kind else len(dict.fromkeys(gold))
            t.pred += n + len(extra)
            t.correct += n
            t.misses += [f"{row['id']}: {g}" for g in missed]
            t.extras += [f"{row['id']}: {p}" for p in extra]
        if row.get("topics"):
            topics_total += 1
            code = (pred["top_topic"] or "").removeprefix("medtop:")
            topics_right += code in row["topics"]
    out = {"articles": len(gold_rows), **{k: t.as_dict(examples) for k, t in tallies.items()}}
    out["top_topic"] = {"right": topics_right, "of": topics_total,
                        "accuracy": round(topics_right / topics_total, 3) if topics_total else 0.0}
    return out


def _codes(gold: list[str], got: list[str]) -> tuple[int, list[str], list[str]]:
    g, p = set(gold), set(got)
    return len(g & p), sorted(g - p), sorted(p - g)
