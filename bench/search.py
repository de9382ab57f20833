"""Search benchmark (issue 10): a three-word boolean query to its chart, on a real warehouse.

Run:  .venv/bin/python bench/search.py --db WAREHOUSE [--runs 5] [--no-browser]

Two figures, median of --runs:
- in Python: the index search plus the chart's query (series_over_time over the default date range:
  matching articles per period, all articles per period, share), each query run --runs times;
- in the browser (Debian's headless Chromium against `streamlit run`, every request off 127.0.0.1
  blocked): on an open Search page, from committing a query (Ctrl+Enter) until its chart's line is
  drawn, and until the run has ended (the whole page: top actors, words, sample articles). Each run types a different query, so the server's caches never hold
  it: every run is a cold search.
Also printed: the index's size per article. A warehouse made before the index existed gets one with
`python -m etl index --db WAREHOUSE`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import CHROMIUM, block_external, run_ended, start_server  # noqa: E402

QUERIES = [
    "korupsi AND (kpk OR kejaksaan)",
    "banjir AND (jakarta OR bekasi)",
    "presiden AND (prabowo OR jokowi)",
    "harga AND (beras OR cabai)",
    "timnas AND (indonesia OR garuda)",
    "pemilu AND (kpu OR bawaslu)",
    "gempa AND (bmkg OR tsunami)",
    "sekolah AND (guru OR siswa)",
    "polisi AND (narkoba OR sabu)",
    "ekspor AND (nikel OR batubara)",
    "haji AND (kuota OR jemaah)",
    "listrik AND (pln OR tarif)",
    "jalan AND (tol OR macet)",
    "pajak AND (ppn OR djp)",
    "rumah AND (sakit OR pasien)",
    "pangan AND (bulog OR impor)",
    "israel AND (gaza OR palestina)",
    "sepak AND (bola OR liga)",
    "kereta AND (kai OR stasiun)",
    "minyak AND (goreng OR pertamina)",
]


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def python_figures(db: Path, runs: int) -> None:
    from dashboard import queries, search_queries
    from warehouse import search

    index = search.open_index(db)
    ov = queries.overview(db)
    first, last = queries.default_range(ov)
    f = queries.Filters(start=first, end=last, interval=queries.auto_interval(first, last))
    size = folder_bytes(search.index_path(db))
    print(f"warehouse: {db} ({ov['articles']:,} articles); index {size / 1e6:,.0f} MB, "
          f"{size / max(ov['articles'], 1):,.0f} bytes/article")
    print(f"in Python, median of {runs} (search | chart query | both):")
    for text in QUERIES[:3]:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            found = search.search(index, text)
            t1 = time.perf_counter()
            series = search_queries.series_over_time(db, f, [(text, found.ids)])
            t2 = time.perf_counter()
            times.append((t1 - t0, t2 - t1, t2 - t0))
        med = [statistics.median(t[i] for t in times) * 1000 for i in range(3)]
        print(f"  {text!r}: {len(found.ids):,} matches, {int(series['items'].sum()):,} in range; "
              f"{med[0]:,.0f} | {med[1]:,.0f} | {med[2]:,.0f} ms")


def browser_figures(db: Path, runs: int, warm: bool = False) -> None:
    from playwright.sync_api import sync_playwright

    log = Path(tempfile.mkdtemp(prefix="media-search-")) / "streamlit.log"
    proc, url = start_server(db, log)
    times, external = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for run in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})

                blocked = block_external(context)
                page = context.new_page()
                page.goto(url + "/search")
                page.get_by_text("How to write a query").wait_for(timeout=120_000)
                # the page has drawn its chart of all articles (what a user sees before typing)
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.js-plotly-plot .legendtext')].some(t => t.textContent === 'All articles')",
                    timeout=120_000, polling=20)
                run_ended(page)
                # every query typed in this benchmark is a new one: the server's caches never hold it
                offset = 5 + 2 * runs if warm else 0
                text = QUERIES[(offset + run) % len(QUERIES)]
                box = page.get_by_label("Queries, one per line (up to 5, each its own series)")
                if warm:
                    # the user's second query on the page
                    box.fill(QUERIES[(5 + run) % len(QUERIES)])
                    page.keyboard.press("Control+Enter")
                    page.wait_for_function(
                        "(q) => [...document.querySelectorAll('.js-plotly-plot .legendtext')].some(t => t.textContent === q)",
                        arg=QUERIES[(5 + run) % len(QUERIES)], timeout=120_000, polling=20)
                    run_ended(page)
                box.fill(text)
                t = time.perf_counter()
                page.keyboard.press("Control+Enter")
                # this query's chart drawn (its legend names the query; an earlier chart stays on screen
                # until the new one replaces it)
                page.wait_for_function(
                    "(q) => [...document.querySelectorAll('.js-plotly-plot .legendtext')].some(t => t.textContent === q)"
                    " && document.querySelectorAll('.js-plotly-plot .scatterlayer path.js-line, .js-plotly-plot .barlayer path').length > 0",
                    arg=text, timeout=120_000, polling=20)
                chart = time.perf_counter() - t
                # the last section of the page (sample articles) is this query's
                page.wait_for_function(
                    "(q) => [...document.querySelectorAll('h3')].some(h => h.textContent.includes('Articles matching') && h.textContent.includes(q))",
                    arg=text, timeout=120_000, polling=20)
                run_ended(page)
                times.append((text, chart, time.perf_counter() - t - 0.15))  # run_ended's 0.15 s of quiet is not the user's wait
                external.extend(blocked)
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"in the browser, {'a second' if warm else 'the first'} query on the page, from committing it, median of {runs}: its chart drawn "
          f"{statistics.median(c for _, c, _ in times) * 1000:,.0f} ms; the whole page (top actors, words, "
          f"sample articles) {statistics.median(e for _, _, e in times) * 1000:,.0f} ms")
    for text, c, e in times:
        print(f"  {text!r}: chart {c * 1000:,.0f} ms, page {e * 1000:,.0f} ms")
    if external:
        print(f"external requests blocked: {len(external)}: {external[:3]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    python_figures(args.db, args.runs)
    if not args.no_browser:
        if not Path(CHROMIUM).exists():
            print(f"browser figures skipped: {CHROMIUM} not installed")
        else:
            browser_figures(args.db, args.runs)
            browser_figures(args.db, args.runs, warm=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
