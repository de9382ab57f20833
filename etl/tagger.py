"""The trained sequence tagger at run time: persons, organisations and locations as token spans.

The model (`etl/models/ner.npz`, written by `python -m etl.train`) is a linear-chain CRF trained
with CRFsuite and stored as plain arrays: one score vector per attribute string and a transition
matrix. A CRF's token score is a sum over its features, and most features belong to one word type
at one offset, so each word type's score vector is summed once and cached; a text costs one table
lookup per token, a few array additions and a Viterbi pass. Only stretches of text with a
capitalised word (and their neighbours) are decoded: elsewhere every token is O, as the model
itself would say (checked against full decoding in tests/test_tagger.py).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, cast

import numpy as np

from . import memo
from .features import MODELS, OFFSETS, PAD, FeatureSpace, lexicon_fingerprint, span_features, word_table
from .tokens import BREAKS, tokenize
from .vocabulary import is_derived_word

MODEL_FILE = MODELS / "ner.npz"
_CACHE_LIMIT = 800_000  # score vectors kept per process before the cache starts again (about 45 MB)
_ADD_SLICE = 20_000     # new score vectors summed at a time


@dataclass(frozen=True)
class Span:
    label: str  # PER | ORG | LOC
    first: int  # token indices, inclusive
    last: int
    start: int  # character offsets in the text
    end: int


class Tagger:
    def __init__(self, path: Path = MODEL_FILE, space: FeatureSpace | None = None) -> None:
        data = np.load(path, allow_pickle=False)
        self.labels: list[str] = [str(x) for x in data["labels"]]
        self.index = {a: i for i, a in enumerate(str(x) for x in data["attributes"])}
        # Neighbour features by offset, keyed without their "-1|" prefix (no string built per lookup).
        self.ctx_index: dict[int, dict[str, int]] = {off: {} for off in OFFSETS}
        for a, i in self.index.items():
            head, sep, base = a.partition("|")
            if sep and head.lstrip("-").isdigit() and int(head) in self.ctx_index:
                self.ctx_index[int(head)][base] = i
        # A zero row at the end: _add_rows closes its last slice with it. (It used the last feature's
        # row, whose weights were then added to whichever word came last in a batch: the tags of a
        # text depended on what the process had tagged before. Found by bench/fault_injection.py.)
        weights = data["weights"].astype(np.float64)
        self.weights: np.ndarray = np.vstack([weights, np.zeros((1, weights.shape[1]))])
        self.trans: np.ndarray = data["transitions"].astype(np.float64)
        self.space = space or FeatureSpace()
        self.n = len(self.labels)
        self.o = self.labels.index("O")
        # An O score this far above every other label's makes a token O whatever surrounds it: two
        # transitions cannot make up for it.
        allowed = self.trans[self.trans > -100]
        self.sure_o = 2 * float(np.abs(allowed).max()) + 1.0 if allowed.size else 1e9
        self._rows: dict[int, dict[str, int]] = {off: {} for off in (0, *OFFSETS)}
        self._used = 0
        self._vocab_index: dict[int, dict[str, int]] = {off: {} for off in (0, *OFFSETS)}
        self._vocab_used = 0
        self._table = np.zeros((1024, self.n))
        self._span_vectors: dict[str, np.ndarray] = {}
        if "vocab_rows" in data.files and str(data["vocab_lexicons"]) == lexicon_fingerprint():
            self._load_vocabulary([str(w) for w in data["vocab_words"]], data["vocab_rows"])

    def vocabulary_rows(self, words: list[str]) -> np.ndarray:
        """(words x offsets x labels): each word's score vector at offset 0, then OFFSETS."""
        self._add_rows([(off, w) for w in words for off in (0, *OFFSETS)])
        order = [[self._rows[off][w] for off in (0, *OFFSETS)] for w in words]
        return self._table[np.array(order)]

    def _load_vocabulary(self, words: list[str], rows: np.ndarray) -> None:
        offsets = (0, *OFFSETS)
        n = len(words) * len(offsets)
        self._table = np.zeros((max(1024, 2 * n), self.n))
        self._table[:n] = rows.reshape(n, self.n).astype(np.float64)
        for k, w in enumerate(words):
            for j, off in enumerate(offsets):
                self._rows[off][w] = k * len(offsets) + j
        if words:
            # The shipped table's last row was built with the last feature's weights added (the bug
            # noted in __init__): left out, it is computed again when needed.
            del self._rows[offsets[-1]][words[-1]]
        self._used = n
        self._vocab_index = {off: dict(d) for off, d in self._rows.items()}
        self._vocab_used = n

    # -- per word type score vectors ------------------------------------------------------------

    def _vector(self, attrs: list[str]) -> np.ndarray:
        ids = [self.index[a] for a in attrs if a in self.index]
        return self.weights[ids].sum(axis=0) if ids else np.zeros(self.n)

    def _add_rows(self, missing: list[tuple[int, str]]) -> None:
        """Score vectors of new (offset, word) pairs, summed in one pass over their features, in
        slices: the first texts of a process bring hundreds of thousands of new pairs, and one list of
        all their feature indices had left each worker 150 MB larger for good (freed Python ints stay
        in the process)."""
        for k in range(0, len(missing), _ADD_SLICE):
            self._add_slice(missing[k : k + _ADD_SLICE])

    def _add_slice(self, missing: list[tuple[int, str]]) -> None:
        index = self.index
        space = self.space
        # Feature strings are not cached per word here (FeatureSpace.own would keep them for the
        # process's life): once a word's score vector is in the table they are never needed again.
        near_far: dict[tuple[str, bool], list[str]] = {}
        flat: list[int] = []
        bounds: list[int] = []
        for offset, word in missing:
            bounds.append(len(flat))
            if offset == 0:
                flat.extend(index[a] for a in space._own_features(word) if a in index)
            else:
                ctx = self.ctx_index[offset]
                key = (word, abs(offset) == 1)
                base = near_far.get(key)
                if base is None:
                    base = near_far[key] = space._ctx_base_features(*key)
                flat.extend(ctx[b] for b in base if b in ctx)
        r0 = self._used
        need = r0 + len(missing)
        if need > len(self._table):
            # Doubling, but never past the cache's limit (the cache restarts there): doubling alone
            # had grown the table to twice the limit, 100 MB more in every worker.
            grown = np.zeros((max(need, min(2 * len(self._table), _CACHE_LIMIT + 4096)), self.n))
            grown[: len(self._table)] = self._table
            self._table = grown
        # Rows with no known feature stay zero: a sentinel row keeps reduceat's slices well-formed.
        flat.append(len(self.weights) - 1)
        sums = np.add.reduceat(self.weights[flat], bounds, axis=0) if bounds else np.zeros((0, self.n))
        empty = [k for k in range(len(bounds)) if bounds[k] == (bounds[k + 1] if k + 1 < len(bounds) else len(flat) - 1)]
        sums[empty] = 0.0
        self._table[r0:need] = sums
        for k, (offset, word) in enumerate(missing):
            self._rows[offset][word] = r0 + k
        self._used = need

    def _span_vector(self, attr: str) -> np.ndarray:
        v = self._span_vectors.get(attr)
        if v is None:
            v = self._span_vectors[attr] = self._vector([attr])
        return v

    def emissions(self, tokens: list[str], spans: dict[int, list[str]] | None, at: list[int] | None = None) -> np.ndarray:
        """(positions x labels) scores of the tokens at `at` (default: all): own word, neighbours
        and lexicon spans."""
        at = list(range(len(tokens))) if at is None else at
        padded = [PAD, PAD, *tokens, PAD, PAD]
        if self._used + (1 + len(OFFSETS)) * len(at) > _CACHE_LIMIT:
            # Bounded memory on endless input: start the cache again from the shipped vocabulary
            # (never in the middle of a text).
            self._rows = {off: dict(d) for off, d in self._vocab_index.items()}
            self._used = self._vocab_used
        e: np.ndarray | None = None
        for off in (0, *OFFSETS):
            words = [padded[i + 2 + off] for i in at]
            rows = self._rows[off]
            # map(dict.get) runs in C: these look-ups were a tenth of a worker's time as a list comprehension.
            found: list[int | None] = list(map(rows.get, words))
            if None in found:
                self._add_rows(list(dict.fromkeys((off, w) for w, r in zip(words, found) if r is None)))
                ids = list(map(rows.__getitem__, words))
            else:
                ids = cast(list[int], found)
            if e is None:
                e = self._table[ids]
            else:
                e += self._table[ids]
        assert e is not None  # OFFSETS holds 0 at least
        if spans:
            position = {i: k for k, i in enumerate(at)}
            for i, attrs in spans.items():
                k = position.get(i)
                if k is not None:
                    for a in attrs:
                        e[k] += self._span_vector(a)
        breaks = [k for k, i in enumerate(at) if tokens[i] in BREAKS]
        if breaks:
            e[breaks] = -1e4
            e[breaks, self.o] = 0.0
        return e

    # -- decoding -------------------------------------------------------------------------------

    def viterbi(self, e: np.ndarray, o_before: bool = False, o_after: bool = False) -> list[int]:
        """Best label path. o_before/o_after: the token before/after is O (a stretch of a longer
        text), so the path starts with a transition from O or ends with one to O."""
        n = len(e)
        if n == 0:
            return []
        back = np.zeros((n, self.n), dtype=np.int8)
        delta = e[0] + self.trans[self.o] if o_before else e[0]
        for t in range(1, n):
            s = delta[:, None] + self.trans
            back[t] = s.argmax(axis=0)
            delta = s.max(axis=0) + e[t]
        if o_after:
            delta = delta + self.trans[:, self.o]
        path = [int(delta.argmax())]
        for t in range(n - 1, 0, -1):
            path.append(int(back[t, path[-1]]))
        return path[::-1]

    def tag_tokens(self, tokens: list[str], spans: dict[int, list[str]] | None = None, full: bool = False) -> list[str]:
        """BIO labels of a token sequence. full=True decodes every token (the reference)."""
        if not tokens:
            return []
        if full:
            return [self.labels[i] for i in self.viterbi(self.emissions(tokens, spans))]
        out = ["O"] * len(tokens)
        stretches = candidate_stretches(tokens)
        if not stretches:
            return out
        at = [i for a, b in stretches for i in range(a, b)]
        e = self.emissions(tokens, spans, at)
        n = len(tokens)
        margin = e[:, self.o] - np.delete(e, self.o, axis=1).max(axis=1)
        todo, k = [], 0
        for a, b in stretches:
            # Where every token's own score says O by a wide margin, no path through the stretch can
            # say otherwise (transitions are far smaller): skip the decoding.
            if margin[k : k + b - a].min() < self.sure_o:
                todo.append((a, b, k))
            k += b - a
        # Stretches of like length together (lengths within a factor of two): padding every stretch to
        # the longest one made a long article's decoding quadratic.
        # Padding is neutral for every stretch but the one that ends the text, whose free tail adds
        # transitions: that one is decoded alone, padded as it always was (to the longest stretch of
        # its side of six tokens), so that tags stay what the model was measured with.
        groups: dict[int, list] = {}
        pad: dict[int, int] = {}
        for t in todo:
            if t[1] == n:
                short = t[1] - t[0] <= 6
                groups[-1] = [t]
                pad[-1] = max(b - a for a, b, _ in todo if (b - a <= 6) == short)
            else:
                groups.setdefault(max(3, (t[1] - t[0]).bit_length()), []).append(t)
        for key, group in sorted(groups.items()):
            if group:
                for (a, _b, _), path in zip(group, self._decode_stretches(e, group, n, pad.get(key, 0))):
                    for j, lab in enumerate(path):
                        if lab != self.o:
                            out[a + j] = self.labels[lab]
        return out

    def _decode_stretches(self, e: np.ndarray, todo: list[tuple[int, int, int]], n: int, pad_to: int = 0
                          ) -> list[list[int]]:
        """Viterbi over all stretches of a text at once: padded to the longest (or to pad_to), one array
        step per position. Past its end a stretch is held in O, which adds the step to the O that follows it."""
        count, longest = len(todo), max(pad_to, max(b - a for a, b, _ in todo))
        block = np.full((count, longest, self.n), -1e4)
        block[:, :, self.o] = 0.0
        for r, (a, b, k) in enumerate(todo):
            block[r, : b - a] = e[k : k + b - a]
            if a > 0:
                block[r, 0] += self.trans[self.o]
            if b == n and b - a < longest:
                block[r, b - a :, :] = 0.0  # the text ends here: nothing follows, nothing is forced
        back = np.zeros((count, longest, self.n), dtype=np.intp)
        delta = block[:, 0]
        cols = np.arange(self.n)
        stretch = np.arange(count)[:, None]
        trans = self.trans[None]
        # Index arrays made once, not per step: a step is a handful of small array operations, and
        # their overhead is most of a worker's decoding time.
        for t in range(1, longest):
            s = delta[:, :, None] + trans
            best = s.argmax(axis=1)
            back[:, t] = best
            delta = s[stretch, best, cols] + block[:, t]
        last = np.where(np.array([b < n and b - a == longest for a, b, _ in todo])[:, None],
                        delta + self.trans[:, self.o][None, :], delta).argmax(axis=1)
        paths = np.zeros((count, longest), dtype=np.intp)
        paths[:, -1] = last
        rows = np.arange(count)
        for t in range(longest - 1, 0, -1):
            paths[:, t - 1] = back[rows, t, paths[:, t]]
        return [paths[r, : b - a].tolist() for r, (a, b, _) in enumerate(todo)]

    def tag(self, text: str, title_case: bool = False) -> tuple[list[Span], list[str], list[int], list[int]]:
        """Entity spans of a text, with its tokens and their offsets. title_case=True reads a Title
        Case headline on a case-normalised view: words the corpus writes in lower case are lowered."""
        tokens, starts, ends = tokenize(text, self.space.words)
        view = truecase(tokens, self.space) if title_case else tokens
        labels = self.tag_tokens(view, span_features(text, starts, ends))
        return spans_of(labels, starts, ends), tokens, starts, ends


def candidate_stretches(tokens: list[str], gap: int = 2, margin: int = 1) -> list[tuple[int, int]]:
    """[start, end) stretches around capitalised or numeric tokens: candidates less than `gap`
    tokens apart share a stretch, and `margin` tokens of context are added on either side."""
    n = len(tokens)
    # Any capital letter makes a candidate ("Jokowi", "KPK", "detikJogja"); a number right after a
    # capitalised word ("Daop 6") falls within that word's margin.
    cands = [i for i, tok in enumerate(tokens) if tok != tok.lower()]
    out: list[tuple[int, int]] = []
    last = -10
    for i in cands:
        a, b = max(0, i - margin), min(n, i + 1 + margin)
        if out and (a <= out[-1][1] or i - last <= gap + 1):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
        last = i
    return out


def spans_of(labels: list[str], starts: list[int], ends: list[int]) -> list[Span]:
    """BIO labels to spans (an I- without its B- opens one, as conlleval reads it)."""
    out: list[Span] = []
    cur: list | None = None
    prev = -2
    for i in [k for k, lab in enumerate(labels) if lab != "O"]:
        lab = labels[i]
        kind = lab[2:]
        if cur is not None and (prev != i - 1 or lab[0] == "B" or cur[0] != kind):
            out.append(Span(cur[0], cur[1], prev, starts[cur[1]], ends[prev]))
            cur = None
        if cur is None:
            cur = [kind, i]
        prev = i
    if cur is not None:
        out.append(Span(cur[0], cur[1], prev, starts[cur[1]], ends[prev]))
    return out


def truecase(tokens: list[str], space: FeatureSpace) -> list[str]:
    """Lower the words of a Title Case headline that the corpus mostly writes in lower case."""
    return [tok.lower() if usually_lower(tok, space) else tok for tok in tokens]


def usually_lower(tok: str, space: FeatureSpace) -> bool:
    return _usually_lower(tok, space)


@lru_cache(maxsize=100_000)
def _usually_lower(tok: str, space: FeatureSpace) -> bool:
    """Is this capitalised word an ordinary word that only a Title Case headline capitalises?"""
    keep = _headline_keep(space)
    # Titles and the heads of organisation and place names keep their capital: they announce a name.
    if not tok[:1].isupper() or tok.isupper() or tok.lower().rstrip(".") in keep:
        return False
    info = space.words.get(tok.lower())
    if info is not None and info.cap_pct >= 0:
        return info.cap_pct < 35
    if info is not None and info.word_class != "-":
        return True
    # Too rare to say from the corpus: lower it only when it is an affixed word (`Pagari`).
    return is_derived_word(tok)


def _headline_keep(space: FeatureSpace) -> frozenset[str]:
    return space.lex["title"] | space.lex["title1"] | space.lex["orghead"] | space.lex["placehead"]


_override: list[Path] = []


@lru_cache(maxsize=4)
def _tagger_for(path: Path) -> Tagger:
    # A model built elsewhere (`etl.train --out DIR`) reads the word table built with it.
    words = path.with_name("words.tsv.gz")
    return Tagger(path, FeatureSpace(word_table(words)) if words.exists() else None)


def default_tagger() -> Tagger:
    """The shipped model, or the one `use_model` put in place (evaluation of held-out models)."""
    return _tagger_for(_override[-1] if _override else MODEL_FILE)


@contextmanager
def use_model(path: Path) -> Iterator[None]:
    """Run the extractor with another model file for the duration of a block."""
    _override.append(path)
    memo.forget("model")
    try:
        yield
    finally:
        _override.pop()
        memo.forget("model")
