import pytest


@pytest.fixture(autouse=True)
def _no_project_created_hooks(monkeypatch):
    """Deadline counts here are exact; the automatic deadlines other apps hang on a new project
    (e.g. the qualification review, apps.qualification) are tested in those apps."""
    from apps.projects import hooks

    monkeypatch.setattr(hooks, "_created", [])


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""
