"""The house's structure, checked: imports flow one way (no cycles, function-local and
type-checking imports included), the library's wings sit on floors that only look down, the
library never reaches into the command line or the app, views do not import each other, and the
committed Plotly bundle is the version the project pins."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import plotly.offline

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "cli", "app", "followup")

# The library's floors, lowest first: a module imports only from its own floor or lower ones.
FLOORS: tuple[tuple[str, ...], ...] = (
    (
        "geo.errors",
        "geo.terms",
        "geo.records",
        "geo.settings",
        "geo.resources",
        "geo.atomic",
        "geo.bounded",
        "geo.norsk",
        "geo.division",
    ),
    ("geo.reading",),
    ("geo.tagging",),
    ("geo.fetch",),
    ("geo.geometry",),
    ("geo.load",),
    ("geo.revisions",),
    ("geo.outputs",),
    ("geo.pipeline",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def modules() -> dict[str, Path]:
    return {
        module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))
    }


def imports(known: dict[str, Path]) -> dict[str, set[str]]:
    """Every module's imports of the project's own modules, wherever they stand in the file."""
    edges: dict[str, set[str]] = {m: set() for m in known}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def floor_of(module: str) -> int | None:
    for k, floor in enumerate(FLOORS):
        if any(module == m or module.startswith(m + ".") for m in floor):
            return k
    return None


EDGES = imports(modules())


def test_no_import_cycles():
    assert cycles(EDGES) == []


def test_the_checker_finds_a_cycle_and_a_function_local_import(tmp_path):
    source = tmp_path / "pkg"
    source.mkdir()
    (source / "a.py").write_text("def f():\n    from pkg.b import g\n", encoding="utf-8")
    (source / "b.py").write_text("from pkg import a\n", encoding="utf-8")
    known = {"pkg.a": source / "a.py", "pkg.b": source / "b.py"}
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert cycles(imports(known)) == [["pkg.a", "pkg.b"]]
    finally:
        ROOT = saved


def test_every_library_module_has_a_floor():
    library = [m for m in EDGES if m.startswith("geo.") and m != "geo.data"]
    assert [m for m in library if floor_of(m) is None and m != "geo"] == []


def test_the_library_looks_only_down():
    upward = [
        f"{m} -> {t}"
        for m, targets in EDGES.items()
        if (k := floor_of(m)) is not None
        for t in targets
        if (j := floor_of(t)) is not None and j > k
    ]
    assert upward == []


def test_the_library_never_imports_the_command_line_or_the_app():
    assert [
        f"{m} -> {t}"
        for m, ts in EDGES.items()
        if m.startswith("geo")
        for t in ts
        if t[:3] != "geo"
    ] == []
    assert [
        f"{m} -> {t}"
        for m, ts in EDGES.items()
        if m.startswith("cli")
        for t in ts
        if t.startswith("app")
    ] == []


def test_the_follow_up_stands_beside_the_app():
    """The follow-up never imports the app or the pipeline, and the library never imports the
    follow-up: the app reads it through its store."""
    assert [
        f"{m} -> {t}"
        for m, ts in EDGES.items()
        if m.startswith("followup")
        for t in ts
        if t.startswith("app") or t == "geo.pipeline"
    ] == []
    assert [
        f"{m} -> {t}"
        for m, ts in EDGES.items()
        if m.startswith("geo")
        for t in ts
        if t.startswith("followup")
    ] == []


def test_views_do_not_import_each_other():
    views = [m for m in EDGES if m.startswith("app.views.")]
    assert [f"{m} -> {t}" for m in views for t in EDGES[m] if t in views] == []


def test_the_committed_plotly_bundle_is_the_pinned_version():
    """tools/plotly-bundle pins plotly.js; the committed partial build must be that version,
    and so must the plotly.js that plotly.py (pinned in pyproject.toml) ships to Dash, which
    the background map loads: one version of Plotly on every page."""
    lock = json.loads((ROOT / "tools/plotly-bundle/package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/plotly.js"]["version"]
    package = json.loads((ROOT / "tools/plotly-bundle/package.json").read_text())
    assert package["devDependencies"]["plotly.js"] == pinned
    head = (ROOT / "app/plotly/plotly-tiltakskart.min.js").read_text(encoding="utf-8")[:400]
    built = re.search(r"plotly\.js \(tiltakskart[^)]*\) v(\d+\.\d+\.\d+)", head)
    assert built and built[1] == pinned
    assert plotly.offline.get_plotlyjs_version() == pinned


def test_starting_the_app_does_not_load_folium():
    """folium (the HTML map download) takes a tenth of a second to import: the app loads it
    when a map is first asked for, not at every start (bench/startup.py)."""
    code = "import sys, app.main; print('folium' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr[-500:]
