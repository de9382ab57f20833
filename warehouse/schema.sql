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
    kind            VARCHAR NOT NULL,   -- person | organization | place | country | topic
    entity          VARCHAR NOT NULL,   -- the entity's canonical name (see entities)
    entity_code     VARCHAR,            -- ISO 3166-1 alpha-2 for countries and places, IPTC code for topics
    n               INTEGER NOT NULL,
    event_date      DATE,               -- copies kept here so that charts need no join:
    outlet          VARCHAR,            --   published_date (observed_date for trending), outlet
    story_id        VARCHAR,            --   and story_id of the article
    name            VARCHAR,            -- the name as this article writes it (`Prabowo`, `KPK`)
    entity_id       BIGINT              -- the entity (entities.entity_id)
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
    rows_rejected       INTEGER,            -- rows that could not be used (see load_errors)
    extractor           VARCHAR             -- fingerprint of the extraction code, models and lexicons
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

-- The entity registry, rebuilt at the end of every load (etl/registry.py): one row per person,
-- organisation, place, country and topic, with the names it goes by and its totals.
CREATE TABLE IF NOT EXISTS entities (
    entity_id       BIGINT NOT NULL,    -- stable: a hash of kind and canonical name
    kind            VARCHAR NOT NULL,
    entity          VARCHAR NOT NULL,   -- canonical name
    entity_code     VARCHAR,            -- ISO code (countries; the country of a place), IPTC code (topics)
    region          VARCHAR,            -- places: the Indonesian province, where known
    aliases         VARCHAR[],          -- the names articles use for it, most used first
    items           BIGINT NOT NULL,    -- articles and trending entries that mention it
    articles        BIGINT,             -- articles that mention it in title, caption or body
    occurrences     BIGINT,
    first_date      DATE,
    last_date       DATE
);

-- Every name the registry knows, with its entity (names from the lexicons included).
CREATE TABLE IF NOT EXISTS entity_aliases (
    kind            VARCHAR NOT NULL,
    alias           VARCHAR NOT NULL,
    entity_id       BIGINT NOT NULL,
    entity          VARCHAR NOT NULL,
    region          VARCHAR,
    articles        BIGINT,             -- articles using this name (0: known from a lexicon only)
    reason          VARCHAR             -- why the name belongs to the entity ("canonical name" for its own)
);

-- Rollups for the dashboard, rebuilt at the end of every load (etl/rollups.py): per day, outlet,
-- source ('article' or 'trending') and entity, how many items mention it (articles, or trending
-- items: a headline of an outlet on a day); and how many items there are in all.
CREATE TABLE IF NOT EXISTS daily_entities (
    event_date      DATE NOT NULL,
    outlet          VARCHAR,
    source          VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    entity          VARCHAR NOT NULL,
    entity_id       BIGINT,
    entity_code     VARCHAR,
    items           BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS daily_items (
    event_date      DATE NOT NULL,
    outlet          VARCHAR,
    source          VARCHAR NOT NULL,
    items           BIGINT NOT NULL
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
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS name VARCHAR;
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS entity_id BIGINT;
DROP TABLE IF EXISTS entity_totals;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS run_id INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS rows_seen INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS duplicates INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS rows_rejected INTEGER;
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS extractor VARCHAR;
ALTER TABLE load_errors ADD COLUMN IF NOT EXISTS row_number INTEGER;
ALTER TABLE load_errors ADD COLUMN IF NOT EXISTS reason VARCHAR;
ALTER TABLE entity_aliases ADD COLUMN IF NOT EXISTS reason VARCHAR;
