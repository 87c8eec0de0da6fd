"""The structure docs/architecture.md promises, checked on the code itself (the layers are checked
by lint-imports in scripts/test.sh; function complexity by ruff C901)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import rules
from django.apps import apps as django_apps

APPS = Path(__file__).resolve().parent.parent / "apps"
MAX_MODULE_LINES = 600
# The font builder is a build tool, not application code (docs/pdf.md).
EXEMPT = {APPS / "reports" / "fonts" / "build.py"}
# Support code the kit in apps/core holds once (permissions, locking, text, notify, refusals,
# transitions): an app that defines its own copy has drifted from it.
KIT_COPIES = {"_deny_unless", "_apply_domain_error", "_require", "_lock", "_text", "_notify", "_action",
              "_transition", "_simple_post", "_apply"}


def _modules():
    for path in sorted(APPS.rglob("*.py")):
        if "migrations" in path.parts or path in EXEMPT:
            continue
        yield path


def _app_of(path: Path) -> str:
    return path.relative_to(APPS).parts[0]


def test_no_app_keeps_a_copy_of_the_kit():
    copies = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in KIT_COPIES:
                copies.append(f"{path.relative_to(APPS)}:{node.lineno} {node.name}")
    assert copies == []


def test_no_app_imports_another_apps_private_names():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("apps."):
                other = node.module.split(".")[1]
                if other != _app_of(path):
                    found += [f"{path.relative_to(APPS)}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_")]
    assert found == []


def test_no_module_is_over_600_lines():
    long = [f"{p.relative_to(APPS)} ({n})" for p in _modules()
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES]
    assert long == []


@pytest.mark.django_db
def test_every_rule_is_named_after_its_app():
    labels = {config.label for config in django_apps.get_app_configs()}
    names = list(rules.rulesets.default_rules)
    assert names
    assert [n for n in names if n.split(".")[0] not in labels] == []
