"""Whether a found name is kept: the second, learned stage of actor extraction.

The tagger and the span stages propose persons, organisations and places; this stage keeps or drops
each of them with a logistic model over evidence the tagger does not weigh together: what the corpus
does with the name's words (`words.tsv.gz`: how often written in lower case, what the corpus tagger
made of them), whether the corpus bodies name a person so (`names.tsv.gz`), the lexicons, the part of
the page (a Title Case headline capitalises every word), and the article itself (the name written
again, inside a longer name, next to a speech verb or a title). The weights are learned by
`python -m etl.train keep` from labelled candidates (`etl/models/keep_labels.jsonl`, corpus articles
that no yardstick scores) and stored in `etl/models/keep.json`; without that file every candidate
is kept.

`features` is a pure function of one candidate and its article; `Keeper.keep` applies the weights.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, NamedTuple, Sequence

from . import lexicons, memo
from .features import MODELS, WordInfo, word_table
from .gazetteers import (
    _org_heads,
    _title_words,
    _titles,
    is_listed_org,
    known_first_words,
    known_names,
    org_aliases,
    place_countries,
)
from .name_likeness import name_likeness
from .span_splits import person_initials

MODEL_FILE = MODELS / "keep.json"
KINDS = ("person", "organization", "place")

# One name's evidence, in this order (the model file names them, so a reordering cannot misread it).
FEATURES = (
    "bias",
    "headline",           # found in a title or a sidebar headline (Title Case capitalises every word)
    "words_1", "words_2", "words_3", "words_4plus",
    "all_caps",           # written all in capitals ("INFOGRAFIK", "KPK")
    "digit",              # holds a digit
    "hyphen",
    "titled",             # a title or office stood before it ("Bupati ...")
    "title_before",       # a title or rank right before it, outside its span ("Presiden Suriah Bashar al-Assad")
    "name_connector",     # holds bin, van, al-, de ... ("Bashar al-Assad", "Mohammed bin Salman")
    "share_per", "share_org", "share_loc", "share_o", "share_mix", "share_unknown",  # what the corpus tagger made of its words
    "lower_word",         # holds a word the corpus mostly writes in lower case
    "dictionary_word",    # holds an ordinary Indonesian word (affixed or common)
    "first_name_known",   # opens with a word that opens a full name the corpus gives to a person
    "known_person",       # the corpus bodies name a person so (names.tsv.gz), mostly
    "known_person_rare",  # ... but only sometimes
    "person_initials",    # the initials of one full name the corpus gives to a person (`AHY`)
    "listed_org", "listed_place",
    "again",              # the article writes the same name again
    "inside_longer",      # a longer name of the same kind in the article holds it
    "inside_person",      # a person's name in the article holds it (for an organisation or place)
    "speech_verb",        # a speech verb right after it or right before it ("kata Budi", "Budi mengatakan")
    "place_cue",          # "di", "ke", "dari" right before it
    "list_item",          # it opens a numbered list item or a line ("1. Ranca Upas – ...")
    "quoted",             # it sits inside quotation marks
    "log_chars",
    "acronym_not_org",    # one word in capitals the corpus tagger mostly read as no organisation (`APBN`, `CCTV`)
    "generic_unit",       # a unit's head and only ordinary words after it (`Tim Investigasi`, `Pengadilan Agama`)
    "model_code",         # a word of letters and digits (`J8`, `C71`): a product's model
    "listed_then_more",   # a listed organisation followed by more words (`Yamaha Aerox`, `BRI Peduli`)
    "name_likeness",      # how much its words' letters look like persons' names (mean log-odds, 3-grams)
    "name_likeness_min",  # ... for its least name-like word
)


class Candidate(NamedTuple):  # a tuple: an article has dozens and a load millions
    kind: str        # person | organization | place
    name: str
    part: str        # title | caption | body | trending
    text: str        # the part's text
    start: int
    end: int
    titled: bool
    headline: bool


_CONNECTORS = frozenset("bin binti van von der de den da dos del al el ibn".split())
_ARABIC = re.compile(r"(?:al|el|an|ar|as|ash|at|ad|ud|ul|un|az)-[A-Z]")
_NUMBERED = re.compile(r"(?:^|\n|\s)\d{1,2}[.)]\s*$")
_CUE_BEFORE = frozenset("di ke dari menuju asal".split())
_PUNCT = ",.:;!?\"'“”‘’()[]"


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    return lexicons.word_set("speech_verbs.txt")


@dataclass(frozen=True)
class ArticleIndex:
    """What the features ask of a candidate's article, computed once per article: how often each
    (kind, name) is proposed, and every run of words inside a longer name, per kind."""
    counts: dict[tuple[str, str], int]
    inside: dict[str, frozenset[tuple[str, ...]]]


def article_index(article: Sequence[Candidate]) -> ArticleIndex:
    counts: dict[tuple[str, str], int] = {}
    for o in article:
        counts[(o.kind, o.name)] = counts.get((o.kind, o.name), 0) + 1
    inside: dict[str, set[tuple[str, ...]]] = {}
    for kind, name in counts:  # each name once, however often the article writes it
        ws = tuple(name.split())
        if len(ws) < 2:
            continue
        runs = inside.setdefault(kind, set())
        for i in range(len(ws)):
            for j in range(i + 1, len(ws) + 1):
                if j - i < len(ws):
                    runs.add(ws[i:j])
    return ArticleIndex(counts, {k: frozenset(v) for k, v in inside.items()})


def features(c: Candidate, article: ArticleIndex | Sequence[Candidate], words: Mapping[str, WordInfo] | None = None) -> list[float]:
    """The evidence about one candidate, in FEATURES order (`article`: its article's candidates, or
    their `article_index`)."""
    words = word_table() if words is None else words
    index = article if isinstance(article, ArticleIndex) else article_index(article)
    values = dict(_name_values(c.name, words))
    values.update(zip(CONTEXT, _context_values(c, index)))
    return [values[f] for f in FEATURES]


# The features that depend on where the name stands (in the article, then in the text right around
# it); all others depend on the name alone.
ARTICLE_CONTEXT = ("headline", "titled", "again", "inside_longer", "inside_person")
TEXT_CONTEXT = ("title_before", "speech_verb", "place_cue", "list_item", "quoted")
CONTEXT = ARTICLE_CONTEXT + TEXT_CONTEXT


def _context_values(c: Candidate, index: ArticleIndex) -> tuple[float, ...]:
    ws = tuple(c.name.split())
    return (
        float(c.headline),
        float(c.titled),
        float(index.counts.get((c.kind, c.name), 0) >= 2),
        float(ws in index.inside.get(c.kind, frozenset())),
        float(c.kind != "person" and ws in index.inside.get("person", frozenset())),
    ) + _text_values(c)


def _text_values(c: Candidate) -> tuple[float, ...]:
    before = c.text[max(0, c.start - 40) : c.start]
    before_words = before.split()
    prev_word = before_words[-1].strip(_PUNCT).lower() if before_words else ""
    next_words = [w.strip(_PUNCT).lower() for w in c.text[c.end : c.end + 40].split()[:2]]
    quotes = before.count('"') + before.count("\u201c") - before.count("\u201d")
    speech = _speech_verbs()
    return (
        float(_title_before(before_words)),
        float(prev_word in speech or any(w in speech for w in next_words)),
        float(prev_word in _CUE_BEFORE),
        float(bool(_NUMBERED.search(before)) or before.endswith("\n") or c.start == 0 and c.part == "body"),
        float(quotes % 2 == 1),
    )


# What a name's own words say does not depend on where it stands: the last names' evidence is kept
# per word table (the keeper keeps only each name's score, a float, for longer).
_NAME_MEMO: dict[int, dict[str, dict[str, float]]] = {}
_NAME_MEMO_SIZE = 2_000


@memo.depends_on("model", "names")
def clear_name_memo() -> None:
    """Forget the names' evidence (after the corpus's name lists changed)."""
    _NAME_MEMO.clear()
    load_keeper.cache_clear()


def _name_values(name: str, words: Mapping[str, WordInfo]) -> dict[str, float]:
    memo = _NAME_MEMO.setdefault(id(words), {})
    got = memo.get(name)
    if got is not None:
        return got
    if len(memo) > _NAME_MEMO_SIZE:
        memo.clear()
    ws = name.split()
    n = len(ws)
    infos = [words.get(w.lower().strip(".,'\u2019\"")) for w in ws]
    known = [i for i in infos if i is not None]
    hist: dict[str, int] = {}
    for i in infos:
        h = i.history if i is not None else "unknown"
        hist[h] = hist.get(h, 0) + 1

    def share(*labels: str) -> float:
        return sum(hist.get(h, 0) for h in labels) / n if n else 0.0

    likeness = [name_likeness(w) for w in name.replace("-", " ").split() if w.isalpha()]
    kn = known_names().get(name)
    named_well = kn is not None and kn[0] >= 3 and kn[0] >= 0.6 * kn[1]
    got = memo[name] = {
        "bias": 1.0,
        "words_1": float(n == 1), "words_2": float(n == 2), "words_3": float(n == 3), "words_4plus": float(n >= 4),
        "all_caps": float(name.isupper()),
        "digit": float(any(ch.isdigit() for ch in name)),
        "hyphen": float("-" in name),
        "name_connector": float(any(w.lower() in _CONNECTORS or _ARABIC.match(w) for w in ws[1:])),
        "share_per": share("PER"), "share_org": share("ORG"), "share_loc": share("LOC"), "share_o": share("O"),
        "share_mix": share("mix"), "share_unknown": share("unknown", "-"),
        "lower_word": float(any(0 <= i.cap_pct < 50 for i in known)),
        "dictionary_word": float(any(i.word_class != "-" for i in known)),
        "first_name_known": float(ws[0] in known_first_words()) if ws else 0.0,
        "known_person": float(named_well),
        "known_person_rare": float(kn is not None and not named_well),
        "person_initials": float(name in person_initials()),
        "listed_org": float(_listed_org(name)),
        "listed_place": float(name in place_countries()),
        "log_chars": math.log(1 + len(name)) / 3,
        "acronym_not_org": float(n == 1 and name.isupper() and infos[0] is not None and infos[0].history != "ORG"),
        "generic_unit": float(_generic_unit(ws, infos)),
        "model_code": float(any(_MODEL.fullmatch(w) for w in ws)),
        "listed_then_more": float(n > 1 and _listed_org(ws[0]) and not _listed_org(name)),
        "name_likeness": sum(likeness) / len(likeness) if likeness else 0.0,
        "name_likeness_min": min(likeness) if likeness else 0.0,
    }
    return got


def _title_before(before_words: list[str]) -> bool:
    """One of the last four words before the name opens a title of titles.txt (`Presiden Suriah`,
    `Kapolres Mojokerto AKBP`)."""
    ws = [w.strip(_PUNCT).lower().rstrip(".") for w in before_words[-4:]]
    titles = _titles()
    return any((w,) in titles for w in ws) or any(w in _title_words() and w[:1].isalpha() and len(w) > 3 for w in ws[-1:])


_MODEL = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9-]{2,}")


def _generic_unit(ws: list[str], infos: list) -> bool:
    """A unit's head (org_heads.txt) followed by nothing or only ordinary words."""
    if not ws or ws[0].lower() not in _org_heads():
        return False
    rest = infos[1:]
    return all(i is not None and (0 <= i.cap_pct < 50 or i.word_class != "-") for i in rest)


def _listed_org(name: str) -> bool:
    return name in org_aliases() or is_listed_org(name)


class Keeper:
    """The learned keep-or-drop decision, one logistic model per kind."""

    def __init__(self, weights: Mapping[str, Sequence[float]], threshold: Mapping[str, float]) -> None:
        self.weights = {k: list(v) for k, v in weights.items()}
        self.threshold = dict(threshold)
        # keep_candidates: features of the article, then features of the text around the name (and
        # how far those can move the score: 0/1 values, so the sums of negative and positive weights).
        self._article_at = [FEATURES.index(f) for f in ARTICLE_CONTEXT]
        self._text_at = [FEATURES.index(f) for f in TEXT_CONTEXT]
        self._text_range = {k: (sum(min(0.0, w[i]) for i in self._text_at), sum(max(0.0, w[i]) for i in self._text_at))
                            for k, w in self.weights.items()}
        self._logit = {k: math.log(t / (1 - t)) if 0 < t < 1 else (-math.inf if t <= 0 else math.inf)
                       for k, t in self.threshold.items()}
        self._name_z: dict[tuple[int, str, str], float] = {}

    def probability(self, kind: str, x: Sequence[float]) -> float:
        w = self.weights.get(kind)
        if w is None:
            return 1.0
        z = sum(a * b for a, b in zip(w, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def keep(self, kind: str, x: Sequence[float]) -> bool:
        return self.probability(kind, x) >= self.threshold.get(kind, 0.0)

    def keep_candidates(self, cands: Sequence[Candidate], words: Mapping[str, WordInfo] | None = None) -> list[bool]:
        """`keep(c.kind, features(c, cands))` for each of an article's candidates, without building
        the feature rows: a name's own part of the score is computed once per kind and name, and the
        features read from the text around a name only where they can change the decision."""
        words = word_table() if words is None else words
        index = article_index(cands)
        # The score up to the text around the name is the same for every mention of a name with the
        # same headline and title flags: computed once per article for each.
        base: dict[tuple[str, str, bool, bool], float | None] = {}
        out = []
        for c in cands:
            group = (c.kind, c.name, c.headline, c.titled)
            z = base.get(group, math.nan)
            if z is not None and z != z:  # not met yet in this article
                z = base[group] = self._article_score(c, index, words)
            if z is None:
                out.append(True)  # no model for this kind
                continue
            cut = self._logit.get(c.kind, -math.inf)
            low, high = self._text_range[c.kind]
            if z + low >= cut or z + high < cut:
                out.append(z + low >= cut)
                continue
            w = self.weights[c.kind]
            z += sum(w[i] * x for i, x in zip(self._text_at, _text_values(c)))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            out.append(p >= self.threshold.get(c.kind, 0.0))
        return out

    def _article_score(self, c: Candidate, index: ArticleIndex, words: Mapping[str, WordInfo]) -> float | None:
        """The score of a candidate's name and article features, without the text around it."""
        w = self.weights.get(c.kind)
        if w is None:
            return None
        key = (id(words), c.kind, c.name)
        z = self._name_z.get(key)
        if z is None:
            if len(self._name_z) > 200_000:
                self._name_z.clear()
            named = _name_values(c.name, words)
            z = self._name_z[key] = sum(w[i] * named[f] for i, f in enumerate(FEATURES) if f not in CONTEXT)
        ws = tuple(c.name.split())
        return z + sum(w[i] * x for i, x in zip(self._article_at, (
            float(c.headline), float(c.titled), float(index.counts.get((c.kind, c.name), 0) >= 2),
            float(ws in index.inside.get(c.kind, frozenset())),
            float(c.kind != "person" and ws in index.inside.get("person", frozenset())))))

    def keep_all(self, kinds: Sequence[str], rows: Sequence[Sequence[float]]) -> list[bool]:
        """`keep` for many candidates at once (one matrix product per kind)."""
        import numpy as np

        if not rows:
            return []
        X = np.asarray(rows, dtype=float)
        z = np.zeros(len(rows))
        out = np.ones(len(rows), dtype=bool)
        ks = np.asarray(kinds)
        for kind, w in self.weights.items():
            mask = ks == kind
            if mask.any():
                z[mask] = X[mask] @ np.asarray(w)
                p = 1.0 / (1.0 + np.exp(-np.clip(z[mask], -30, 30)))
                out[mask] = p >= self.threshold.get(kind, 0.0)
        return out.tolist()


@lru_cache(maxsize=4)
def load_keeper(path: Path = MODEL_FILE) -> Keeper | None:
    """The shipped model, or None when there is none (every candidate is then kept)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if list(data.get("features", [])) != list(FEATURES):
        raise ValueError(f"{path} was trained with other features; rebuild it with python -m etl.train keep")
    return Keeper(data["weights"], data["threshold"])
