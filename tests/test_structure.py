"""The shape of the code: no import cycle among the project's modules (imports inside functions
counted too, as they only hide a cycle), and every module importable first in a fresh interpreter
(five dashboard modules raised ImportError that way while queries.py and its parts imported each
other)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("etl", "warehouse", "dashboard")


def _modules(packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    out = {}
    for path in sorted(p for package in packages for p in (ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports anywhere in its file (top level or inside a function)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found.update(t for t in [target] + [f"{target}.{a.name}" for a in node.names] if t in known)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
    found.discard(name)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_walk_finds_a_cycle_where_there_is_one(tmp_path):
    # The checker itself: two modules importing each other, one of them inside a function.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("from .b import f\n")
    (tmp_path / "pkg" / "b.py").write_text("def f():\n    from . import a\n")
    known = {"pkg", "pkg.a", "pkg.b"}
    paths = {"pkg": tmp_path / "pkg" / "__init__.py", "pkg.a": tmp_path / "pkg" / "a.py", "pkg.b": tmp_path / "pkg" / "b.py"}
    graph = {m: _imports(m, p, known) for m, p in paths.items()}
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_import_cycle_among_the_projects_modules():
    modules = _modules()
    graph = {m: _imports(m, p, set(modules)) for m, p in modules.items()}
    assert _cycles(graph) == []


# One interpreter forks a child per module, each importing only that module first: the third-party
# libraries are loaded once beforehand (they cannot hide an ordering fault of ours), so the check
# costs a fraction of a fresh interpreter per module.
_HARNESS = """
import importlib, os, sys, traceback
for heavy in ("duckdb", "pandas", "numpy", "pyarrow", "plotly.express", "streamlit", "tantivy", "ahocorasick", "babel"):
    try:
        importlib.import_module(heavy)
    except ImportError:
        pass
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        failed.append(name)
print("FAILED " + " ".join(failed) if failed else "OK")
"""


def test_every_module_imports_first_in_a_fresh_interpreter():
    modules = sorted(m for m in _modules() if not m.endswith("__main__"))
    done = subprocess.run([sys.executable, "-c", _HARNESS, *modules], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "OK", done.stdout[-500:] + done.stderr[-3000:]
