"""Full-text search over every article's headline and body: the query language and the index.

The index is a tantivy index in a folder beside the DuckDB file (`<warehouse>.search`), written by
the load (etl/search_index.py) and read by the dashboard. tantivy was chosen by measurement
(bench/search_engines.py, docs/design.md): 250-750 bytes an article against SQLite FTS5's 1-4 KB,
counts in under a millisecond at 200k articles; DuckDB's own fts extension cannot be installed
offline.

The query language is Media Cloud's: words, "exact phrases", AND / OR / NOT (upper case), `-word`,
brackets and `prefix*`. Words next to each other must all match (AND). Words are compared the way
the index splits text: runs of letters and digits, lower-cased (`Covid-19` is the phrase
"covid 19"). With word forms on, a word also finds its Indonesian affixed forms (`korupsi` finds
`dikorupsi`, `korupsinya`, `mengorupsi`): the forms the index holds that PySastrawi stems to the same
root, or that our affix rules generate from a root of five letters or more. The same parsed query
compiles to a tantivy query and to a plain SQL expression; tests check that both find the same
articles.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Union

INDEX_SUFFIX = ".search"
LAYOUT = "media-monitor search index 2"   # bump when schema() changes: the next load rebuilds the index
LAYOUT_FILE = "LAYOUT"
MAX_EXPANSION = 2000        # terms a prefix* may expand to; more and the query is refused as too broad
MIN_GENERATED_ROOT = 5     # see expand(): roots this long take every generated form the index holds
MAX_TOKEN_BYTES = 40        # tantivy's default tokenizer drops longer tokens


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
            raise QueryError(f"cannot read the query at character {pos + 1}: {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind) if kind else ""
        if kind == "word" and value in ("AND", "OR", "NOT"):
            kind = value
        out.append((kind, value))
    return out


def parse(text: str) -> Node:
    """A query's tree; QueryError if it is empty or malformed."""
    tokens = _lex(text or "")
    if not tokens:
        raise QueryError("the query is empty")
    pos = 0

    def peek() -> str | None:
        return tokens[pos][0] if pos < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def or_expr() -> Node:
        items = [and_expr()]
        while peek() == "OR":
            take()
            items.append(and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr() -> Node:
        items = [unary()]
        while peek() not in (None, "OR", "close"):
            if peek() == "AND":
                take()
            items.append(unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary() -> Node:
        kind = peek()
        if kind in ("NOT", "minus"):
            take()
            return Not(unary())
        return atom()

    def atom() -> Node:
        kind, value = take() if pos < len(tokens) else (None, "")
        if kind == "open":
            inner = or_expr()
            if peek() != "close":
                raise QueryError("a bracket is opened and never closed")
            take()
            return inner
        if kind == "phrase":
            words = words_of(value)
            if not words:
                raise QueryError(f'the phrase "{value}" has no words')
            return Phrase(tuple(words)) if len(words) > 1 else Term(words[0])
        if kind == "word":
            if value.endswith("*"):
                words = words_of(value.rstrip("*"))
                if len(words) != 1:
                    raise QueryError(f"{value}: a prefix* needs one word before the star")
                return Prefix(words[0])
            words = words_of(value)
            if not words:
                raise QueryError(f"{value!r} has no letters or digits to search for")
            return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))
        if kind is None:
            raise QueryError("the query ends where a word was expected")
        raise QueryError(f"{value or kind!r} where a word was expected")

    node = or_expr()
    if pos < len(tokens):
        raise QueryError(f"unexpected {tokens[pos][1]!r} (a closing bracket without an opening one?)")
    if _only_negative(node):
        raise QueryError("the query only says what to leave out; add what to look for")
    return node


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
def _stemmer():
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


# --- the index ------------------------------------------------------------------------------------

def index_path(db: str | os.PathLike[str]) -> Path:
    """Where the warehouse's search index lives: a folder beside the DuckDB file (one index for the
    warehouse and its published snapshot)."""
    from warehouse import main_path

    db = main_path(db)
    return db.with_name(db.name + INDEX_SUFFIX)


def schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    # id: the article_id as a raw term, to delete a replaced article by. key: the same 16 hex digits
    # as a number in a fast column: matches come back as keys, sorted by it, with no stored document
    # read (ordering by the text column instead took 2.9 s for 208k matches at 1M; this, 0.05 s).
    builder.add_text_field("id", tokenizer_name="raw", stored=False)
    builder.add_unsigned_field("key", fast=True, indexed=False)
    builder.add_text_field("text", stored=False)   # headline and body, default tokenizer, positions
    return builder.build()


def article_key(article_id: str) -> int:
    """An article_id (16 hex digits, etl/records.py) as the index's number."""
    return int(article_id, 16)


def article_id_of(key: int) -> str:
    return f"{key:016x}"


def document_text(title: str | None, body: str | None) -> str:
    return f"{title or ''}\n{body or ''}"


def open_index(db: str | os.PathLike[str]):
    """The warehouse's search index, or None when it has none yet (a load builds it)."""
    import tantivy

    folder = index_path(db)
    if not (folder / "meta.json").exists():
        return None
    return tantivy.Index.open(str(folder))


def expand(node: Node, searcher, word_forms: bool = False) -> Node:
    """Resolve prefixes (and, with word_forms, plain words) into the index terms they stand for."""
    if isinstance(node, Prefix):
        terms = [t for t, _ in searcher.terms_with_prefix("text", node.start)] if node.start else []
        if len(terms) > MAX_EXPANSION:
            raise QueryError(f"{node.start}* matches {len(terms):,} different words; make the prefix longer")
        return AnyOf(tuple(terms), f"{node.start}*")
    if isinstance(node, Term) and word_forms and node.word.isalpha() and len(node.word) >= 3:
        root = stem(node.word)
        found = [w for w in candidate_forms(root) if searcher.doc_freq("text", w)]
        # PySastrawi alone misses some (it stems penegakan to tega); a form generated from a root of
        # five letters or more is taken as it is, a shorter root's must also stem back to it (beban
        # is no form of ban).
        forms = sorted({w for w in found if w == node.word or len(root) >= MIN_GENERATED_ROOT or stem(w) == root}
                       | {node.word})
        return AnyOf(tuple(forms), f"{node.word}~")
    if isinstance(node, And):
        return And(tuple(expand(i, searcher, word_forms) for i in node.items))
    if isinstance(node, Or):
        return Or(tuple(expand(i, searcher, word_forms) for i in node.items))
    if isinstance(node, Not):
        return Not(expand(node.item, searcher, word_forms))
    return node


def to_tantivy(node: Node, schema_):
    """The tantivy query of an expanded tree."""
    import tantivy

    Q, Occur = tantivy.Query, tantivy.Occur
    if isinstance(node, Term):
        return Q.term_query(schema_, "text", node.word)
    if isinstance(node, AnyOf):
        return Q.term_set_query(schema_, "text", list(node.words)) if node.words else Q.empty_query()
    if isinstance(node, Phrase):
        return Q.phrase_query(schema_, "text", list(node.words))
    if isinstance(node, Prefix):
        raise ValueError("expand() the query first")
    if isinstance(node, Or):
        return Q.boolean_query([(Occur.Should, to_tantivy(i, schema_)) for i in node.items])
    if isinstance(node, Not):
        return Q.boolean_query([(Occur.Must, Q.all_query()), (Occur.MustNot, to_tantivy(node.item, schema_))])
    if isinstance(node, And):
        clauses = [(Occur.MustNot, to_tantivy(i.item, schema_)) if isinstance(i, Not)
                   else (Occur.Must, to_tantivy(i, schema_)) for i in node.items]
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, Q.all_query()))
        return Q.boolean_query(clauses)
    raise TypeError(node)


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


@dataclass(frozen=True)
class Matches:
    query: str
    expanded: Node
    ids: list[str]          # article_ids of every matching article, sorted


def search(index, text: str, word_forms: bool = False) -> Matches:
    """Every article the query matches; QueryError for a query that cannot be read."""
    node = parse(text)
    index.reload()
    searcher = index.searcher()
    expanded = expand(node, searcher, word_forms)
    if not searcher.num_docs:
        return Matches(text, expanded, [])
    hits = searcher.search(to_tantivy(expanded, index.schema), limit=searcher.num_docs, count=False,
                           order_by_field="key").hits
    return Matches(text, expanded, [article_id_of(key) for key, _ in hits])
