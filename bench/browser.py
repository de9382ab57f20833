"""Browser benchmark: what a user feels, in Debian's headless Chromium against `streamlit run`.

Run:  .venv/bin/python bench/browser.py --db path/to/warehouse.duckdb [--runs 5] [--actor "Prabowo Subianto"]

The warehouse is read as the dashboard reads it (opened read-only by the app); build one with
`python -m etl load ../shared/corpus --db corpus.duckdb` (65k articles) or keep the one of
`bench/scale.py --keep` (1M). Timed, median of --runs, each in a fresh browser page (so a fresh
Streamlit session; the server's data caches stay warm after the first run, as on a real server):
- first usable page: from navigation until the page has run to its end and the lines of its three
  chart panels are drawn (each page in a new browser context: nothing cached in the browser);
- picker: from typing the start of a name into the actor picker until the options show, and which
  option comes first;
- picking an actor, changing the dates, switching count/share: from the click (for the dates: the
  click that commits the typed date) until the rerun ended;
- download: from the click on a chart's download button until the browser has the file.
The first (cold) run is reported apart. Every request that leaves 127.0.0.1 is blocked.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "MEDIA_DB": str(db)}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return proc, url
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit("streamlit did not start:\n" + log.read_text(errors="replace")) from None
            time.sleep(0.3)


def block_external(context) -> list[str]:
    """Abort every request of a Playwright browser context that leaves 127.0.0.1; the returned list
    fills with their URLs (the dashboard must work with the network cut)."""
    external: list[str] = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return external


def run_ended(page, timeout_ms: int = 120_000) -> None:
    """The script run is over: the status widget ("Running...") is gone and stays gone."""
    deadline = time.perf_counter() + timeout_ms / 1000
    quiet_since = None
    while time.perf_counter() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").is_visible()
        now = time.perf_counter()
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= 0.15:
            return
        page.wait_for_timeout(25)
    raise TimeoutError("the page kept running")


def timed(action, until) -> float:
    t = time.perf_counter()
    action()
    until()
    # run_ended waits 0.15 s of quiet to be sure the run is over: not part of what the user waits for.
    return time.perf_counter() - t - 0.15


def busy_actors(db: Path, n: int) -> list[tuple[str, object]]:
    """The n most mentioned actors, each with the last day it is mentioned."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""
        SELECT entity, last_date FROM entities WHERE kind IN ('person', 'organization') ORDER BY items DESC LIMIT ?
    """, [n]).fetchall()
    con.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--typed", default="Prabowo", help="what is typed into the picker")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} not installed")
        return 0
    from playwright.sync_api import sync_playwright

    from dashboard import queries

    ov = queries.overview(args.db)
    actors = busy_actors(args.db, args.runs)
    first, last = queries.default_range(ov)
    log = Path(tempfile.mkdtemp(prefix="media-browser-")) / "streamlit.log"
    proc, url = start_server(args.db, log)
    results: dict[str, list[float]] = {k: [] for k in
                                       ("first usable page", "picker shows options", "pick an actor",
                                        "change dates", "switch to share", "download a chart")}
    first_options: list[str] = []
    external: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for run in range(args.runs):
                context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})

                blocked = block_external(context)
                page = context.new_page()
                sidebar = page.locator("[data-testid='stSidebar']")

                def usable():
                    page.get_by_text("Matching articles").wait_for(timeout=120_000)
                    # the charts drawn (plotly draws after the script has sent them): the third panel's lines
                    page.wait_for_function(
                        "() => { const s = document.querySelectorAll('.js-plotly-plot .cartesianlayer > g.subplot');"
                        " return s.length >= 3 && s[2].querySelectorAll('.scatterlayer path, .barlayer path').length > 0; }",
                        timeout=120_000)
                    run_ended(page)

                results["first usable page"].append(timed(lambda: page.goto(url), usable))

                picker = sidebar.get_by_test_id("stMultiSelect").first

                def type_name():
                    picker.click()
                    page.keyboard.type(args.typed)

                def options_shown():
                    page.get_by_role("option").first.wait_for(timeout=60_000)

                results["picker shows options"].append(timed(type_name, options_shown))
                first_options.append(page.get_by_role("option").first.inner_text())
                page.keyboard.press("Escape")
                page.keyboard.press("Escape")
                run_ended(page)

                actor, actor_last = actors[run % len(actors)]

                def pick():
                    picker.click()
                    page.keyboard.type(actor)
                    page.get_by_role("option", name=actor, exact=True).first.click()
                    page.keyboard.press("Escape")

                def picked():
                    page.get_by_text(f"Showing items mentioning {actor}").wait_for(timeout=120_000)
                    run_ended(page)

                results["pick an actor"].append(timed(pick, picked))

                # A range that ends after the actor's last mention, so that the charts have data.
                start = min(last, actor_last or last) - timedelta(days=30 * (run + 2))

                # Typing the date is the user's time; the wait starts when the field commits (on blur).
                for segment, value in (("year", f"{start:%Y}"), ("month", f"{start:%m}"), ("day", f"{start:%d}")):
                    sidebar.get_by_role("spinbutton", name=f"{segment}, Date range start date").click()
                    page.keyboard.type(value)
                page.keyboard.press("Escape")

                def change_dates():
                    page.get_by_role("heading", name="Indonesian media monitor").click()

                def dates_changed():
                    page.get_by_text(f"from {start:%Y-%m-%d}").first.wait_for(timeout=120_000)
                    run_ended(page)

                results["change dates"].append(timed(change_dates, dates_changed))

                def to_share():
                    sidebar.get_by_text("Share", exact=True).click()

                def shared():
                    # the panels' titles say "share of all the period's ..." once the rerun has drawn them
                    page.wait_for_function(
                        "() => [...document.querySelectorAll('.js-plotly-plot text')].some(t => t.textContent.includes('share of all'))",
                        timeout=120_000)
                    run_ended(page)

                results["switch to share"].append(timed(to_share, shared))

                t = time.perf_counter()
                with page.expect_download(timeout=120_000) as info:
                    page.get_by_role("button", name="Download actors data (CSV)").click()
                info.value.path()
                results["download a chart"].append(time.perf_counter() - t)
                external.extend(blocked)
                context.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"warehouse: {args.db} ({ov['articles']:,} articles, default range {first} to {last})")
    print(f"typed {args.typed!r}: first option offered {first_options[0]!r}"
          + ("" if len(set(first_options)) == 1 else f" (varied: {sorted(set(first_options))})"))
    print(f"median of {args.runs} runs (first, cold run in brackets):")
    for name, times in results.items():
        print(f"  {name:<22} {statistics.median(times) * 1000:8.0f} ms   ({times[0] * 1000:,.0f} ms)")
    if external:
        print(f"external requests blocked: {len(external)}: {external[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
