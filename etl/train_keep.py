"""Learn the keep-or-drop stage (candidates.py): `python -m etl.train keep`.

The labels (`etl/models/keep_labels.jsonl`) say, for every name the extractor proposed in 95 corpus
articles and their sidebars (dev-c: no yardstick scores them; not gold-dev, not the project's own
held-out set), what it really is: a person, an organisation, a place, or nothing (a fragment, a
product, a work, a rubric, a byline). Each line names its article by source file and URL, never by
its text: the text is read from ../shared/corpus when training. One logistic model per kind is fitted
(L2, Newton's method); its threshold is the one that gives the best F1 over 5-fold cross-validation
predictions, so the figures it prints are not those of the fitted data. Writes `etl/models/keep.json`.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .candidates import FEATURES, KINDS, MODEL_FILE, article_index, features, load_keeper
from .extract import find_candidates, find_headline_candidates
from .features import MODELS, word_table
from .page_parser import parse_page

LABELS_FILE = MODELS / "keep_labels.jsonl"
L2 = 1.0
FOLDS = 5


def headline_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Example:
    group: str      # the article (folds keep an article's names together)
    kind: str
    name: str
    x: list[float]
    keep: bool


def _page_text(shared: Path, source: str, url: str, exports: dict[str, dict[str, str]]) -> str | None:
    path = shared / source if not source.startswith("/") else Path(source)
    if not path.exists():
        path = shared / "corpus" / Path(source).relative_to(Path(source).anchor).as_posix().split("corpus/", 1)[-1] \
            if "corpus/" in source else path
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8") if path.exists() else None
    if str(path) not in exports:
        from .exports import read_table

        rows: dict[str, str] = {}
        for r in read_table(path):
            t, b, u = r.fields.get("title", ""), r.fields.get("body", ""), r.fields.get("url", "")
            if u and u not in rows:
                rows[u] = t.strip() + "\n" + b.strip() + "\n"
        exports[str(path)] = rows
    return exports[str(path)].get(url)


def examples(labels: Path = LABELS_FILE, shared: Path | None = None) -> list[Example]:
    """Every labelled candidate with its features, recomputed from the corpus text."""
    from .shared_data import SHARED

    shared = shared or SHARED
    rows = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_article: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_article[r["article"]].append(r)
    exports: dict[str, dict[str, str]] = {}
    words = word_table()
    out: list[Example] = []
    seen_headlines: set[str] = set()  # a sidebar repeats on many pages: each headline counts once
    for article, items in sorted(by_article.items()):
        text = _page_text(shared, items[0]["source"], items[0]["url"], exports)
        if text is None:
            raise FileNotFoundError(f"{items[0]['source']} ({items[0]['url']}) is not in {shared}")
        rec = parse_page(text)
        truth = {(r["part"], r.get("headline_id"), r["kind"], r["name"]): r["truth"] for r in items}
        groups = [[c for _, c in find_candidates(rec.title, rec.caption, rec.body or "")]]
        for t in rec.trending:
            if headline_id(t.headline) not in seen_headlines:
                seen_headlines.add(headline_id(t.headline))
                groups.append([c for _, c in find_headline_candidates(t.headline)])
        for cands in groups:
            index = article_index(cands)
            for c in cands:
                hid = headline_id(c.text) if c.part == "trending" else None
                k = (c.part, hid, c.kind, c.name)
                if k not in truth:
                    continue
                out.append(Example(article, c.kind, c.name, features(c, index, words), truth[k] == c.kind))
    return out


def fit(X: np.ndarray, y: np.ndarray, l2: float = L2, iterations: int = 25) -> np.ndarray:
    """Logistic regression weights by Newton's method (the bias, feature 0, is not penalised)."""
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[0] = 1e-6
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        g = X.T @ (p - y) + reg * w
        H = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def cross_validated(exs: list[Example], kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities from models that did not see the article, labels) for one kind."""
    mine = [e for e in exs if e.kind == kind]
    groups = sorted({e.group for e in mine})
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    X = np.array([e.x for e in mine])
    y = np.array([float(e.keep) for e in mine])
    p = np.zeros(len(mine))
    folds = np.array([fold_of[e.group] for e in mine])
    for f in range(FOLDS):
        train, test = folds != f, folds == f
        if test.any() and train.any():
            w = fit(X[train], y[train])
            p[test] = 1 / (1 + np.exp(-np.clip(X[test] @ w, -30, 30)))
    return p, y


# How much recall weighs against precision when the threshold is chosen, per kind: a person or place
# dropped is lost for good and the public sets' recall must not fall (2); organisations are where
# the extractor over-reaches most (products, programmes, technical acronyms), so they weigh even.
BETA = {"person": 2.0, "place": 2.0, "organization": 1.0}


def best_threshold(p: np.ndarray, y: np.ndarray, beta: float = 2.0) -> tuple[float, dict]:
    """The threshold with the best F-beta of the kept names (recall counts the true ones dropped)."""
    best = (0.0, {"threshold": 0.0})
    total_true = y.sum()
    for t in np.arange(0.05, 0.95, 0.025):
        kept = p >= t
        tp = float((kept & (y == 1)).sum())
        prec = tp / kept.sum() if kept.sum() else 0.0
        rec = tp / total_true if total_true else 0.0
        fb = (1 + beta**2) * prec * rec / (beta**2 * prec + rec) if prec + rec else 0.0
        if fb > best[0]:
            best = (fb, {"threshold": round(float(t), 3), "p": round(prec, 3), "r": round(rec, 3),
                         f"f{beta:g}": round(fb, 3)})
    return best[1]["threshold"], best[1]


def train(out: Path = MODEL_FILE, labels: Path = LABELS_FILE, verbose: bool = True) -> Path:
    exs = examples(labels)
    weights, thresholds, report = {}, {}, {}
    for kind in KINDS:
        p, y = cross_validated(exs, kind)
        t, figures = best_threshold(p, y, BETA[kind])
        base_p = float(y.mean()) if len(y) else 0.0
        mine = [e for e in exs if e.kind == kind]
        w = fit(np.array([e.x for e in mine]), np.array([float(e.keep) for e in mine]))
        weights[kind] = [round(float(v), 6) for v in w]
        thresholds[kind] = t
        report[kind] = {"candidates": len(mine), "kept_before": round(base_p, 3), **figures}
        if verbose:
            print(f"{kind:13} {len(mine):5} candidates, {base_p:.3f} right before; "
                  f"cross-validated at threshold {t}: P {figures.get('p')} R {figures.get('r')}")
    out.write_text(json.dumps({"features": list(FEATURES), "weights": weights, "threshold": thresholds,
                               "cross_validated": report}, indent=1) + "\n", encoding="utf-8")
    load_keeper.cache_clear()
    return out
