"""Long articles (issue 11): extraction time per character from 10 kB to 5 MB, and the load of one
5 MB and one 50 MB page.

Run:  .venv/bin/python bench/long_articles.py [--sizes 10000,100000,1000000,5000000] [--load 5,50]

The text is real: the bodies of ../shared/corpus/pages joined (6.3 MB), cut to each size; and, as
the worst case for names repeated many times, one sentence repeated. `extract_article` is timed
whole (no limit), after one warm-up call, in this process; the per-character figure should stay flat
(it grew with the square of the length before). The loads go through `load_paths` with its limits
(etl/extract.py: SCAN_CHARS and the rest): the article is kept whole and reported as not fully scanned.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = ROOT.parent / "shared" / "corpus" / "pages"


def real_text() -> str:
    from etl.page_parser import parse_page

    return "\n\n".join(parse_page(p.read_text(encoding="utf-8")).body for p in sorted(PAGES.rglob("*.txt")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,50000,100000,500000,1000000,2000000,5000000")
    ap.add_argument("--load", default="5,50", help="page sizes to load, in MB")
    args = ap.parse_args()
    if not PAGES.is_dir():
        print(f"skipped: {PAGES} is not there")
        return 0
    from etl.extract import extract_article
    from etl.load import load_paths

    real = real_text()
    repeated = "Presiden Joko Widodo meresmikan jembatan di Jakarta bersama Menteri Basuki Hadimuljono. " * 60_000
    extract_article("Presiden Joko Widodo", None, "Presiden Joko Widodo di Jakarta.", [])
    print("extract_article, whole text, one call:")
    for label, source in (("real text", real), ("one sentence repeated", repeated)):
        for n in (int(s) for s in args.sizes.split(",")):
            body = (source * (1 + n // len(source)))[:n]
            t = time.perf_counter()
            extract_article("Judul", None, body, [])
            seconds = time.perf_counter() - t
            print(f"  {label:<22} {n:>10,} chars  {seconds:7.2f} s  {seconds / n * 1e6:5.1f} us/char", flush=True)
    print("load_paths of one page (title + body), one worker:")
    for mb in (float(s) for s in args.load.split(",")):
        n = int(mb * 1_000_000)
        work = Path(tempfile.mkdtemp(prefix="media-long-"))
        try:
            page = work / "big.txt"
            page.write_text("Presiden Joko Widodo Tinjau Proyek Besar\n" + (real * (1 + n // len(real)))[:n], encoding="utf-8")
            t = time.perf_counter()
            report = load_paths([page], db=work / "w.duckdb", progress=False, workers=1)
            seconds = time.perf_counter() - t
            print(f"  {mb:g} MB page: {seconds:.1f} s, {report.added} article added, remarks {dict(report.warned)}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
