"""Word clusters and casing statistics learned from the project's own corpus text (training only).

Vectors are PPMI + truncated SVD of word co-occurrences in a +-2 window, a word's left and right
neighbours counted apart (Levy & Goldberg showed PPMI-SVD matches word2vec on similarity tasks, and it
needs no extra library or threads; the sides apart group words by where they stand in a phrase, as
Brown clusters do, which NER-UI's cross-validation preferred); spherical k-means groups them at four
granularities. Everything is seeded and single-threaded, so the same
text gives the same file. The result, `etl/models/words.tsv.gz`, has one line per word (lower case):
count, how often it is capitalised inside a sentence (per cent, or -1 when too rare to say), and its
cluster at each granularity.
"""
from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from .tokens import sentences, tokenize

GRANULARITIES = (64, 256, 1024, 4096)
MIN_COUNT = 5  # words seen fewer times get no cluster (their vectors are noise)
CONTEXTS = 10_000  # the most frequent words serve as contexts
DIMENSIONS = 100
SEED = 20251127
_SENTENCE_END = frozenset('.!?:"“”\'')


def corpus_texts(paths: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """(headline, body) of every page and export row under the given folders, in a stable order."""
    from .exports import read_table
    from .inputs import discover
    from .page_parser import parse_article_text, parse_page

    files, _ = discover(paths)
    for f in files:
        try:
            if f.suffix.lower() == ".txt":
                page = parse_page(f.read_text(encoding="utf-8-sig"))
                yield page.title, page.body
                continue
            for row in read_table(f):
                if row.problem:
                    continue
                page = parse_article_text(row.fields.get("title", ""), row.fields.get("body", ""))
                yield page.title, page.body
        except Exception:  # training reads what it can; the loader reports broken files
            continue


class WordStats:
    """Counts of lower-cased words, capitalisation inside sentences, and the token stream for vectors."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.inner: Counter = Counter()  # seen not sentence-initially (bodies only)
        self.inner_caps: Counter = Counter()  # ... and capitalised there
        self.streams: list[list[str]] = []

    def add(self, headline: str, body: str) -> None:
        for text, is_body in ((headline, False), (body, True)):
            if not text:
                continue
            toks = tokenize(text)[0]
            low = [t.lower() for t in toks]
            self.counts.update(low)
            self.streams.append(low)
            if not is_body:
                continue
            for sent in sentences(toks):
                # Headlines quoted inside bodies ("Baca juga: ...") are in Title Case: skip them.
                long_words = [t for t in sent if len(t) > 3 and t[0].isalpha()]
                if len(long_words) < 4 or sum(t[0].isupper() for t in long_words) > 0.5 * len(long_words):
                    continue
                prev = "."
                for tok in sent:
                    if tok[0].isalpha() and prev not in _SENTENCE_END:
                        lw = tok.lower()
                        self.inner[lw] += 1
                        if tok[0].isupper():
                            self.inner_caps[lw] += 1
                    prev = tok

    def cap_percent(self, word: str) -> int:
        # Ten uses inside sentences at least: fewer are too easily headlines quoted in a body.
        n = self.inner[word]
        return round(100 * self.inner_caps[word] / n) if n >= 10 else -1


def _vocabulary(stats: WordStats) -> tuple[list[str], dict[str, int]]:
    words = sorted((w for w, n in stats.counts.items() if n >= MIN_COUNT), key=lambda w: (-stats.counts[w], w))
    return words, {w: i for i, w in enumerate(words)}


def word_vectors(stats: WordStats) -> tuple[list[str], np.ndarray]:
    """Unit-length vectors for every word seen at least MIN_COUNT times."""
    from scipy import sparse

    words, index = _vocabulary(stats)
    n_ctx = min(CONTEXTS, len(words))
    rows, cols = [], []
    for stream in stats.streams:
        ids = np.fromiter((index.get(w, -1) for w in stream), dtype=np.int64, count=len(stream))
        for d in (1, 2):
            a, b = ids[:-d], ids[d:]
            for x, y, side in ((a, b, 0), (b, a, 1)):
                keep = (x >= 0) & (y >= 0) & (y < n_ctx)
                rows.append(x[keep])
                cols.append(y[keep] + side * n_ctx)
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = sparse.coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(len(words), 2 * n_ctx)).tocsr()
    m.sum_duplicates()
    # PPMI with context smoothing (alpha 0.75), as in Levy, Goldberg & Dagan 2015.
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    ctx = np.asarray(m.sum(axis=0)).ravel() ** 0.75
    ctx_p = ctx / ctx.sum()
    coo = m.tocoo()
    pmi = np.log((coo.data / total) / ((row_sum[coo.row] / total) * ctx_p[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=m.shape)
    u, s = _randomized_svd(ppmi, max(1, min(DIMENSIONS, min(ppmi.shape) - 21)))
    vecs = u * np.sqrt(s)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return words, (vecs / np.where(norms == 0, 1, norms)).astype(np.float32)


def _randomized_svd(m: Any, k: int, oversample: int = 20, power: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Halko et al.: the top-k left singular vectors and values, from a seeded random projection."""
    rng = np.random.default_rng(SEED)
    q = m @ rng.standard_normal((m.shape[1], k + oversample))
    q, _ = np.linalg.qr(q)
    for _ in range(power):
        q, _ = np.linalg.qr(m.T @ q)
        q, _ = np.linalg.qr(m @ q)
    b = (m.T @ q).T
    ub, s, _ = np.linalg.svd(b, full_matrices=False)
    u = q @ ub
    # Fix each vector's sign so the result does not depend on the LAPACK build.
    signs = np.sign(u[np.abs(u).argmax(axis=0), range(u.shape[1])])
    return (u * signs)[:, :k], s[:k]


def spherical_kmeans(vecs: np.ndarray, k: int, iterations: int = 15) -> np.ndarray:
    """Cluster id per row (cosine k-means, seeded start from the most frequent words' spread)."""
    rng = np.random.default_rng(SEED + k)
    k = min(k, len(vecs))
    centers = vecs[np.sort(rng.choice(len(vecs), k, replace=False))].copy()
    labels = np.zeros(len(vecs), dtype=np.int32)
    for _ in range(iterations):
        for start in range(0, len(vecs), 8192):
            labels[start : start + 8192] = (vecs[start : start + 8192] @ centers.T).argmax(axis=1)
        for j in range(k):
            members = vecs[labels == j]
            if len(members):
                c = members.sum(axis=0)
                centers[j] = c / (np.linalg.norm(c) or 1.0)
    return labels


HISTORY_SETS = ("idner2k-train", "nergrit-train")  # no split that any yardstick scores


def tag_history(texts: Iterable[tuple[str, str]], model: Path, words: Path) -> dict[str, str]:
    """What a first tagger makes of each capitalised word across the corpus bodies: PER, ORG, LOC
    or O when one label has at least 60% of its uses (and 3 uses), mix otherwise. Learned from
    HISTORY_SETS only, so no evaluation set's labels reach the features through it."""
    from .features import FeatureSpace, word_table
    from .tagger import Tagger

    tagger = Tagger(model, FeatureSpace(word_table(words)))
    seen: dict[str, Counter] = {}
    for _, body in texts:
        if not body:
            continue
        spans, tokens, _, _ = tagger.tag(body)
        labels = ["O"] * len(tokens)
        for s in spans:
            for i in range(s.first, s.last + 1):
                labels[i] = s.label
        for tok, lab in zip(tokens, labels):
            if tok[:1].isupper() and tok[:1].isalpha():
                seen.setdefault(tok.lower(), Counter())[lab] += 1
    out = {}
    for w, c in seen.items():
        total = sum(c.values())
        if total < 3:
            continue
        lab, n = c.most_common(1)[0]
        out[w] = lab if n >= 0.6 * total else "mix"
    return out


def word_class(word: str) -> str:
    """d: an affixed form of an Indonesian root (`menegaskan`); c: a root or other ordinary word;
    -: neither (names, foreign words). Precomputed here so the stemmer never runs while tagging."""
    from .vocabulary import is_common_word, is_derived_word

    if not word.isalpha() or len(word) < 2:
        return "-"
    return "d" if is_derived_word(word) else "c" if is_common_word(word) else "-"


def write_words(path: Path, stats: WordStats, words: list[str], labels: list[np.ndarray],
                history: dict[str, str] | None = None) -> None:
    """words.tsv.gz: word, count, capitalised %, word class, tagging history, then one cluster id
    per granularity (sorted by word)."""
    clustered = {w: [int(lab[i]) for lab in labels] for i, w in enumerate(words)}
    keep = sorted(w for w in stats.counts if w in clustered or stats.cap_percent(w) >= 0)
    history = history or {}
    lines = []
    for w in keep:
        if "\t" in w or "\n" in w:
            continue
        cl = clustered.get(w)
        cap = stats.cap_percent(w)
        # The root list cannot tell `Dadan` (a name) from `dada` + -an: the corpus's capitals can.
        cls = word_class(w) if cap < 80 else "-"
        cells = [w, str(stats.counts[w]), str(cap), cls, history.get(w, "-")]
        cells += [str(c) for c in cl] if cl else ["-1"] * len(labels)
        lines.append("\t".join(cells))
    header = "# word\tcount\tcapitalised_pct\tclass\thistory\t" + "\t".join(f"k{g}" for g in GRANULARITIES)
    data = (header + "\n" + "\n".join(lines) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same words give the same bytes.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(data)


def person_names(texts: list[tuple[str, str]], table: dict) -> dict[str, tuple[int, int]]:
    """People the shipped extractor finds in the corpus bodies: name -> (articles naming the person,
    articles writing the name at all). Full names seen in 3 articles or more, and every word of
    them: a headline names people without titles or context (`Putin`, `Marsha Aulia Putri`), and
    these are the names it is checked against (actors.py). A word counts as a person's where most
    articles that write it use it inside a person's name (Putin yes; Jakarta, Sultan no)."""
    import re

    from .actors import find_actors

    named: Counter = Counter()
    in_names: Counter = Counter()
    for _, body in texts:
        if not body:
            continue
        names = {h.name for h in find_actors(body, headline=False) if h.kind == "person"}
        named.update(names)
        in_names.update({w for n in names for w in n.split() if w[:1].isupper() and len(w) > 2})
    def ordinary(word: str) -> bool:  # a dictionary word: "Sindir" in "Prabowo Sindir" is a verb
        info = table.get(word.lower())
        return info is not None and info.word_class != "-"

    out = {n: (c, c) for n, c in named.items()
           if c >= 3 and " " in n and not _looks_like_a_place_or_body(n) and not ordinary(n.split()[-1])}
    from . import lexicons

    units = {x.split()[0].lower() for f in ("org_heads.txt", "place_heads.txt", "titles.txt") for x in lexicons.lines(f)}
    words = {w for w, c in in_names.items() if c >= 3 and not ordinary(w) and w.lower() not in units}
    written: Counter = Counter()
    for _, body in texts:
        if body:
            written.update(set(re.findall(r"[A-Z][\w'’-]+", body)) & words)
    for w in words:
        out[w] = (in_names[w], max(written[w], in_names[w]))
    return out


def _looks_like_a_place_or_body(name: str) -> bool:
    """`Masjid Jogokariyan`, `Kantor X`: a name opened by a place's or organisation's head word was
    a tagging error, not a person to look for in headlines."""
    from . import lexicons

    heads = {x.split()[0].lower() for f in ("place_heads.txt", "org_heads.txt") for x in lexicons.lines(f)}
    return name.split()[0].lower() in heads


def write_names(path: Path, names: dict[str, tuple[int, int]]) -> None:
    lines = ["# name\tarticles naming the person\tarticles writing the name"]
    lines += [f"{n}\t{a}\t{w}" for n, (a, w) in sorted(names.items()) if "\t" not in n]
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
