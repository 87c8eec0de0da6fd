import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every test stores files in its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""
