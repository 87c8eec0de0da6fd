import pytest


@pytest.fixture(autouse=True)
def _pending_gates(pending_gates):
    """The lifecycle tests here attest the gates other modules implement (see tests/conftest.py)."""
    return pending_gates
