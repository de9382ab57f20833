"""Download clicks during reruns (issue 22): every click must give the file or a visible message.

Run:  .venv/bin/python bench/download_clicks.py [--clicks 150] [--seed 11] [--delay 0.5]

Serves the dashboard on the test fixture's warehouse (seed page and fixture pages), each rerun held
--delay seconds after it read its filters (as on a slow warehouse), in headless Debian chromium.
Then --clicks times: flip the sidebar's Count/Share setting, which starts a rerun, wait a random
0-1.5 s (seeded), and click "Download countries data (CSV)" on whatever the page shows then. Each click
ends as a file, a visible error message, or nothing within 20 s: the last must never happen.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clicks", type=int, default=150)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--delay", type=float, default=0.5)
    args = ap.parse_args()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, _serve
    from tests.dashboard_data import build_dashboard_db

    work = Path(tempfile.mkdtemp(prefix="media-clicks-"))
    db = build_dashboard_db(work / "dash.duckdb")
    rng = random.Random(args.seed)
    got = {"file": 0, "message": 0, "nothing": 0}
    with _serve(db, work / "serve.log", MEDIA_TEST_RERUN_DELAY=str(args.delay)) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(url, timeout=120_000)
        page.get_by_text("Matching articles").wait_for(timeout=120_000)
        sidebar = page.get_by_test_id("stSidebar")
        for k in range(args.clicks):
            sidebar.get_by_role("radiogroup", name="Show").get_by_text("Share" if k % 2 == 0 else "Count",
                                                                        exact=True).click()
            page.wait_for_timeout(rng.uniform(0, 1500))
            errors_before = page.get_by_test_id("stException").count() + page.get_by_test_id("stAlertContainer").count()
            try:
                with page.expect_download(timeout=20_000) as info:
                    page.get_by_role("button", name="Download countries data (CSV)").first.click()
                info.value.save_as(work / f"{k}.csv")
                got["file"] += 1
            except PlaywrightTimeout:
                errors_after = page.get_by_test_id("stException").count() + page.get_by_test_id("stAlertContainer").count()
                got["message" if errors_after > errors_before else "nothing"] += 1
                print(f"click {k + 1}: no file" + (" (a message)" if errors_after > errors_before else ", no message"), flush=True)
        browser.close()
    print(f"{args.clicks} download clicks during reruns (rerun delay {args.delay} s, seed {args.seed}): "
          f"{got['file']} gave the file, {got['message']} a visible message, {got['nothing']} nothing")
    return 1 if got["nothing"] else 0


if __name__ == "__main__":
    sys.exit(main())
