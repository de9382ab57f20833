"""ETL for Indonesian news: parse pages and exports, infer dates, extract mentions, load DuckDB."""
