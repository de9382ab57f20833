"""The search query language: parsing, word forms and the plain-SQL equivalent of a query.

Media Cloud's language: words, "exact phrases", AND / OR / NOT (upper case), `-word`, brackets and
`prefix*` (see warehouse/search.py for how the index runs it). Pure functions: text in, trees out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

MAX_EXPANSION = 2000        # terms a prefix* may expand to; more and the query is refused as too broad
MIN_GENERATED_ROOT = 5     # see expand(): roots this long take every generated form the index holds
MAX_TOKEN_BYTES = 40        # tantivy's default tokenizer drops longer tokens
MAX_DEPTH = 20              # brackets and NOTs inside each other; deeper is refused (250 hit Python's recursion limit)


class QueryError(ValueError):
    """A query that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Term:
    word: str


@dataclass(frozen=True)
class Prefix:
    start: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    """Any of several index terms (what a prefix or a word's forms expand to)."""
    words: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


Node = Union[Term, Prefix, Phrase, AnyOf, And, Or, Not]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)   # letters and digits, as Rust's char::is_alphanumeric


def words_of(text: str) -> list[str]:
    """The index's tokens of a text: runs of letters and digits, lower-cased, long ones dropped."""
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text or "")) if len(w.encode()) < MAX_TOKEN_BYTES]


# --- parsing --------------------------------------------------------------------------------------

_LEX = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|"(?P<phrase>[^"]*)"?|(?P<minus>-)(?=[^\s)])|(?P<word>[^\s()"]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _LEX.match(text, pos)
        if not m or m.end() == pos:
            raise QueryError(f"cannot read the query at character {pos + 1}: {_shown(text[pos:pos + 20])}")
        pos = m.end()
        kind = m.lastgroup or ""
        value = m.group(kind) if kind else ""
        if kind == "word" and value in ("AND", "OR", "NOT"):
            kind = value
        out.append((kind, value))
    return out


def _shown(value: str, limit: int = 40) -> str:
    """A piece of the query for a message: quoted, and cut (a 5,000-character word was repeated whole)."""
    return repr(value if len(value) <= limit else value[:limit - 1] + "…")


def _no_words(value: str) -> QueryError:
    if _WORD.search(value):  # letters or digits, but only in words the index does not keep
        return QueryError(f"{_shown(value)} is a word of {MAX_TOKEN_BYTES} bytes or more, which the index does not "
                          f"keep; search for other words of the text")
    return QueryError(f"{_shown(value)} has no letters or digits to search for")


def parse(text: str) -> Node:
    """A query's tree; QueryError if it is empty or malformed."""
    tokens = _lex(text or "")
    if not tokens:
        raise QueryError("the query is empty")
    parser = _Parser(tokens)
    node = parser.or_expr()
    if parser.pos < len(tokens):
        raise QueryError(f"unexpected {_shown(tokens[parser.pos][1])} (a closing bracket without an opening one?)")
    if _only_negative(node):
        raise QueryError("the query only says what to leave out; add what to look for")
    return node


class _Parser:
    """Recursive descent over the tokens: OR of ANDs of (NOT) atoms; brackets and NOT at most
    MAX_DEPTH deep."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"the query puts brackets or NOT more than {MAX_DEPTH} deep inside each other; "
                             f"write it flatter")

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.peek() not in (None, "OR", "close"):
            if self.peek() == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        if self.peek() in ("NOT", "minus"):
            self.take()
            self.deeper()
            inner = self.unary()
            self.depth -= 1
            return Not(inner)
        return self.atom()

    def atom(self) -> Node:
        kind, value = self.take() if self.pos < len(self.tokens) else (None, "")
        if kind == "open":
            self.deeper()
            inner = self.or_expr()
            if self.peek() != "close":
                raise QueryError("a bracket is opened and never closed")
            self.take()
            self.depth -= 1
            return inner
        if kind == "phrase":
            return _phrase(value)
        if kind == "word":
            return _word(value)
        if kind is None:
            raise QueryError("the query ends where a word was expected")
        raise QueryError(f"{_shown(value or kind)} where a word was expected")


def _phrase(value: str) -> Node:
    words = words_of(value)
    if not words:
        raise _no_words(value) if _WORD.search(value) else QueryError(f"the phrase {_shown(value)} has no words")
    return Phrase(tuple(words)) if len(words) > 1 else Term(words[0])


def _word(value: str) -> Node:
    if value.endswith("*"):
        words = words_of(value.rstrip("*"))
        if len(words) != 1:
            raise QueryError(f"{_shown(value)}: a prefix* needs one word before the star")
        return Prefix(words[0])
    words = words_of(value)
    if not words:
        raise _no_words(value)
    return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(i) for i in node.items)
    if isinstance(node, Or):
        return any(_only_negative(i) for i in node.items)
    return False


def positive_words(node: Node) -> list[str]:
    """The words a match contains (for highlighting passages): everything outside a NOT."""
    if isinstance(node, Term):
        return [node.word]
    if isinstance(node, Phrase):
        return [" ".join(node.words)]
    if isinstance(node, AnyOf):
        return list(node.words)
    if isinstance(node, Prefix):
        return [node.start]
    if isinstance(node, (And, Or)):
        return [w for i in node.items for w in positive_words(i)]
    return []


# --- word forms -----------------------------------------------------------------------------------

_PREFIXES = ["", "di", "ke", "se", "ter", "ber", "be", "per", "diper", "memper", "pe", "me", "mem", "men",
             "meng", "meny", "menge", "pem", "pen", "peng", "peny", "penge"]
_SUFFIXES = ["", "kan", "an", "i", "nya", "lah", "kah", "pun", "kannya", "annya", "inya", "ku", "mu"]
# meN- and peN- drop a root's first p, t, k or s: pukul -> memukul, tulis -> menulis, korupsi -> mengorupsi.
_NASAL = {"p": ("mem", "pem"), "t": ("men", "pen"), "k": ("meng", "peng"), "s": ("meny", "peny")}


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stem(word) or word


def candidate_forms(root: str) -> list[str]:
    """Affixed forms a root may take (most do not exist; the index says which do)."""
    stems = {root}
    nasal = _NASAL.get(root[:1])
    out = set()
    for pre in _PREFIXES:
        for suf in _SUFFIXES:
            out.add(pre + root + suf)
    if nasal:
        for pre in nasal:
            for suf in _SUFFIXES:
                out.add(pre + root[1:] + suf)
    return sorted(out | stems)


def _lit(word: str) -> str:
    return "'" + word.replace("'", "''") + "'"


# The plain-scan equivalent: an article's tokens as the index sees them, for SQL over `articles`.
SQL_TOKENS = (r"list_filter(regexp_split_to_array(lower(coalesce(title, '') || chr(10) || coalesce(body, '')), "
              r"'[^\p{L}\p{N}]+'), lambda t: t <> '' AND strlen(t) < " + str(MAX_TOKEN_BYTES) + ")")


def to_sql(node: Node, tokens: str = "toks", joined: str = "joined") -> str:
    """A SQL condition over a list of tokens (`tokens`) and the same tokens joined by single spaces
    with a space at each end (`joined`): what the index would match, found by a plain scan."""
    if isinstance(node, Term):
        return f"list_contains({tokens}, {_lit(node.word)})"
    if isinstance(node, AnyOf):
        return f"list_has_any({tokens}, [{', '.join(_lit(w) for w in node.words)}]::VARCHAR[])" if node.words else "false"
    if isinstance(node, Prefix):
        return f"len(list_filter({tokens}, lambda t: starts_with(t, {_lit(node.start)}))) > 0"
    if isinstance(node, Phrase):
        return f"contains({joined}, {_lit(' ' + ' '.join(node.words) + ' ')})"
    if isinstance(node, And):
        return "(" + " AND ".join(to_sql(i, tokens, joined) for i in node.items) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(to_sql(i, tokens, joined) for i in node.items) + ")"
    if isinstance(node, Not):
        return f"(NOT {to_sql(node.item, tokens, joined)})"
    raise TypeError(node)


def describe(node: Node) -> str:
    """The expanded query in words, for the page: which forms a word or prefix stood for."""
    if isinstance(node, AnyOf):
        shown = ", ".join(node.words[:12]) + (f" and {len(node.words) - 12:,} more" if len(node.words) > 12 else "")
        return f"{node.label} ({shown or 'no word in the index'})"
    if isinstance(node, Term):
        return node.word
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Prefix):
        return node.start + "*"
    if isinstance(node, Not):
        return "NOT " + describe(node.item)
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(describe(i) for i in node.items) + ")"
