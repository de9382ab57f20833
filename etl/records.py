"""Turn one input (a page file with its metadata) into the rows the warehouse stores."""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from .dates import JAKARTA, MIN_YEAR, infer_published_date, local_day, parse_date_string, within_calendar
from .extract import HEADLINE_CHARS, SCAN_CHARS, Mention, MentionCount, count_mentions, extract_article_within_limits
from .page_parser import PageRecord, parse_article_text, parse_page
from .registry import entity_id
from .text_clean import clean_field

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


def normalize_url(url: str) -> str:
    """Scheme, `www.`, a trailing `/amp` and tracking parameters do not make a different article."""
    parts = urlsplit(url.strip())
    host = re.sub(r"^(?:www\d?|amp|m|mobile)\.", "", parts.netloc.lower().split("@")[-1].removesuffix(":80").removesuffix(":443"))
    path = re.sub(r"/amp/?$|^/amp(?=/)", "", parts.path).rstrip("/")
    query = "&".join(
        q for q in parts.query.split("&") if q and not re.match(r"(utm_\w+|fbclid|gclid|amp|page|ref|source|src|_ga)(=|$)", q)
    )
    return f"{host}{path}" + (f"?{query}" if query else "")


def outlet_from_url(url: str) -> str | None:
    """The site an article is from: its domain under the public suffix (`news.detik.com` ->
    `detik.com`, `smkn1.sch.id` -> `smkn1.sch.id`), from the public-suffix list snapshot bundled with
    tldextract (never fetched). A host under no listed suffix keeps its last two labels."""
    host = urlsplit(url).netloc.lower().split("@")[-1].split(":")[0].removeprefix("www.")
    return _site(host) if host else None


@lru_cache(maxsize=65536)
def _site(host: str) -> str:
    parts = _suffixes()(host)
    site = parts.top_domain_under_public_suffix
    return site or ".".join(host.split(".")[-2:])


@lru_cache(maxsize=1)
def _suffixes() -> Any:  # a tldextract.TLDExtract
    import tldextract

    # suffix_list_urls=() and no cache: the bundled snapshot only, nothing fetched or written.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


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
    except RecursionError as exc:
        raise ValueError(f"{meta_path.name}: nested too deeply to read") from exc
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_path.name}: expected a JSON object")
    for key in META_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{meta_path.name}: {key!r} must be text, not {type(value).__name__} ({_short(value)})")
    return meta


META_KEYS = ("url", "outlet", "fetched_at", "published")
READ_AS_KEY = "_read_as"   # set by the loader (never from a file): the encoding a page was read in


def _short(value: object, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _parse_fetched_at(value: object) -> tuple[datetime | None, str | None]:
    """(the moment, a remark): a fetched_at that cannot be read loses the fetch time, not the page."""
    if not value:
        return None, None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None, f"fetched_at not readable (not an ISO date-time): {_short(value)}"
    moment = within_calendar(dt if dt.tzinfo else dt.replace(tzinfo=JAKARTA))
    if moment is None:
        return None, f"fetched_at out of range: {_short(value)}"
    assert isinstance(moment, datetime)
    return moment, None


def bundle_from_page(text: str, source_path: str, meta: dict, today: date | None = None,
                     evidence: bool = True) -> ArticleBundle:
    """Parse, date and extract one page; a pure function of its inputs. evidence=False leaves out the
    offsets of each occurrence (a load keeps them only when asked)."""
    page = parse_page(text)
    url = (meta.get("url") or "").strip() or None
    dropped = None
    if url and not web_address(url):
        # Only web addresses are kept: a `javascript:` or `file:` URL would become a link in the page.
        dropped, url = f"url {url[:60]!r} is not a web address (http or https); not kept", None
    fetched_at, fetched_remark = _parse_fetched_at(meta.get("fetched_at"))
    guess = infer_published_date(
        [page.title[:HEADLINE_CHARS], (page.caption or "")[:SCAN_CHARS], page.body[:SCAN_CHARS]],
        published_raw=meta.get("published") or meta.get("published_at") or meta.get("published_date"),
        fetched_at=fetched_at,
        today=today,
    )
    bundle = _assemble(page, url, meta.get("outlet"), guess.published_date, guess.date_source, fetched_at, source_path,
                       evidence=evidence)
    if dropped:
        bundle.warnings.append(dropped)
    if fetched_remark:
        bundle.warnings.append(fetched_remark)
    if meta.get(READ_AS_KEY):
        bundle.warnings.append(f"encoding: {meta[READ_AS_KEY]}")
    return bundle


WEB_SCHEMES = ("http://", "https://", "www.")
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_][\w-]*[^\W_]", re.UNICODE)


def web_address(url: str) -> bool:
    """Is it an http(s) address with a host name (`www.` counts as http)? `www.javascript:alert(1)`
    began like one and was kept: the host must be a dotted name, and the port a number."""
    text = url.strip()
    low = text.lower()
    if not low.startswith(WEB_SCHEMES):
        return False
    try:
        parts = urlsplit(text if low.startswith(("http://", "https://")) else "http://" + text)
        port = parts.port  # raises ValueError when what follows the host's colon is no number
    except ValueError:
        return False
    host = parts.hostname or ""
    return port != 0 and bool(_HOST.fullmatch(host) or re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host))


class RowRejected(ValueError):
    """An export row that cannot become an article; the message is the reason, counted per reason."""


def bundle_from_row(
    fields: dict[str, str], source_path: str, dayfirst: bool = True, today: date | None = None,
    evidence: bool = True,
) -> ArticleBundle:
    """One export row (fields as named in columns.py) -> an article. Dates are read, never guessed."""
    page = parse_article_text(fields.get("title", ""), fields.get("body", "") or fields.get("summary", ""))
    if not page.title and not page.body:
        raise RowRejected("no title or text")
    url = (fields.get("url") or "").strip() or None
    dropped = None
    if url and not web_address(url):
        dropped, url = f"url {url[:60]!r} is not a web address (http or https); not kept", None
    fetched_at: datetime | None = None
    fetched_remark = None
    if fields.get("fetched_at"):
        parsed = parse_date_string(fields["fetched_at"])
        moment = within_calendar(_as_moment(parsed)) if parsed is not None else None
        fetched_at = moment if isinstance(moment, datetime) else None
        if fetched_at is None:
            fetched_remark = f"fetched_at not readable: {_short(fields['fetched_at'])}"
    published, source, warning = read_published(fields.get("date", ""), fields.get("time", ""), fetched_at, dayfirst, today)
    bundle = _assemble(page, url, fields.get("outlet"), published, source, fetched_at, source_path,
                       category=fields.get("category"), author=fields.get("author"), evidence=evidence)
    if warning:
        bundle.warnings.append(warning)
    if fetched_remark:
        bundle.warnings.append(fetched_remark)
    if dropped:
        bundle.warnings.append(dropped)
    return bundle


def read_published(
    raw_date: str, raw_time: str, fetched_at: datetime | None, dayfirst: bool = True, today: date | None = None
) -> tuple[date | None, str, str | None]:
    """(publish day, date_source, warning): a missing or unreadable date is reported, never guessed."""
    raw = " ".join(raw_date.split())
    if not raw:
        return None, "missing", "no date"
    if raw_time.strip() and not re.search(r"\d[:.]\d\d", raw):
        raw = f"{raw} {raw_time.strip()}"
    parsed = parse_date_string(raw, reference=fetched_at, dayfirst=dayfirst)
    if parsed is None:
        return None, "unreadable", f"date not readable: {raw[:60]!r}"
    day = local_day(parsed)
    bound = today or datetime.now(JAKARTA).date()
    if fetched_at is not None:
        bound = min(bound, local_day(fetched_at) + timedelta(days=1))
    if day.year < MIN_YEAR or day > bound:
        return None, "unreadable", f"date out of range: {raw[:60]!r}"
    return day, "metadata", None


def _as_moment(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=JAKARTA)
    return datetime(value.year, value.month, value.day, 12, tzinfo=JAKARTA)


def _assemble(
    page: PageRecord,
    url: str | None,
    outlet: str | None,
    published: date | None,
    date_source: str,
    fetched_at: datetime | None,
    source_path: str,
    category: str | None = None,
    author: str | None = None,
    evidence: bool = True,
) -> ArticleBundle:
    outlet = outlet_name(outlet, url)
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
        "published_date": published,
        "date_source": date_source,
        "source_path": source_path,
        "category": clean_field(category),
        "author": clean_field(author),
        "title_key": title_key(page.title),
        "body_sig": body_signature(page.body),
    }
    observed = local_day(fetched_at) if fetched_at else published
    trending = [{"article_id": article_id, "rank": t.rank, "headline": t.headline, "observed_date": observed} for t in page.trending]
    mentions, remarks = extract_article_within_limits(
        page.title, page.caption, page.body, [(t.rank, t.headline) for t in page.trending], page.dateline)
    mentions = [m for m in mentions if not _self_mention(m, outlet)]
    return ArticleBundle(
        article=article,
        trending=trending,
        mentions=[_count_row(article_id, c) for c in count_mentions(mentions)],
        # Left out unless the load keeps them: built and sent back for every occurrence, they were
        # a third of what a worker sent the writer (6.9 KB an article, 4.6 without), to be dropped there.
        evidence=[_evidence_row(article_id, m) for m in mentions] if evidence else [],
        fetched_at=fetched_at,
        warnings=list(page.warnings) + remarks,
    )


def _self_mention(m: Mention, outlet: str | None) -> bool:
    """An outlet naming itself ("Dilansir detikSumut" on detik.com, "Liputan6.com" on liputan6.com)
    is a byline, not an organisation in the story."""
    if m.kind != "organization" or not outlet:
        return False
    brand = outlet.split(".")[0].lower()
    name = "".join(c for c in m.entity.lower() if c.isalnum())
    return len(brand) >= 4 and (name.startswith(brand) or (len(name) >= 4 and brand.startswith(name)))


def outlet_name(given: str | None, url: str | None) -> str | None:
    """The outlet as a site name: `www.kapanlagi.com` -> `kapanlagi.com`, `Detik` with a detik URL -> `detik.com`."""
    from_url = outlet_from_url(url) if url else None
    given = (clean_field(given) or "").lower().removeprefix("www.")
    if from_url and (not given or "." not in given or given.endswith(from_url)):
        return from_url
    if given and "." in given:
        return outlet_from_url("http://" + given) or given
    return given or from_url


_TITLE_NOISE = re.compile(r"\s+[-|–—]\s+[\w .]{2,30}$")


def title_key(title: str) -> str | None:
    """A headline reduced for matching copies: case, punctuation and a trailing ` - Outlet` go."""
    if not title:
        return None
    t = _TITLE_NOISE.sub("", title.lower())
    t = " ".join(re.findall(r"\w+", t))
    return hashlib.sha1(t.encode("utf-8")).hexdigest()[:16] if t else None


SIGNATURE_SIZE = 16
_P = (1 << 61) - 1  # a Mersenne prime for the universal hash family
# The hash family's constants, written out: they were drawn once (numpy's default_rng(20250601)),
# and must never change with a library release, or stored signatures would stop matching new ones.
_A = np.array([1893201106, 2085838934, 1286309633, 1700690870, 212100788, 1299815805, 1493567160, 144953071,
               846314979, 848008665, 2089878147, 560354980, 2036135339, 1902507476, 93129117, 537967093],
              dtype=np.uint64)
_B = np.array([1859858651, 1011992522, 275949035, 1937706233, 2110968860, 431136298, 1682274321, 803133667,
               1611407296, 1305360418, 541591122, 1880117399, 2045448713, 76268906, 377159479, 1924190469],
              dtype=np.uint64)
assert len(_A) == len(_B) == SIGNATURE_SIZE


def body_signature(body: str) -> list[int] | None:
    """MinHash of the body's word 3-shingles: the share of equal slots estimates Jaccard similarity.
    Of the first SCAN_CHARS characters only: copies of one report agree there as well."""
    words = body[:SCAN_CHARS].lower().split()
    if len(words) < 3:
        return None
    shingles = {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:])}
    # map over builtins, not a generator: 18% less time for the same hashes.
    h = np.fromiter(map(zlib.crc32, map(str.encode, shingles)), dtype=np.uint64, count=len(shingles))
    # (a*h + b) mod p per slot; a, h < 2^32 keep the product inside 64 bits.
    permuted = (_A[:, None] * h[None, :] + _B[:, None]) % np.uint64(_P)
    return [int(v) & 0xFFFFFFFF for v in permuted.min(axis=1)]


def signature_similarity(a: list[int] | None, b: list[int] | None) -> float:
    if not a or not b:
        return 1.0 if not a and not b else 0.0
    return sum(x == y for x, y in zip(a, b)) / len(a)


def _count_row(article_id: str, c: MentionCount) -> dict:
    # entity starts as the name the article uses; the registry re-points it at the end of the load.
    return {
        "article_id": article_id, "part": c.part, "trending_rank": c.trending_rank, "kind": c.kind,
        "entity": c.entity, "entity_code": c.entity_code, "n": c.n, "name": c.entity,
        "entity_id": entity_id(c.kind, c.entity),
    }


def _evidence_row(article_id: str, m: Mention) -> dict:
    return {
        "article_id": article_id, "part": m.part, "trending_rank": m.trending_rank, "kind": m.kind,
        "entity": m.entity, "start_offset": m.start, "end_offset": m.end,
    }
