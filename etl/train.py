"""Rebuild the tagger's files from ../shared, deterministically: `python -m etl.train [words|model|all]`.

- words: clusters and casing statistics from the corpus text (`etl/models/words.tsv.gz`);
- model: a CRF (CRFsuite, L-BFGS) on the public NER sets, exported as arrays (`etl/models/ner.npz`),
  then the people that model finds in the corpus bodies (`etl/models/names.tsv.gz`, for headlines);
- names: only that last step;
- casing: how the corpus bodies write names' words (`etl/models/casing.tsv.gz`, phrase_casing.py).
The shipped model learns from IDNer-2k train+dev (MIT), NERGrit train+valid (Apache-2.0) and all
of NER-UI (CC BY 4.0 per NusaCrowd). `python -m etl.evaluate` never scores a model on what it
learned from: it trains held-out models (`heldout_model`) for each yardstick and caches them.
Needs the `train` extra (`pip install -e .[train]`: python-crfsuite, scipy).
"""
from __future__ import annotations

import os

# One BLAS thread: the same input gives the same bits.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from .conll import Sentence, read_conll, spans_from_tags  # noqa: E402
from .features import MODELS, WORDS_FILE, FeatureSpace, lexicon_fingerprint, span_features, word_table  # noqa: E402
from .shared_data import NER_DIR, SHARED  # noqa: E402
from .tokens import BREAKS, join_tokens, tokenize  # noqa: E402

LABELS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}
# The model is the average of BAG CRFs, member b trained without every BAG-th sentence from b on
# (bagging: one CRF's weights move with which sentences it saw; the average moves less, and it is
# still one linear model, so tagging costs the same). Measured in docs/quality.md.
BAG = 5
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "models"


def ner_files(name: str) -> list[Path]:
    """The BIO files of a named set: idner2k-train, idner2k-dev, nergrit-train, nergrit-valid,
    nerui-all, nerui-train-K (train and dev of fold K), nerui-test-K."""
    fixed = {
        "idner2k-train": ["idner2k/train.txt"], "idner2k-dev": ["idner2k/dev.txt"],
        "nergrit-train": ["nergrit/train_preprocess.txt"], "nergrit-valid": ["nergrit/valid_preprocess.txt"],
        # Fold 1's train, dev and test together are the whole of NER-UI.
        "nerui-all": [f"nerui/{part}.01.tsv" for part in ("train", "dev", "test")],
    }
    if name in fixed:
        return [NER_DIR / p for p in fixed[name]]
    if name.startswith("nerui-train-"):
        k = name.rsplit("-", 1)[1]
        return [NER_DIR / f"nerui/train.0{k}.tsv", NER_DIR / f"nerui/dev.0{k}.tsv"]
    if name.startswith("nerui-test-"):
        return [NER_DIR / f"nerui/test.0{name.rsplit('-', 1)[1]}.tsv"]
    raise KeyError(name)


@dataclass(frozen=True)
class Convention:
    """How a public set writes things, read off its train split: whether `Long Form (ACR)` is one
    organisation (IDNer-2k: 31 of 34 pairs) or two (NER-UI: 132 of 136; NERGrit), and whether its
    tokenizer split every hyphen off (`Song Hye - kyo`: NERGrit and NER-UI; IDNer-2k keeps
    `Jokowi-Kalla` whole)."""

    joined_acronyms: bool
    glued_hyphens: bool


def convention(name: str) -> Convention:
    return Convention(True, False) if name.startswith("idner2k") else Convention(False, True)


PRODUCT_SETS = ("idner2k-train", "idner2k-dev", "nergrit-train", "nergrit-valid", "nerui-all")


def sentences(names: list[str]) -> list[tuple[Sentence, Convention]]:
    out: list[tuple[Sentence, Convention]] = []
    for name in names:
        for path in ner_files(name):
            out.extend((s, convention(name)) for s in read_conll(path))
    return out


def retokenize(s: Sentence, conv: Convention = Convention(True, False)) -> tuple[str, list[str], list[int], list[int], list[str]]:
    """A CoNLL sentence as the tagger will meet it: joined into text, split by our tokenizer, each
    gold entity's span (trimmed of brackets and punctuation) labelled on our tokens."""
    text, offsets = join_tokens(s.tokens, conv.glued_hyphens)
    tokens, starts, ends = tokenize(text)
    tags = ["O"] * len(tokens)
    for kind, first, last in sorted(spans_from_tags(s.tags), key=lambda x: x[1]):
        a, b = offsets[first][0], offsets[last][1]
        inside = [i for i in range(len(tokens)) if a <= starts[i] < b]
        for part in _split_bracketed(inside, tokens):
            # Brackets and punctuation at either end are not part of the name.
            while part and not any(ch.isalnum() for ch in tokens[part[0]]):
                part = part[1:]
            while part and not any(ch.isalnum() for ch in tokens[part[-1]]):
                part = part[:-1]
            k = 0
            for i in part:
                if tokens[i] in BREAKS:  # the tagger never puts these inside a name
                    k = 0
                    continue
                tags[i] = ("B-" if k == 0 else "I-") + kind
                k += 1
    return text, tokens, starts, ends, tags


def _split_bracketed(inside: list[int], tokens: list[str]) -> list[list[int]]:
    """IDNer-2k writes `Bursa Efek Indonesia (BEI)` as one entity, NER-UI and NERGrit as two: the
    tagger learns the two-entity form everywhere (the extractor joins them again for the product)."""
    if len(inside) >= 4 and tokens[inside[-1]] == ")" and "(" in [tokens[i] for i in inside[1:-2]]:
        k = max(j for j, i in enumerate(inside) if tokens[i] == "(")
        if k >= 1 and k < len(inside) - 2:
            return [inside[:k], inside[k + 1 : -1]]
    return [inside]


def featurize(sents: list[tuple[Sentence, Convention]], space: FeatureSpace) -> list[tuple[list[list[str]], list[str]]]:
    out = []
    for s, conv in sents:
        text, tokens, starts, ends, tags = retokenize(s, conv)
        out.append((space.sequence(tokens, span_features(text, starts, ends)), tags))
    return out


def train_model(names: list[str], target: Path, params: dict | None = None, verbose: bool = False,
                words: Path = WORDS_FILE, ship_vocabulary: bool = False) -> Path:
    """Train a CRF on the named public sets and write it as arrays to `target` (ner.npz layout)."""
    t0 = time.perf_counter()
    train_on(sentences(names), target, params, words, ship_vocabulary)
    if verbose:
        print(f"trained on {', '.join(names)} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return target


def train_on(sents: list[tuple[Sentence, Convention]], target: Path, params: dict | None = None,
             words: Path = WORDS_FILE, ship_vocabulary: bool = False, bag: int = BAG) -> Path:
    """Train `bag` CRFs on these sentences (member b without sentences b, b + bag, ...; all of them
    when bag is 1) and write their average. Deterministic: L-BFGS from zero weights, a fixed order,
    the members averaged in order. Two members train at a time (the machine's two cores)."""
    from concurrent.futures import ProcessPoolExecutor

    members = [[x for i, x in enumerate(sents) if i % bag != b] for b in range(bag)] if bag > 1 else [sents]
    merged = {**PARAMS, **(params or {})}
    with tempfile.TemporaryDirectory() as tmp:
        raws = [Path(tmp) / f"member{b}.crfsuite" for b in range(len(members))]
        if len(members) == 1:
            _train_member(members[0], raws[0], merged, words)
        else:
            with ProcessPoolExecutor(max_workers=min(2, len(members))) as pool:
                list(pool.map(_train_member, members, raws, [merged] * len(members), [words] * len(members)))
        export(raws, target, word_table(words) if ship_vocabulary else None)
    return target


def _train_member(sents: list[tuple[Sentence, Convention]], raw: Path, params: dict, words: Path) -> None:
    import pycrfsuite

    space = FeatureSpace(word_table(words))
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.select("lbfgs", "crf1d")
    for xseq, yseq in featurize(sents, space):
        trainer.append(xseq, yseq)
    trainer.set_params(params)
    trainer.train(str(raw))


def export(crfsuite_models: Path | list[Path], target: Path, vocabulary: dict | None = None) -> None:
    """CRFsuite's weights as arrays: attributes (sorted), weights (attribute x label), transitions;
    several models are averaged (a feature a member never kept weighs 0 there)."""
    import pycrfsuite

    models = [crfsuite_models] if isinstance(crfsuite_models, Path) else list(crfsuite_models)
    col = {lab: i for i, lab in enumerate(LABELS)}
    by_attr: dict[str, np.ndarray] = {}
    trans = np.zeros((len(LABELS), len(LABELS)), dtype=np.float64)
    for model in models:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        info = tagger.info()
        for (attr, label), w in info.state_features.items():
            by_attr.setdefault(attr, np.zeros(len(LABELS), dtype=np.float64))[col[label]] += w
        for (a, b), w in info.transitions.items():
            trans[col[a], col[b]] += w
        tagger.close()
    n = len(models)
    attrs = sorted(a for a, v in by_attr.items() if np.abs(v).max() / n >= 1e-4)
    weights = (np.stack([by_attr[a] for a in attrs]) / n).astype(np.float32) if attrs else np.zeros((0, len(LABELS)), np.float32)
    trans = (trans / n).astype(np.float32)
    # I-X right after O or another type never happened in training; forbid it outright.
    for b in LABELS:
        if b.startswith("I-"):
            for a in LABELS:
                if a not in (b, "B-" + b[2:]):
                    trans[col[a], col[b]] = -1e4
    target.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = dict(labels=np.array(LABELS), attributes=np.array(attrs), weights=weights, transitions=trans)
    np.savez_compressed(target, **arrays)
    if vocabulary is not None:
        # Every known word's score vectors at every offset, so a process starts warm (float16:
        # a thousandth of a score's size, far below any decision's margin).
        from .tagger import Tagger

        tagger = Tagger(target, FeatureSpace(vocabulary))
        words = sorted(vocabulary_forms(vocabulary))
        rows = tagger.vocabulary_rows(words)
        np.savez_compressed(target, **arrays, vocab_words=np.array(words), vocab_rows=rows.astype(np.float16),
                            vocab_lexicons=np.array(lexicon_fingerprint()))


def vocabulary_forms(vocabulary: dict) -> set[str]:
    """The spellings a known word is met in: lower case, Capitalised, or both (by its corpus casing)."""
    out = set()
    for w, info in vocabulary.items():
        if info.cap_pct < 90:
            out.add(w)
        if (info.cap_pct >= 10 or info.cap_pct < 0) and w[:1].isalpha():
            out.add(w[:1].upper() + w[1:])
    return out


def heldout_model(names: list[str], params: dict | None = None) -> Path:
    """A model trained on exactly these sets, cached by a hash of the sets, the word table and the
    feature code (so evaluation can score data the model never saw)."""
    h = hashlib.sha1(repr((sorted(names), sorted((params or {}).items()), sorted(PARAMS.items()))).encode())
    for f in [*[p for n in names for p in ner_files(n)], WORDS_FILE, *Path(__file__).parent.glob("*.py"),
              *(Path(__file__).parent / "lexicons").glob("*")]:
        if f.exists():
            h.update(f.name.encode() + f.read_bytes())
    target = CACHE / f"{h.hexdigest()[:16]}.npz"
    if not target.exists():
        train_model(names, target, params, verbose=True)
    return target


def build_words(corpus: Path, target: Path = WORDS_FILE, verbose: bool = False) -> Path:
    """Clusters and casing from the corpus, then a first tagger (HISTORY_SETS only) reads the corpus
    and each word's usual label is added: the final model learns from all of it."""
    from .clusters import (
        GRANULARITIES,
        HISTORY_SETS,
        WordStats,
        corpus_texts,
        spherical_kmeans,
        tag_history,
        word_vectors,
        write_words,
    )

    stats = WordStats()
    for headline, body in corpus_texts([corpus]):
        stats.add(headline, body)
    words, vecs = word_vectors(stats)
    labels = [spherical_kmeans(vecs, k) for k in GRANULARITIES]
    write_words(target, stats, words, labels)
    word_table.cache_clear()
    with tempfile.TemporaryDirectory() as tmp:
        first = train_model(list(HISTORY_SETS), Path(tmp) / "first.npz", verbose=verbose, words=target)
        history = tag_history(corpus_texts([corpus]), first, target)
    write_words(target, stats, words, labels, history)
    word_table.cache_clear()
    return target


def build_names(corpus: Path, out: Path = MODELS) -> Path:
    """names.tsv.gz: the people the shipped extractor finds in the corpus bodies (needs ner.npz)."""
    from .clusters import corpus_texts, person_names, write_names
    from .features import FeatureSpace
    from .gazetteers import without_known_names
    from .tagger import use_model

    target = out / "names.tsv.gz"
    texts = list(corpus_texts([corpus]))
    with use_model(out / "ner.npz"), without_known_names():
        write_names(target, person_names(texts, FeatureSpace(word_table(out / "words.tsv.gz")).words))
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", nargs="?", default="all", choices=["all", "words", "model", "names", "casing", "keep"])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus", help="text for the clusters")
    ap.add_argument("--out", type=Path, default=MODELS, help="folder for words.tsv.gz and ner.npz")
    args = ap.parse_args(argv)
    if not NER_DIR.is_dir() or not args.corpus.is_dir():
        print(f"needs {NER_DIR} and {args.corpus}", file=sys.stderr)
        return 1
    if args.what in ("all", "words"):
        t0 = time.perf_counter()
        path = build_words(args.corpus, args.out / "words.tsv.gz", verbose=True)
        print(f"{path}: {len(word_table(path))} words in {time.perf_counter() - t0:.0f} s")
    if args.what in ("all", "model"):
        t0 = time.perf_counter()
        path = train_model(list(PRODUCT_SETS), args.out / "ner.npz", verbose=True, words=args.out / "words.tsv.gz",
                           ship_vocabulary=True)
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.0f} s")
    if args.what in ("all", "model", "names"):
        t0 = time.perf_counter()
        path = build_names(args.corpus, args.out)
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.0f} s")
    if args.what in ("all", "casing"):
        from .clusters import corpus_texts
        from .phrase_casing import build, clear_cache, write

        t0 = time.perf_counter()
        target = args.out / "casing.tsv.gz"
        write(target, build(corpus_texts([args.corpus])))
        clear_cache()
        print(f"{target}: {target.stat().st_size / 1e6:.2f} MB in {time.perf_counter() - t0:.0f} s")
    if args.what in ("all", "model", "names", "keep"):
        # Last: its features read names.tsv.gz and words.tsv.gz, and its candidates come from the model.
        from .train_keep import train as train_keep

        t0 = time.perf_counter()
        path = train_keep(args.out / "keep.json")
        print(f"{path} in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
