"""Turn one input (a page file with its metadata) into the rows the warehouse stores."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .dates import JAKARTA, infer_published_date, local_day
from .extract import Mention, count_mentions, extract_article
from .page_parser import parse_page

META_SUFFIX = ".meta.json"


@dataclass
class ArticleBundle:
    """Everything the warehouse keeps about one article."""

    article: dict
    trending: list[dict]
    mentions: list[dict]
    evidence: list[dict]
    fetched_at: datetime | None
    warnings: list[str] = field(default_factory=list)

    @property
    def article_id(self) -> str:
        return self.article["article_id"]

    def content_hash(self) -> str:
        payload = json.dumps([self.article, self.trending, self.mentions], default=str, sort_keys=True)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def normalize_url(url: str) -> str:
    """Scheme, `www.`, a trailing `/amp` and tracking parameters do not make a different article."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = re.sub(r"/amp/?$", "", parts.path).rstrip("/")
    query = "&".join(
        q for q in parts.query.split("&") if q and not re.match(r"(utm_\w+|fbclid|gclid|amp|page)=?", q)
    )
    return f"{host}{path}" + (f"?{query}" if query else "")


def outlet_from_url(url: str) -> str | None:
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    if not host:
        return None
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in {"co", "or", "ac", "go", "web", "my"} else 2
    return ".".join(labels[-keep:])


def make_article_id(url: str | None, title: str, body: str) -> str:
    key = normalize_url(url) if url else f"{title}\n{body}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def read_meta(page_path: Path) -> dict:
    """`NAME.meta.json` beside `NAME.txt`: {url, outlet, fetched_at, published}; all optional."""
    meta_path = page_path.with_name(page_path.stem + META_SUFFIX)
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{meta_path.name}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_path.name}: expected a JSON object")
    return meta


def _parse_fetched_at(value) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"fetched_at {value!r} is not an ISO date-time") from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=JAKARTA)


def bundle_from_page(text: str, source_path: str, meta: dict, today: date | None = None) -> ArticleBundle:
    """Parse, date and extract one page; a pure function of its inputs."""
    page = parse_page(text)
    url = meta.get("url") or None
    outlet = meta.get("outlet") or (outlet_from_url(url) if url else None)
    fetched_at = _parse_fetched_at(meta.get("fetched_at"))
    guess = infer_published_date(
        [page.title, page.caption or "", page.body],
        published_raw=meta.get("published") or meta.get("published_at") or meta.get("published_date"),
        fetched_at=fetched_at,
        today=today,
    )
    article_id = make_article_id(url, page.title, page.body)
    article = {
        "article_id": article_id,
        "url": url,
        "outlet": outlet,
        "title": page.title,
        "caption": page.caption,
        "photo_credit": page.photo_credit,
        "dateline": page.dateline,
        "body": page.body,
        "published_date": guess.published_date,
        "date_source": guess.date_source,
        "source_path": source_path,
    }
    observed = local_day(fetched_at) if fetched_at else guess.published_date
    trending = [{"article_id": article_id, "rank": t.rank, "headline": t.headline, "observed_date": observed} for t in page.trending]
    mentions = extract_article(page.title, page.caption, page.body, [(t.rank, t.headline) for t in page.trending])
    return ArticleBundle(
        article=article,
        trending=trending,
        mentions=[_count_row(article_id, c) for c in count_mentions(mentions)],
        evidence=[_evidence_row(article_id, m) for m in mentions],
        fetched_at=fetched_at,
        warnings=list(page.warnings),
    )


def _count_row(article_id: str, c) -> dict:
    return {
        "article_id": article_id, "part": c.part, "trending_rank": c.trending_rank, "kind": c.kind,
        "entity": c.entity, "entity_code": c.entity_code, "n": c.n,
    }


def _evidence_row(article_id: str, m: Mention) -> dict:
    return {
        "article_id": article_id, "part": m.part, "trending_rank": m.trending_rank, "kind": m.kind,
        "entity": m.entity, "start_offset": m.start, "end_offset": m.end, "sentence": m.evidence,
    }
