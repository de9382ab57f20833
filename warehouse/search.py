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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.query_language import (  # noqa: F401  (the search API: one import for callers)
    MAX_EXPANSION,
    MAX_TOKEN_BYTES,
    MIN_GENERATED_ROOT,
    SQL_TOKENS,
    And,
    AnyOf,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Term,
    candidate_forms,
    describe,
    parse,
    positive_words,
    stem,
    to_sql,
    words_of,
)

INDEX_SUFFIX = ".search"
LAYOUT = "media-monitor search index 2"   # bump when schema() changes: the next load rebuilds the index
LAYOUT_FILE = "LAYOUT"


# --- the index ------------------------------------------------------------------------------------

def index_path(db: str | os.PathLike[str]) -> Path:
    """Where the warehouse's search index lives: a folder beside the DuckDB file (one index for the
    warehouse and its published snapshot)."""
    from warehouse import main_path

    db = main_path(db)
    return db.with_name(db.name + INDEX_SUFFIX)


def schema() -> Any:  # tantivy.Schema (tantivy is imported where it is used)
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


def open_index(db: str | os.PathLike[str]) -> Any:
    """The warehouse's search index, or None when it has none yet (a load builds it)."""
    import tantivy

    folder = index_path(db)
    if not (folder / "meta.json").exists():
        return None
    return tantivy.Index.open(str(folder))


def expand(node: Node, searcher: Any, word_forms: bool = False) -> Node:
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


def to_tantivy(node: Node, schema_: Any) -> Any:
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




@dataclass(frozen=True)
class Matches:
    query: str
    expanded: Node
    ids: list[str]          # article_ids of every matching article, sorted


def search(index: Any, text: str, word_forms: bool = False) -> Matches:
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
