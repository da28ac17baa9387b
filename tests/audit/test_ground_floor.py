"""audit is on the ground floor (docs/architecture.md): it imports nothing of ours. The actor's posts reach it
through audit.log.set_posts_provider, plugged in from above (registry/apps.py)."""

import ast
from pathlib import Path

import audit
import audit.log
from registry.scope import posts_over

OURS = {"registry", "documents", "workflows", "approvals", "archive", "supervision", "api", "config"}


def test_audit_imports_nothing_of_ours():
    found = []
    for path in Path(audit.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            found += [f"{path.name}: {name}" for name in names if name.split(".")[0] in OURS]
    assert found == []


def test_the_registrys_posts_function_is_plugged_in_at_start_up():
    assert audit.log._posts_provider is posts_over
