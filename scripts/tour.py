"""Screenshots of every page for the README's tour, taken with every request off 127.0.0.1 blocked.

    MEDIA_DB=corpus.duckdb .venv/bin/streamlit run dashboard/app.py --server.port 8611 --server.headless true &
    .venv/bin/python scripts/tour.py http://127.0.0.1:8611 docs/tour

Exits non-zero if a page asked for anything outside the machine or showed an error.
"""
from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.browser import block_external  # noqa: E402

# (file, path and query string, text that shows the page is drawn)
PAGES = [
    ("overview", "?actor=Prabowo+Subianto&dates=2025-01-01&dates=2025-12-31", "Matching articles"),
    ("search", "search?q=korupsi+AND+%28kpk+OR+kejaksaan%29%0A%22makan+bergizi+gratis%22&forms=true"
               "&dates=2024-06-01&dates=2025-12-31", "Articles matching"),
    ("compare", "compare?actor=Prabowo+Subianto&actor=Joko+Widodo&cq=%22makan+bergizi+gratis%22"
                "&dates=2024-01-01&dates=2025-12-31&measure=Share", "Share of voice"),
    ("profile", "profile?actor=Dadan+Hindayana", "Evidence: the sentences that mention it"),
    ("trending", "trending?sidebar_of=detik.com", "Trending against coverage"),
    ("map", "map?dates=2025-01-01&dates=2025-12-31", "Indonesian places by province"),
    ("outlets", "outlets?actor=Prabowo+Subianto&dates=2024-01-01&dates=2025-12-31", "Each outlet's share"),
]


def main() -> int:
    base, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 1000})

        external = block_external(context)
        page = context.new_page()
        for name, path, ready in PAGES:
            page.goto(f"{base}/{path}")
            page.get_by_text(ready).first.wait_for(timeout=120_000)
            page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=120_000)
            page.wait_for_timeout(2500)  # charts and the map finish drawing
            errors = page.locator("[data-testid='stException'], [data-testid='stAlertContentError'], "
                                  "[data-testid='stDialog']").all_inner_texts()
            if errors:
                problems.append(f"{name}: {errors}")
            page.screenshot(path=str(out / f"{name}.png"))
            print(f"{name}: {out / (name + '.png')}")
        browser.close()
    if external:
        problems.append(f"external requests (blocked): {external[:5]}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
