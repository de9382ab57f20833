"""Screenshot a running dashboard with Debian's chromium: python scripts/screenshot.py URL OUT.png"""
import sys

from playwright.sync_api import sync_playwright

url, out = sys.argv[1], sys.argv[2]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(url)
    page.get_by_text("Matching articles").wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    page.screenshot(path=out)
    browser.close()
