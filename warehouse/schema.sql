-- Tables of the warehouse. articles, trending and mentions are the public contract (see README.md
-- in this folder); the rest are internal and may change.

-- One row per article page or export row, keyed by a hash of its normalised URL (or of its text).
CREATE TABLE IF NOT EXISTS articles (
    article_id      VARCHAR PRIMARY KEY,
    url             VARCHAR,
    outlet          VARCHAR,
    title           VARCHAR NOT NULL,
    caption         VARCHAR,
    photo_credit    VARCHAR,
    dateline        VARCHAR,
    body            VARCHAR,
    published_date  DATE,
    date_source     VARCHAR,
    source_path     VARCHAR,
    category        VARCHAR,            -- as the export gives it (kategori, section)
    author          VARCHAR,
    story_id        VARCHAR,            -- article_id of the first copy of a syndicated story
    title_key       VARCHAR,            -- internal: hash of the normalised headline, to find copies
    body_sig        UINTEGER[]          -- internal: MinHash of the body, to tell copies from namesakes
);

-- One row per item of the "Berita Trending" sidebar seen on a page.
CREATE TABLE IF NOT EXISTS trending (
    article_id      VARCHAR NOT NULL,
    rank            INTEGER NOT NULL,
    headline        VARCHAR NOT NULL,
    observed_date   DATE
);

-- Who, where and what: one row per (article, part, trending rank, kind, entity) with its count.
CREATE TABLE IF NOT EXISTS mentions (
    article_id      VARCHAR NOT NULL,
    part            VARCHAR NOT NULL,   -- title | caption | body | trending
    trending_rank   INTEGER,            -- set only when part = 'trending'
    kind            VARCHAR NOT NULL,   -- person | organization | country | topic
    entity          VARCHAR NOT NULL,
    entity_code     VARCHAR,            -- ISO 3166-1 alpha-2 for countries, IPTC code for topics
    n               INTEGER NOT NULL,
    event_date      DATE,               -- copies kept here so that charts need no join:
    outlet          VARCHAR,            --   published_date (observed_date for trending), outlet
    story_id        VARCHAR             --   and story_id of the article
);

-- Internal: every occurrence with its offsets and sentence, the evidence behind mentions.
CREATE TABLE IF NOT EXISTS mention_evidence (
    article_id      VARCHAR NOT NULL,
    part            VARCHAR NOT NULL,
    trending_rank   INTEGER,
    kind            VARCHAR NOT NULL,
    entity          VARCHAR NOT NULL,
    start_offset    INTEGER NOT NULL,
    end_offset      INTEGER NOT NULL    -- offsets in the part's text (title, caption, body, headline)
);

-- Internal: what was loaded, so that loading the same input again changes nothing.
CREATE TABLE IF NOT EXISTS article_versions (
    article_id      VARCHAR PRIMARY KEY,
    content_hash    VARCHAR NOT NULL,
    fetched_at      TIMESTAMPTZ,
    loaded_at       TIMESTAMPTZ NOT NULL,
    run_id          INTEGER             -- the load that last wrote or met it (same-load duplicates)
);

CREATE SEQUENCE IF NOT EXISTS load_run_ids;

-- Internal: one row per `python -m etl load`.
CREATE TABLE IF NOT EXISTS load_runs (
    run_id              INTEGER PRIMARY KEY,
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ,
    inputs              VARCHAR,
    files_seen          INTEGER,
    articles_added      INTEGER,
    articles_updated    INTEGER,
    articles_unchanged  INTEGER,
    files_failed        INTEGER,
    seconds             DOUBLE,
    rows_seen           INTEGER,            -- pages and export rows read
    duplicates          INTEGER,            -- copies of an article met earlier in the same load
    rows_rejected       INTEGER             -- rows that could not be used (see load_errors)
);

-- Internal: problems of each load (which file and row, why). severity: error (file not loaded),
-- rejected (row not loaded) or warning (loaded, but see message). reason groups messages for counting.
CREATE TABLE IF NOT EXISTS load_errors (
    run_id      INTEGER NOT NULL,
    source_path VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    logged_at   TIMESTAMPTZ NOT NULL,
    row_number  INTEGER,
    reason      VARCHAR
);

-- Internal: per entity, how many items mention it; rebuilt at the end of every load so that the
-- dashboard's picker does not aggregate every mention on each start.
CREATE TABLE IF NOT EXISTS entity_totals (
    kind        VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    items       BIGINT NOT NULL
);

-- Warehouses made before a column existed get it here (DuckDB adds columns in place).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS category VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS author VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS story_id VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS title_key VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS body_sig UINTEGER[];
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS event_date DATE;
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS outlet VARCHAR;
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS story_id VARCHAR;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS run_id INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS rows_seen INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS duplicates INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS rows_rejected INTEGER;
ALTER TABLE load_errors ADD COLUMN IF NOT EXISTS row_number INTEGER;
ALTER TABLE load_errors ADD COLUMN IF NOT EXISTS reason VARCHAR;
