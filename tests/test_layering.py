"""The house's floors (docs/architecture.md, "The import order"): each app imports only the apps on
the floors below it, never one beside or above it. A new upward or sideways import fails here, and
so does a new app that is not in the table: decide its floor first.

No module of ours is imported inside a function unless a comment on that line says why (an import
cycle that the lazy import breaks, or a module that must load late)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

GROUND = {"audit", "registry"}
# app: the apps it may import. Floors from the ground up: audit ← registry ← accounts ← documents
# ← workflows ← archive, supervision, intake, aftercare ← monitoring ← approvals, api ← ops, config.
MAY_IMPORT = {
    "audit": set(),
    "registry": {"audit"},
    "accounts": {"audit", "registry"},
    "documents": {"audit", "registry", "accounts"},
    "workflows": {"audit", "registry", "accounts", "documents"},
    "archive": {"audit", "registry", "accounts", "documents", "workflows"},
    "supervision": {"audit", "registry", "accounts", "documents", "workflows"},
    "aftercare": {"audit", "registry", "accounts", "documents", "workflows"},
    "intake": {"audit", "registry", "accounts", "documents", "workflows"},
    # notifications: above supervision (it reads findings), below the cockpit (which counts escalations).
    "notifications": {"audit", "registry", "accounts", "documents", "workflows", "archive", "supervision"},
    # monitoring: above aftercare as architecture.md draws it (就业率 counts aftercare's 就业台账).
    "monitoring": {"audit", "registry", "accounts", "documents", "workflows", "archive", "supervision",
                   "aftercare", "notifications"},
    "approvals": {"audit", "registry", "accounts", "documents", "workflows", "archive", "supervision",
                  "notifications"},
    "api": {"audit", "registry", "accounts", "documents", "workflows", "archive", "supervision", "notifications"},
    # public: the no-login window, beside approvals and api (it reads notices and one household's status).
    "public": {"audit", "registry", "accounts", "documents", "workflows"},
    "ops": {"audit", "registry", "accounts", "documents", "workflows", "archive", "supervision", "intake",
            "aftercare", "monitoring", "notifications", "public", "config"},
    "config": {"audit", "registry", "accounts", "documents", "workflows", "archive", "supervision", "intake",
               "aftercare", "monitoring", "notifications", "approvals", "api", "public", "ops"},
}
NO_INNER_IMPORTS = ("audit", "registry", "documents", "workflows", "archive", "supervision", "intake", "approvals",
                    "api", "aftercare", "monitoring", "notifications", "public")


def _apps(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in root.iterdir() if (p / "__init__.py").exists() and p.name not in ("tests",))


def _imports(path: Path):
    """(line number, imported module, inside a function, the line's text) for each absolute import."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    inner = {id(n) for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
             for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        elif isinstance(node, ast.ImportFrom):  # relative: a module of the same app
            names = [f"{path.relative_to(ROOT).parts[0] if path.is_relative_to(ROOT) else ''}.{node.module or ''}"]
        else:
            continue
        for name in names:
            yield node.lineno, name, id(node) in inner, lines[node.lineno - 1]


def upward_or_sideways(app: str, root: Path = ROOT) -> list[str]:
    ours = set(_apps(root))
    found = []
    for path in sorted((root / app).rglob("*.py")):
        for line, name, _inner, _text in _imports(path):
            top = name.split(".")[0]
            if top in ours and top != app and top not in MAY_IMPORT[app]:
                found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


def test_every_app_has_a_floor():
    assert set(_apps()) <= set(MAY_IMPORT), f"new app(s) without a floor: {set(_apps()) - set(MAY_IMPORT)}"


@pytest.mark.parametrize("app", [a for a in sorted(MAY_IMPORT) if (ROOT / a).exists()])
def test_app_imports_only_the_floors_below_it(app):
    assert upward_or_sideways(app) == []


@pytest.mark.parametrize("app", NO_INNER_IMPORTS)
def test_no_module_of_ours_is_imported_inside_a_function_without_a_reason(app):
    ours = set(_apps())
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if path.name == "apps.py" or "migrations" in path.parts:  # ready(): after the models load, by design
            continue
        for line, name, inner, text in _imports(path):
            if inner and name.split(".")[0] in ours and "#" not in text:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert found == []


def test_the_api_imports_nothing_from_the_pages():
    found = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / "api").rglob("*.py"))
             for line, name, _inner, _text in _imports(path) if name.split(".")[0] == "approvals"]
    assert found == []


def test_an_upward_import_and_a_sideways_one_are_reported(tmp_path):
    for app in ("documents", "workflows", "archive", "supervision"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "documents" / "bad.py").write_text("def f():\n    from workflows.households import service\n")
    (tmp_path / "archive" / "bad.py").write_text("import supervision.findings\n")
    assert upward_or_sideways("documents", tmp_path) == ["documents/bad.py:2 imports workflows.households"]
    assert upward_or_sideways("archive", tmp_path) == ["archive/bad.py:1 imports supervision.findings"]
    assert upward_or_sideways("supervision", tmp_path) == []


def _module_graph(package: str) -> dict[str, set[str]]:
    """{module: modules of `package` it imports} — absolute and relative imports, inside functions
    too; a package import counted as its __init__ and `from pkg import module` as the module."""
    modules = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph = {}
    for name, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def import_cycles(package: str) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph, index, low, stack, on_stack, found = _module_graph(package), {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_workflows_has_no_import_cycle():
    """Each lifecycle and the shared core import one way (the re-cut's point: the app's loading order
    no longer hangs on a circle of 30 modules)."""
    assert import_cycles("workflows") == []
