-- Documented views for analysts and the dashboard (raw tables -> staging -> marts).

-- staging: each article's publish date, flagged when it cannot be right: before 1995, or after the
-- day the page was fetched (with a day's slack for time zones). The dashboard leaves flagged dates
-- out of its default range.
CREATE OR REPLACE MACRO date_flag(published, fetched_at) AS
    CASE
        WHEN published < DATE '1995-01-01' THEN 'before 1995'
        WHEN published > CAST(fetched_at AS DATE) + 1 THEN 'after its fetch'
    END;

CREATE OR REPLACE VIEW article_dates AS
SELECT
    a.article_id,
    a.published_date,
    date_flag(a.published_date, v.fetched_at) AS date_flag
FROM articles AS a
LEFT JOIN article_versions AS v USING (article_id);

-- staging: every sidebar entry seen on a page, with the trending item it belongs to. A trending item
-- is one distinct headline of one outlet on one day: the same headline beside 20 pages of that outlet
-- that day is one item seen on 20 pages. Headlines are compared in lower case with punctuation and
-- spacing ignored.
CREATE OR REPLACE VIEW trending_entries AS
WITH entries AS (
    SELECT
        t.article_id,
        t.rank,
        t.headline,
        t.observed_date,
        a.outlet,
        trim(regexp_replace(lower(t.headline), '[\s\p{P}\p{S}]+', ' ', 'g')) AS headline_key
    FROM trending AS t
    LEFT JOIN articles AS a USING (article_id)
)
SELECT
    *,
    't' || left(md5(coalesce(outlet, '') || '|' || coalesce(CAST(observed_date AS VARCHAR), '') || '|' || headline_key), 16)
        AS trending_item_id
FROM entries;

-- mart: trending items (a headline of an outlet on a day), with how many pages it was seen on and at
-- which ranks.
CREATE OR REPLACE VIEW trending_items AS
SELECT
    trending_item_id,
    outlet,
    observed_date,
    mode(headline)                      AS headline,
    headline_key,
    count(DISTINCT article_id)          AS pages,
    min(rank)                           AS best_rank,
    list(DISTINCT rank ORDER BY rank)   AS ranks
FROM trending_entries
GROUP BY trending_item_id, outlet, observed_date, headline_key;

-- mart: trending headlines over time, one row per outlet and headline.
CREATE OR REPLACE VIEW trending_headlines AS
SELECT
    outlet,
    headline_key,
    mode(headline)                      AS headline,
    min(observed_date)                  AS first_seen,
    max(observed_date)                  AS last_seen,
    count(DISTINCT observed_date)       AS days,
    sum(pages)                          AS pages,
    min(best_rank)                      AS best_rank
FROM trending_items
GROUP BY outlet, headline_key;

-- staging: every mention placed on the calendar. An "item" is what is counted: an article for
-- mentions in its title, caption or body; one sidebar entry for mentions in a trending headline.
CREATE OR REPLACE VIEW mention_events AS
WITH article_mentions AS (
    SELECT
        article_id,
        'article'               AS source,
        article_id              AS item_id,
        coalesce(story_id, article_id) AS story_id,
        event_date,
        outlet,
        part,
        kind,
        entity,
        entity_code,
        n
    FROM mentions
    WHERE part <> 'trending'
),
trending_mentions AS (
    -- A trending item (a headline of an outlet on a day, see trending_entries) is its own item and
    -- its own story, however many pages it was seen beside; each entity counts once per item.
    SELECT
        m.article_id,
        'trending'              AS source,
        t.trending_item_id      AS item_id,
        t.trending_item_id      AS story_id,
        m.event_date,
        m.outlet,
        m.part,
        m.kind,
        m.entity,
        m.entity_code,
        m.n
    FROM mentions AS m
    JOIN trending_entries AS t
        ON t.article_id = m.article_id AND t.rank = m.trending_rank
    WHERE m.part = 'trending'
)
SELECT * FROM article_mentions
UNION ALL
SELECT * FROM trending_mentions;

-- mart: articles grouped into stories (syndicated copies of one report across outlets).
CREATE OR REPLACE VIEW stories AS
SELECT
    coalesce(story_id, article_id) AS story_id,
    count(*)                        AS copies,
    count(DISTINCT outlet)          AS outlets,
    min(published_date)             AS first_date,
    arg_min(title, published_date)  AS title,
    list(DISTINCT outlet ORDER BY outlet) AS outlet_list
FROM articles
GROUP BY ALL;

-- mart: per day, source and entity, how many items mention it and how often.
CREATE OR REPLACE VIEW daily_mentions AS
SELECT
    event_date,
    source,
    kind,
    entity,
    entity_code,
    count(DISTINCT item_id) AS items,
    count(DISTINCT story_id) AS stories,
    sum(n)                  AS occurrences
FROM mention_events
WHERE event_date IS NOT NULL
GROUP BY ALL;
