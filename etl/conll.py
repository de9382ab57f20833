"""CoNLL-style BIO files: reading them and reading entity spans off their tags (conlleval rules)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

_LABELS = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC", "PLACE": "LOC", "GPE": "LOC",
}


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]  # normalised BIO tags: B-PER, I-ORG, O


def read_conll(path: Path) -> Iterator[Sentence]:
    """Sentences of a BIO file; label names are mapped to PER/ORG/LOC (others become O)."""
    tokens: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for raw in fh:
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("-DOCSTART-"):
                if tokens:
                    yield Sentence(tokens, tags)
                    tokens, tags = [], []
                continue
            parts = line.split("\t") if "\t" in line else line.split()
            if len(parts) < 2:
                continue
            tokens.append(parts[0].strip())
            tags.append(_normalise_tag(parts[-1].strip()))
    if tokens:
        yield Sentence(tokens, tags)


def _normalise_tag(tag: str) -> str:
    if tag in ("O", "") or "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    mapped = _LABELS.get(label.upper())
    if mapped is None or prefix.upper() not in ("B", "I", "E", "S"):
        return "O"
    return f"{'B' if prefix.upper() in ('B', 'S') else 'I'}-{mapped}"


def spans_from_tags(tags: list[str]) -> set[tuple[str, int, int]]:
    """(type, first token, last token) of each entity, conlleval-style (an I- after O opens one)."""
    out: set[tuple[str, int, int]] = set()
    current: tuple[str, int] | None = None
    for i, tag in enumerate([*tags, "O"]):
        kind = tag[2:] if tag != "O" else ""
        starts = tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[0] != kind))
        if current is not None and (tag == "O" or starts):
            out.add((current[0], current[1], i - 1))
            current = None
        if starts:
            current = (kind, i)
    return out
