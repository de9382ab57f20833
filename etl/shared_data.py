"""Where the material of `../shared` lies beside a checkout: the public NER sets, the corpus and the
annotated articles. Read only, by evaluation and training; the product itself never needs it."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NER_DIR = SHARED / "benchmarks" / "ner"
PAGES_DIR = SHARED / "corpus" / "pages"
INDOSUM = SHARED / "corpus" / "exports" / "indosum_categories" / "articles.jsonl"
GOLD_DIR = SHARED / "eval" / "gold-dev"
REGISTRY_DIR = SHARED / "eval" / "registry-dev"
