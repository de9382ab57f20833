"""The project's own annotated articles (README.md beside this file), written out from ../shared."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent


def names() -> list[str]:
    return sorted(p.name for p in HERE.iterdir() if (p / "manifest.jsonl").exists())


def materialize(name: str, shared: Path, target: Path) -> Path:
    """Write set `name` into `target` in gold-dev's layout (articles/ID.txt, ID.meta.json, gold.jsonl)
    from the corpus in `shared`; returns `target`."""
    from ..exports import read_table

    folder = HERE / name
    articles = target / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    tables: dict[str, dict[int, dict[str, str]]] = {}
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        source = shared / m["source"]
        if m["row"] is None:
            text = source.read_text(encoding="utf-8")
        else:
            if m["source"] not in tables:
                tables[m["source"]] = {r.number: r.fields for r in read_table(source)}
            row = tables[m["source"]][m["row"]]
            text = row.get("title", "").strip() + "\n" + row.get("body", "").strip() + "\n"
        (articles / f"{m['id']}.txt").write_text(text, encoding="utf-8")
        (articles / f"{m['id']}.meta.json").write_text(json.dumps({"url": m["url"]}), encoding="utf-8")
    shutil.copy(folder / "gold.jsonl", target / "gold.jsonl")
    return target
