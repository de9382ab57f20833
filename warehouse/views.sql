-- Documented views for analysts and the dashboard (raw tables -> staging -> marts).

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
    -- A sidebar entry is its own item and its own story.
    SELECT
        article_id,
        'trending'              AS source,
        article_id || '#' || trending_rank AS item_id,
        article_id || '#' || trending_rank AS story_id,
        event_date,
        outlet,
        part,
        kind,
        entity,
        entity_code,
        n
    FROM mentions
    WHERE part = 'trending'
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
