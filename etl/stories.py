"""One story, one count: link syndicated copies (same headline, near-identical body) to one story."""
from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from .records import signature_similarity

# Copies share at least this share of MinHash slots (about that Jaccard similarity of 3-word shingles).
MIN_SIMILARITY = 0.5
# A headline reused after this many days is a new story ("Jadwal Imsakiyah Hari Ini").
MAX_DAYS_APART = 3


def _close_in_time(a: date | None, b: date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= MAX_DAYS_APART


def assign_stories(con: duckdb.DuckDBPyConnection, articles: list[dict]) -> dict[str, str]:
    """article_id -> story_id for a batch: the story of an earlier copy, else the article itself.

    Earlier copies are looked up in the warehouse by headline key, then within the batch in order.
    """
    keys = sorted({a["title_key"] for a in articles if a.get("title_key")})
    candidates: dict[str, list[tuple[str, str, list[int] | None, date | None, str | None]]] = {}
    if keys:
        con.register("batch_title_keys", pa.table({"title_key": keys}))
        ids = [a["article_id"] for a in articles]
        con.register("batch_article_ids", pa.table({"article_id": ids}))
        for key, aid, story, sig, day, outlet in con.execute(
            "SELECT title_key, article_id, coalesce(story_id, article_id), body_sig, published_date, outlet "
            "FROM articles JOIN batch_title_keys USING (title_key) "
            "WHERE article_id NOT IN (SELECT article_id FROM batch_article_ids) ORDER BY published_date, article_id"
        ).fetchall():
            candidates.setdefault(key, []).append((aid, story, sig, day, outlet))
    out: dict[str, str] = {}
    for a in articles:
        story = a["article_id"]
        for _, cand_story, sig, day, _outlet in candidates.get(a.get("title_key") or "", []):
            if _close_in_time(a["published_date"], day) and signature_similarity(a["body_sig"], sig) >= MIN_SIMILARITY:
                story = cand_story
                break
        out[a["article_id"]] = story
        if a.get("title_key"):
            candidates.setdefault(a["title_key"], []).append(
                (a["article_id"], story, a["body_sig"], a["published_date"], a["outlet"])
            )
    return out
