-- Documented views for analysts and the dashboard (raw tables -> staging -> marts).

-- staging: every mention placed on the calendar. An "item" is what is counted: an article for
-- mentions in its title, caption or body; one sidebar entry for mentions in a trending headline.
CREATE OR REPLACE VIEW mention_events AS
WITH article_mentions AS (
    SELECT
        m.article_id,
        'article'               AS source,
        m.article_id            AS item_id,
        a.published_date        AS event_date,
        a.outlet,
        m.part,
        m.kind,
        m.entity,
        m.entity_code,
        m.n
    FROM mentions AS m
    JOIN articles AS a USING (article_id)
    WHERE m.part <> 'trending'
),
trending_mentions AS (
    SELECT
        m.article_id,
        'trending'              AS source,
        m.article_id || '#' || m.trending_rank AS item_id,
        coalesce(t.observed_date, a.published_date) AS event_date,
        a.outlet,
        m.part,
        m.kind,
        m.entity,
        m.entity_code,
        m.n
    FROM mentions AS m
    JOIN articles AS a USING (article_id)
    LEFT JOIN trending AS t
        ON t.article_id = m.article_id AND t.rank = m.trending_rank
    WHERE m.part = 'trending'
)
SELECT * FROM article_mentions
UNION ALL
SELECT * FROM trending_mentions;

-- mart: per day, source and entity, how many items mention it and how often.
CREATE OR REPLACE VIEW daily_mentions AS
SELECT
    event_date,
    source,
    kind,
    entity,
    entity_code,
    count(DISTINCT item_id) AS items,
    sum(n)                  AS occurrences
FROM mention_events
WHERE event_date IS NOT NULL
GROUP BY ALL;

-- mart: every entity with its totals, for pickers and top-N lists.
CREATE OR REPLACE VIEW entities AS
SELECT
    kind,
    entity,
    any_value(entity_code)  AS entity_code,
    count(DISTINCT item_id) AS items,
    sum(n)                  AS occurrences,
    min(event_date)         AS first_date,
    max(event_date)         AS last_date
FROM mention_events
GROUP BY kind, entity;
