import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""
